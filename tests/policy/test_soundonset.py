"""The sudden-sound detector's rule: loud after quiet, and not the canceller's own residual."""

from __future__ import annotations

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
