"""Busy processes for `voicecli bench --load`: started for the run, measured, reaped after."""

from __future__ import annotations

import psutil
import pytest

from voicecli.bench.cli import load_levels
from voicecli.bench.load import BusyLoad
from voicecli.bench.metrics import TurnMetrics
from voicecli.errors import UsageError


def alive(pid: int) -> bool:
    return psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE


def test_busy_processes_spin_while_the_run_lasts_and_are_gone_after() -> None:
    with BusyLoad(2) as busy:
        pids = busy.pids
        assert len(pids) == 2
        children = [psutil.Process(pid) for pid in pids]
        while any(c.cpu_times().user == 0.0 for c in children):  # until each has run
            assert all(c.is_running() for c in children)
    assert busy.cpu_percent() is not None and busy.cpu_percent() > 0.0
    assert not any(
        psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in pids
    )
    assert busy.pids == []


def test_no_load_starts_nothing() -> None:
    with BusyLoad(0) as busy:
        assert busy.pids == []
    assert busy.cpu_percent() is None


def test_load_levels_are_numbers_joined_by_commas() -> None:
    assert load_levels("1") == [1]
    assert load_levels("0, 1,2,1") == [0, 1, 2]


@pytest.mark.parametrize("given", ["", "one", "-1", "1;2", "99"])
def test_a_load_that_is_not_a_level_is_refused(given: str) -> None:
    with pytest.raises(UsageError, match="--load"):
        load_levels(given)


def test_a_loaded_turn_is_summarised_apart() -> None:
    turn = TurnMetrics("plain", "streaming", 0, 1, "turn", variant="", load=1)
    assert turn.label == "streaming load 1"
    assert TurnMetrics("plain", "streaming", 0, 1, "turn").label == "streaming"
