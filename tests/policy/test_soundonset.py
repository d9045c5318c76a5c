"""The sudden-sound detector's rule: loud after quiet, and not the canceller's own residual."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from voicecli.policy.interruption import InterruptRules
from voicecli.policy.soundonset import SoundOnsetDetector

FRAME_S = 0.01


def detector() -> SoundOnsetDetector:
    return SoundOnsetDetector(InterruptRules(), FRAME_S)


def run(found: SoundOnsetDetector, frames: list[tuple[float, float]]) -> list[int]:
    """Indices of the frames taken for onsets; frames are (clean dBFS, mic dBFS)."""
    return [i for i, (clean, mic) in enumerate(frames) if found.frame(clean, mic)]


def test_a_loud_frame_after_quiet_is_an_onset_and_one_without_quiet_is_not() -> None:
    quiet = [(-70.0, -70.0)] * 20
    assert run(detector(), [*quiet, (-20.0, -20.0), (-20.0, -20.0)]) == [20]
    assert run(detector(), [*quiet[:5], (-20.0, -20.0)]) == []


def test_removal_limit_follows_the_cancellers_recent_removal() -> None:
    # a canceller that has taken 25 dB out of the echo: a loud residual with 15 dB taken out
    # is the agent's own
    weak = [(-45.0, -20.0)] * 30
    assert run(detector(), [*weak, (-30.0, -15.0)]) == []
    # one that has taken 60 dB out: a caller with 11 dB taken out (under a louder echo) is not
    strong = [(-80.0, -20.0)] * 30
    assert run(detector(), [*strong, (-26.0, -15.0)]) == [30]
    # ...the limit: its removal less the margin, never under the fixed one
    found = detector()
    run(found, strong)
    assert found.removal_limit_db() == 60.0 - InterruptRules().onset_removal_margin_db
    run(found, weak * 2)
    assert found.removal_limit_db() == InterruptRules().onset_max_removed_db


def test_without_echo_the_fixed_limit_holds() -> None:
    # the mic was silent (no echo measured): only onset_max_removed_db applies
    silence = [(-90.0, -90.0)] * 30
    assert run(detector(), [*silence, (-25.0, -13.0)]) == []
    assert run(detector(), [*silence, (-25.0, -17.0)]) == [30]


def test_a_loud_frame_just_after_the_device_broke_its_streams_is_not_an_onset() -> None:
    quiet = [(-70.0, -70.0)] * 20
    found = detector()
    run(found, quiet)
    assert not found.frame(-20.0, -20.0, after_break=True)  # the canceller's jump, not a caller
    assert run(detector(), [*quiet, (-20.0, -20.0)]) == [20]  # the same frame otherwise is one


def babble(seconds: float, level_db: float, seed: int = 0) -> list[tuple[float, float]]:
    """A crowd around `level_db`: bursts of voices up to 4 dB over it and lulls 4-8 dB under,
    each 0.1-0.3 s (no echo in the mic)."""
    rng = np.random.default_rng(seed)
    frames: list[tuple[float, float]] = []
    burst = True
    while len(frames) * FRAME_S < seconds:
        centre = level_db + (2.0 if burst else -6.0)
        for db in centre + rng.uniform(-2.0, 2.0, round(rng.uniform(0.1, 0.3) / FRAME_S)):
            frames.append((float(db), float(db)))
        burst = not burst
    return frames


def test_a_loud_room_does_not_make_onsets_but_a_caller_above_it_does() -> None:
    crowd = babble(6.0, -33.0)
    level_only = SoundOnsetDetector(replace(InterruptRules(), onset_over_room_db=0.0), FRAME_S)
    assert len(run(level_only, crowd)) > 10  # it crosses sound_onset_db after every lull
    found = detector()
    assert run(found, crowd) == []
    assert found.loud_db() > InterruptRules().sound_onset_db  # the room sets the bar
    lull, caller = [(-39.0, -39.0)] * 15, [(-19.0, -19.0)] * 5  # nearer the mic than the crowd
    assert run(found, [*lull, *caller]) == [len(lull)]
    found = detector()
    run(found, crowd)
    assert run(found, [*lull, (-28.0, -28.0)]) == [], "a burst of the crowd's own loudness"
