"""Speech segmentation: onset confirmation, pre-roll, hang-over, hysteresis."""

from __future__ import annotations

from voicecli.policy.segmenter import Segmenter, SegmenterRules, SpeechEnd, SpeechStart


def feed(probabilities: list[float], rules: SegmenterRules | None = None) -> list[object]:
    segmenter = Segmenter(rules)
    return [e for i, p in enumerate(probabilities) if (e := segmenter.push(i, p))]


def test_onset_needs_consecutive_frames_and_reports_the_first() -> None:
    rules = SegmenterRules(onset_frames=2, preroll_frames=3)
    events = feed([0.1] * 12 + [0.9, 0.9, 0.9], rules)
    assert events == [SpeechStart(onset=12, audio_start=9)]


def test_single_click_is_not_speech() -> None:
    assert feed([0.1, 0.9, 0.1, 0.1, 0.95, 0.2]) == []


def test_end_after_hangover_reports_last_voiced_frame() -> None:
    rules = SegmenterRules(onset_frames=2, hangover_frames=4, preroll_frames=0)
    events = feed([0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1], rules)
    assert events == [SpeechStart(0, 0), SpeechEnd(end=3)]


def test_hysteresis_keeps_speech_through_soft_frames() -> None:
    rules = SegmenterRules(threshold=0.5, release=0.35, hangover_frames=3, preroll_frames=0)
    events = feed([0.9, 0.9, 0.4, 0.4, 0.4, 0.9, 0.1, 0.1, 0.1], rules)
    assert events == [SpeechStart(0, 0), SpeechEnd(end=6)]


def test_preroll_does_not_go_before_the_stream() -> None:
    assert feed([0.9, 0.9]) == [SpeechStart(0, 0)]
