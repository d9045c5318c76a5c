"""The caller's level gate: the room behind the caller is not speech, the caller always is."""

from __future__ import annotations

from voicecli.policy.callerlevel import CallerLevel, CallerLevelRules

RULES = CallerLevelRules()


def feed(gate: CallerLevel, frames: list[tuple[float, float]]) -> list[float]:
    return [gate.gate(p, level) for p, level in frames]


QUIET_ROOM = (0.05, -70.0)


def test_babble_after_the_caller_stops_is_not_speech() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    feed(gate, [(0.6, -34.0)] * 30)  # the crowd, before the caller's level is known
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


def test_a_callers_quieter_words_in_a_quiet_room_are_the_caller() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    feed(gate, [QUIET_ROOM] * 30)
    feed(gate, [(0.95, -15.0)] * 40)
    softer = feed(gate, [(0.95, -30.0)] * 25)  # 15 dB under their loud words, 40 over the room
    assert gate.level_db is not None and gate.level_db > -30.0 + RULES.caller_drop_db
    assert all(p == 0.95 for p in softer), "far over the room's floor: not the room"


def test_a_crowd_that_starts_mid_call_is_gated_once_it_is_the_rooms_level() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    feed(gate, [QUIET_ROOM] * 60)
    feed(gate, [(0.95, -20.0)] * 40)
    crowd = feed(gate, [(0.9, -34.0)] * RULES.room_frames)
    assert crowd[0] == 0.9, "at first the crowd stands over the quiet room's floor"
    assert crowd[-1] == 0.0, "once it fills the room's window, it is the room"
    assert gate.room_db() == -34.0


def test_a_crowd_pulled_down_between_its_bursts_is_still_the_room() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    bursts = [(0.9, -34.0), (0.9, -34.0), (0.7, -50.0), (0.7, -50.0)]  # as the suppressor leaves it
    feed(gate, bursts * 10)
    feed(gate, [(0.95, -20.0)] * 40)
    crowd = feed(gate, bursts * 20)
    assert gate.room_db() == -50.0
    assert all(p == 0.0 for p in crowd[RULES.hold_frames + RULES.smooth_frames :])


def test_the_rooms_floor_is_known_after_half_its_window_and_a_voice_stands_over_it() -> None:
    gate = CallerLevel(RULES, threshold=0.5)
    half = RULES.room_frames // 2
    feed(gate, [(0.0, -60.0), (0.0, -59.0)] * (half // 2 - 1))
    assert not gate.at_floor(-60.0, 1.0), "not yet known"
    feed(gate, [(0.0, -60.0), (0.0, -59.0)])
    assert gate.at_floor(-60.0, 1.0) and gate.at_floor(-59.0, 1.0)
    assert not gate.at_floor(-57.0, 1.0), "a voice as loud as the room adds 3 dB"
