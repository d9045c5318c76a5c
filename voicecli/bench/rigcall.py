"""One call of `voicecli talk` on the JACK rig: a scenario's caller, the agent's echo, the log.

Starts a JACK dummy server under its own name, the rig (the caller and the echo path) and the
agent as a user would start it — a command run with the server as its default sound card —
then waits for the caller to finish and the agent's last reply to end, stops the agent with
Ctrl-C (SIGINT) and reads its session log. What happened is judged on the rig's timeline: the
log's clock times are mapped onto it through the rig's `t0` (both are the system's monotonic
clock).
"""

from __future__ import annotations

import json
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from voicecli.bench.metrics import Speaker
from voicecli.bench.runner import run_budget
from voicecli.bench.scenario import Scenario
from voicecli.bench.simulator import CallerSimulator, Placement
from voicecli.sim.ctrlc import ctrl_c_as_at_a_terminal
from voicecli.sim.jackrig import JackRig
from voicecli.sim.jackserver import JackServer

CONNECT_TIMEOUT_S = 300.0  # the agent loads its models before it opens the device
CALL_TIMEOUT_S = 300.0
LAST_REPLY_QUIET_S = 2.0  # the agent's last reply is over after this much silence
SLACK_S = 0.5  # an event this close to a caller's speech is about it
MEMORY_EVERY_S = 1.0  # how often the agent's resident memory is read
COMMIT_WITHIN_S = 6.0  # a turn is committed this soon after its speech ends, or it is not its


@dataclass
class RigRun:
    """One call on the rig: what the caller said where, what the agent logged and played."""

    placements: list[Placement]
    events: list[dict[str, Any]]
    t0_log: float
    rig: JackRig
    returncode: int
    stdout: str
    stderr: str
    memory: list[tuple[float, float]] = field(default_factory=list)  # (clock time, RSS MB)

    def at(self, event: dict[str, Any]) -> float:
        """An event's time on the rig's timeline (seconds from rig sample 0)."""
        return self.t0_log + event["t"] - self.rig.t0

    def rss_mb_at(self, t: float) -> float | None:
        """The agent's resident memory (MB) at rig time `t`: the last reading before it."""
        before = [mb for clock, mb in self.memory if clock - self.rig.t0 <= t]
        return before[-1] if before else None

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["kind"] == kind]

    def near_caller(self, t: float, after_s: float) -> bool:
        return any(p.onset_s - SLACK_S <= t <= p.end_s + after_s for p in self.placements)

    def phantom_turns(self) -> int:
        return sum(
            not self.near_caller(self.at(e), COMMIT_WITHIN_S) for e in self.of("turn_committed")
        )

    def pauses_for_nobody(self) -> int:
        return sum(not self.near_caller(self.at(e), SLACK_S) for e in self.of("barge_in"))

    def barge_in_stop_ms(self) -> float | None:
        """The bench's barge-in stop (bench/metrics.py), on what the rig heard (None: no
        barge-in in the call, the agent was not speaking, or it never stopped)."""
        onset = next((p.onset_s for p in self.placements if p.turn.kind == "barge_in"), None)
        if onset is None:
            return None
        return Speaker(self.rig.played(), self.rig.rate).barge_in_stop_ms(onset)


def call_on_rig(
    scenario: Scenario,
    command: list[str],
    log: Path,
    rate: int = 48000,
    echo_gain_db: float | None = -6.0,
    during_first_reply: Callable[[JackServer], None] | None = None,
    realtime: bool | None = None,
) -> RigRun:
    """Run `command` (which must write its session log to `log`) as the agent on a new JACK
    server at `rate`, with `scenario`'s caller and the agent's echo at `echo_gain_db`.
    `during_first_reply` is called once the agent's voice is heard after the first turn
    (which must start `at` a time), e.g. to kill the server as a device that goes away.
    `realtime`: the server's priority (None: real time where the machine allows it).
    Call it from the main thread: it makes sure the agent hears the Ctrl-C it is sent."""
    ctrl_c_as_at_a_terminal()
    # the agent's output goes to files, not pipes: nobody reads a pipe during the call, and
    # once a pipe's buffer (64 KB on Linux) is full the agent would block at its next print
    with (
        JackServer(rate=rate, realtime=realtime) as server,
        tempfile.TemporaryFile("w+", encoding="utf-8") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8") as err,
    ):
        caller = CallerSimulator(scenario, server.rate, seed=0)
        rig = JackRig(server.name, caller, echo_gain_db=echo_gain_db, echo_delay_s=0.01)
        rig.start()
        talk = subprocess.Popen(command, env=server.env(), stdout=out, stderr=err, text=True)
        memory: list[tuple[float, float]] = []
        done = threading.Event()
        sampler = threading.Thread(
            target=_sample_memory, args=(talk.pid, memory, done), name="rss", daemon=True
        )
        sampler.start()
        try:
            rig.connect_agent(timeout_s=CONNECT_TIMEOUT_S)
            if during_first_reply is not None:
                first_end = scenario.turns[0].delay_s + caller.clips[0].duration_s
                if rig.wait_for_sound(after_s=first_end, timeout_s=CALL_TIMEOUT_S):
                    during_first_reply(server)
            # with the device gone the agent ends by itself; otherwise the caller hangs up
            call_s = max(CALL_TIMEOUT_S, run_budget(scenario))  # a long call takes long
            if server.running and rig.finished.wait(timeout=call_s) and caller.placements:
                last = caller.placements[-1]
                rig.wait_for_reply(after_s=last.end_s, quiet_s=LAST_REPLY_QUIET_S, timeout_s=60)
            if server.running:
                talk.send_signal(signal.SIGINT)
            talk.wait(timeout=60)
        finally:
            done.set()
            if talk.poll() is None:
                talk.kill()
                talk.wait()
            rig.stop()
            sampler.join()
            stdout, stderr = _read_back(out), _read_back(err)
    events = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    started = next((e for e in events if e["kind"] == "session_started"), {"t0": rig.t0})
    return RigRun(
        list(caller.placements),
        events,
        started["t0"],
        rig,
        talk.returncode,
        stdout,
        stderr,
        memory,
    )


def _read_back(file: Any) -> str:
    """All a temporary file holds."""
    file.seek(0)
    return file.read()


def _sample_memory(pid: int, into: list[tuple[float, float]], done: threading.Event) -> None:
    """The agent's resident memory once a second until `done` (or the process is gone)."""
    try:
        process = psutil.Process(pid)
        while not done.wait(MEMORY_EVERY_S):
            into.append((time.monotonic(), process.memory_info().rss / 2**20))
    except psutil.Error:
        return  # the agent has ended
