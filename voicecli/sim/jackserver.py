"""A JACK dummy server: a sound card that keeps real time, on a machine that has none.

`jackd -d dummy` runs a clocked full-duplex device (PortAudio lists it as `system`) driven by
the system clock, period by period, as a laptop's card is driven by its crystal. Each server
is started under a name of the rig's own and found through `JACK_DEFAULT_SERVER`, so only the
processes given `env()` see it (a test's server never becomes another program's default
device). It is stopped, and waited for, when the `with` block ends — also when the block fails.

It runs at a real-time priority where this machine lets a process have one (root, or an
`rtprio` limit), as the sound servers of a laptop do (PipeWire, JACK): its clients' process
threads — the rig's and the agent's PortAudio callback — then run ahead of the models' threads,
and a period is missed only when the callback itself is late. Without real time the
callbacks queue behind Whisper and the LLM on a 2-core machine like any thread, which is not
how a sound card is driven.

The names come from a small pool, not a fresh one each time: jackd keeps its servers in a
shared registry of 8 slots, and a server that dies without stopping (killed, as the device
fault test does) holds its slot until a server of the same name starts again. With a new name
each time, eight such deaths left no server able to start on the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from types import TracebackType
from typing import IO

from voicecli.errors import VoicecliError

START_TIMEOUT_S = 10.0
NAMES = 4  # the pool: one per rig running at once on this machine is plenty


def realtime_allowed() -> bool:
    """Whether a process of this user may run a thread at a real-time (SCHED_FIFO) priority."""
    if shutil.which("chrt") is None:
        return False
    probe = subprocess.run(["chrt", "-f", "1", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def free_name() -> str:
    """The first name of the pool no running server has (a dead one's slot is taken back)."""
    for index in range(NAMES):
        name = f"voicecli-rig-{index}"
        check = subprocess.run(
            ["jack_wait", "--server", name, "--check"], capture_output=True, text=True, check=False
        )
        if "not running" in check.stdout:
            return name
    raise VoicecliError(f"every JACK rig name is in use ({NAMES} rigs running); stop one first")


class JackServer:
    """One `jackd -d dummy` at `rate` Hz with `period`-frame blocks, under a name of its own."""

    def __init__(
        self,
        rate: int = 48000,
        period_s: float = 0.02,
        name: str = "",
        realtime: bool | None = None,
    ) -> None:
        """`realtime`: None runs at a real-time priority where the machine allows it."""
        self.rate = rate
        self.realtime = realtime
        self.period = round(rate * period_s)
        self.name = name  # chosen from the pool at start() unless given
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None  # jackd's messages: a file, never a pipe it could fill
        self._log_read = 0  # how far xrun_reports has read it

    def env(self) -> dict[str, str]:
        """The environment for a process that should use this server as its sound card."""
        return {**os.environ, "JACK_DEFAULT_SERVER": self.name, "JACK_NO_START_SERVER": "1"}

    def start(self) -> None:
        """Start the server and wait until clients can connect (one clear line if it cannot)."""
        if shutil.which("jackd") is None or shutil.which("jack_wait") is None:
            raise VoicecliError("jackd is not installed; scripts/setup installs jackd2")
        self.name = self.name or free_name()
        if self.realtime is None:
            self.realtime = realtime_allowed()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the server runs; stop() closes it
        self._log_read = 0
        self._process = subprocess.Popen(
            [
                "jackd",
                "--realtime" if self.realtime else "--no-realtime",
                "--name",
                self.name,
                "--timeout",
                "2000",
                "-d",
                "dummy",
                "-r",
                str(self.rate),
                "-p",
                str(self.period),
            ],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        ready = subprocess.run(
            ["jack_wait", "--server", self.name, "--wait", "--timeout", str(int(START_TIMEOUT_S))],
            capture_output=True,
            text=True,
            check=False,
        )
        if ready.returncode != 0 or self._process.poll() is not None:
            error = self._stderr_tail()
            self.stop()
            raise VoicecliError(f"the JACK server '{self.name}' did not start: {error}")

    def _stderr_tail(self) -> str:
        if self._process is None or self._process.poll() is None or self._log is None:
            return "no answer within the timeout"
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit code {self._process.returncode}"

    def xrun_reports(self) -> list[str]:
        """What the server said about xruns since the last call (which client was late:
        "JackEngine::XRun: client = PortAudio was not finished…"), one line each."""
        if self._log is None:
            return []
        # a reading of its own: jackd writes through the same file offset as self._log
        with open(f"/proc/self/fd/{self._log.fileno()}", "rb") as view:
            view.seek(self._log_read)
            data = view.read()
        self._log_read += len(data)
        text = data.decode(errors="replace")
        return [line.strip() for line in text.splitlines() if "xrun" in line.lower()]

    def kill(self) -> None:
        """Stop the server at once, as a crash or an unplugged card would."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server and wait for it (idempotent)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None
        self._process = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> JackServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
