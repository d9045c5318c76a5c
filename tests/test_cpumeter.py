"""The CPU meter: cores other programs keep busy, measured from the kernel's counters."""

from __future__ import annotations

import psutil

from voicecli.bench.load import BusyLoad
from voicecli.cpumeter import CpuMeter


def test_a_busy_program_beside_us_is_counted() -> None:
    meter = CpuMeter(period_s=0.0)
    with BusyLoad(1) as busy:
        child = psutil.Process(busy.pids[0])
        start = child.cpu_times().user
        while child.cpu_times().user - start < 0.3:  # the busy process has run a while
            pass
        others = meter.others_busy()
    assert 0.3 < others <= meter.cores


def test_a_reading_sooner_than_the_period_is_the_last_one() -> None:
    meter = CpuMeter(period_s=3600.0)
    assert meter.others_busy() == meter.others_busy() == 0.0
