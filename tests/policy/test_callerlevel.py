"""The caller's level gate: the room behind the caller is not speech, the caller always is."""

from __future__ import annotations

from voicecli.policy.callerlevel import CallerLevel, CallerLevelRules

RULES = CallerLevelRules()


def feed(gate: CallerLevel, frames: list[tuple[float, float]]) -> list[float]:
    return [gate.gate(p, level) for p, level in frames]


def test_babble_after_the_caller_stops_is_not_speech() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    caller = feed(gate, [(0.95, -20.0)] * 40)
    assert all(p == 0.95 for p in caller), "nothing is gated while the caller talks"
    crowd = feed(gate, [(0.9, -34.0)] * 30)  # voices 14 dB below the caller
    assert all(p == 0.9 for p in crowd[: RULES.hold_frames - 1]), "a short dip is the VAD's"
    assert all(p == 0.0 for p in crowd[RULES.hold_frames + RULES.smooth_frames :])
    assert feed(gate, [(0.9, -20.0)])[0] == 0.9, "the caller again, at once"


def test_nothing_is_gated_before_the_callers_level_is_known() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    feed(gate, [(0.9, -20.0)] * (RULES.known_after_frames - 1))
    quiet = feed(gate, [(0.3, -60.0)] * 30)  # not speech: it does not count towards the level
    assert gate.level_db is None and all(p == 0.3 for p in quiet)


def test_a_caller_who_gets_quieter_keeps_being_heard() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    feed(gate, [(0.95, -20.0)] * 40)
    softer = feed(gate, [(0.9, -27.0)] * RULES.memory_frames)  # 7 dB quieter: within the drop
    assert all(p == 0.9 for p in softer)
    assert gate.level_db is not None and gate.level_db < -20.0, "the level follows the caller"
