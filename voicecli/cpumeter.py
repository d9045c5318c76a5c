"""How busy other programs keep the CPU: the machine's busy time less this process's own.

Read from the kernel's counters (psutil: /proc/stat and this process's times) between two
calls at least `period_s` apart; a call sooner returns the last reading, so asking before each
reply costs nothing. The cores counted are the ones this process may run on.
"""

from __future__ import annotations

import os
import time

import psutil


def allowed_cores() -> int:
    """Cores this process may run on (its affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity call on this platform
        return max(1, os.cpu_count() or 1)


class CpuMeter:
    """Cores kept busy by other programs since the previous reading."""

    def __init__(self, period_s: float = 0.5) -> None:
        self.period_s = period_s
        self.cores = allowed_cores()
        self._process = psutil.Process()
        self._mark = self._sample()
        self._others = 0.0

    def _sample(self) -> tuple[float, float, float]:
        machine = psutil.cpu_times()
        busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        own = sum(self._process.cpu_times()[:2])  # user and system, all its threads
        return time.monotonic(), busy, own

    def others_busy(self) -> float:
        """Cores other programs kept busy over the last period (0.0 up to all of them)."""
        now = self._sample()
        wall = now[0] - self._mark[0]
        if wall < self.period_s:
            return self._others
        others = (now[1] - self._mark[1]) - (now[2] - self._mark[2])
        self._others = min(float(self.cores), max(0.0, others / wall))
        self._mark = now
        return self._others
