"""When a late reply says "One moment.": the idle budget, a shorter one on a busy machine."""

from __future__ import annotations

from voicecli.policy.lateack import LateAckRule

RULE = LateAckRule(idle_after_s=2.5, busy_after_s=1.0, busy_cores=0.5)


def test_an_idle_machine_waits_the_idle_budget() -> None:
    assert RULE.after_s(0.0) == 2.5
    assert RULE.after_s(0.49) == 2.5


def test_a_machine_other_programs_keep_busy_acknowledges_sooner() -> None:
    assert RULE.after_s(0.5) == 1.0
    assert RULE.after_s(2.0) == 1.0


def test_never_stays_never_however_busy() -> None:
    assert LateAckRule(0.0, 1.2, 0.5).after_s(2.0) == 0.0


def test_no_busy_budget_keeps_the_idle_one() -> None:
    assert LateAckRule(2.5, 0.0, 0.5).after_s(2.0) == 2.5


def test_a_busy_budget_never_makes_the_caller_wait_longer() -> None:
    assert LateAckRule(1.0, 3.0, 0.5).after_s(2.0) == 1.0
