"""The bench's rig in a process of its own, as a room is not part of the agent.

In the bench's own process the rig's JACK callback (Python: the simulated caller, the echo,
the recording) needs the interpreter lock that the agent's stages hold in turn. Run apart, the
same 32 turns had 34 playout underruns instead of 100. The capture overruns (22 against 18)
did not come from the lock and are still open (docs/design.md). Here the rig
(sim/jackrig.py, the bench's simulated caller its microphone signal) runs in a child process
started for one call: it connects to the agent's ports, says when the caller has hung up, and
on `stop()` hands back what it recorded and where it placed the caller's turns.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import numpy as np

from voicecli.bench.scenario import Scenario
from voicecli.bench.simulator import CallerSimulator, Placement

START_TIMEOUT_S = 60.0  # the child imports numpy, jack and the simulator, and reads the clips
STOP_TIMEOUT_S = 30.0  # the recording of a long call is a few hundred MB through a pipe


@dataclass
class RigRecording:
    """What the rig recorded on its timeline: sample k of either side happened k / rate after
    its sample 0, at clock time `t0` (the system's monotonic clock)."""

    rate: int
    t0: float
    played: np.ndarray
    sent: np.ndarray
    placements: list[Placement]
    xruns: list[float] = field(default_factory=list)
    error: str = ""


def _serve(
    server_name: str, scenario: Scenario, seed: int, rate: int, connect_s: float, conn: Connection
) -> None:
    """The child: run the rig until told to stop, passing on what the agent said to the
    caller, then send back its recording."""
    from voicecli.sim.jackrig import JackRig

    simulator = CallerSimulator(scenario, rate, seed=seed)
    rig = JackRig(server_name, simulator, echo_gain_db=None)  # the simulator makes the echo
    error = ""
    rig.start()
    conn.send("started")
    try:
        rig.connect_agent(connect_s)
    except Exception as err:  # reported to the parent as the call's error
        error = str(err)
        rig.finished.set()
    told = False
    while True:
        if rig.finished.is_set() and not told:
            conn.send("finished")
            told = True
        if not conn.poll(0.1):
            continue
        message = conn.recv()
        if message == "stop":
            break
        simulator.agent_said(message)  # a piece of the agent's reply, as the bench saw it
    rig.stop()
    conn.send(
        RigRecording(
            rig.rate, rig.t0, rig.played(), rig.sent(), list(simulator.placements), rig.xruns, error
        )
    )


class RigProcess:
    """One call's rig, run in a child process on the JACK server named `server_name`."""

    def __init__(
        self, server_name: str, scenario: Scenario, seed: int, rate: int, connect_s: float
    ) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of the agent's threads
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(server_name, scenario, seed, rate, connect_s, child),
            name="voicecli-rig",
            daemon=True,
        )
        self._started = threading.Event()
        self._finished = threading.Event()  # the caller hung up, or the rig ended
        self._recorded = threading.Event()
        self._recording: RigRecording | None = None
        self._reader = threading.Thread(target=self._read, name="rig-messages", daemon=True)

    def _read(self) -> None:
        """The one reader of the child's messages."""
        try:
            while True:
                message = self._conn.recv()
                if message == "started":
                    self._started.set()
                elif message == "finished":
                    self._finished.set()
                elif isinstance(message, RigRecording):
                    self._recording = message
                    break
        except (EOFError, OSError):
            pass  # the child is gone: what it did not send is missing
        self._started.set()
        self._finished.set()
        self._recorded.set()

    def start(self) -> None:
        """Start the child; returns once its client is active on the server."""
        self._process.start()
        self._reader.start()
        self._started.wait(START_TIMEOUT_S)

    def agent_said(self, text: str) -> None:
        """A piece of the agent's reply, for the caller (who may answer what it is asked)."""
        with contextlib.suppress(OSError):
            self._conn.send(text)

    def wait_finished(self, timeout_s: float) -> bool:
        """Wait until the caller has hung up (or the rig ended); False on the timeout."""
        return self._finished.wait(timeout_s)

    def stop(self) -> RigRecording:
        """Stop the rig and take its recording."""
        with contextlib.suppress(OSError):  # the child is gone; its reader has said so
            self._conn.send("stop")
        self._recorded.wait(STOP_TIMEOUT_S)
        self._process.join(timeout=STOP_TIMEOUT_S)
        if self._process.is_alive():
            self._process.kill()
        if self._recording is None:
            empty = np.zeros(0, np.float32)
            return RigRecording(0, 0.0, empty, empty, [], [], "the rig's process ended early")
        return self._recording
