"""Other programs wanting the CPU, for `voicecli bench --load N`: N busy processes for a run.

A laptop runs a browser, an editor and a build while its owner talks. Each busy process spins
on one core at normal priority, as a build would, for exactly as long as the run it loads; its
CPU use over that time is measured (its own user and system time over the wall time), so the
report says how much CPU the load really took rather than what was asked for. The processes
are started before the run and reaped after it, also when the run fails.
"""

from __future__ import annotations

import multiprocessing
import time
from types import TracebackType

import psutil


def _spin() -> None:  # pragma: no cover - runs in the child process
    while True:
        pass


class BusyLoad:
    """`count` busy processes while the `with` block runs; `cpu_percent()` after it."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._processes: list[multiprocessing.Process] = []
        self._cpu: list[float] = []
        self._started = 0.0
        self._wall = 0.0

    def __enter__(self) -> BusyLoad:
        context = multiprocessing.get_context("spawn")  # no copy of the loaded models
        for _ in range(self.count):
            process = context.Process(target=_spin, daemon=True, name="voicecli-busy")
            process.start()
            self._processes.append(process)
        self._started = time.monotonic()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._wall = time.monotonic() - self._started
        for process in self._processes:
            try:
                times = psutil.Process(process.pid).cpu_times()
                self._cpu.append(times.user + times.system)
            except psutil.Error:
                self._cpu.append(0.0)
            process.kill()
        for process in self._processes:
            process.join()
        self._processes = []

    @property
    def pids(self) -> list[int]:
        """The busy processes running now."""
        return [process.pid for process in self._processes if process.pid is not None]

    def cpu_percent(self) -> float | None:
        """Mean CPU each busy process took over the run, in % of one core (None: no load)."""
        if not self._cpu or self._wall <= 0:
            return None
        return round(100.0 * sum(self._cpu) / len(self._cpu) / self._wall, 1)
