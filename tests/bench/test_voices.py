"""Caller voices: a scenario that names a voice set runs once per voice, its words rendered by
espeak-ng / flite (real programs, installed by make setup), levelled and cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voicecli.audio.wavfile import read_wav
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.clips import speech_bounds
from voicecli.bench.scenario import ScenarioError, load_scenarios, parse_scenario
from voicecli.bench.voices import LEVEL_DBFS, VOICES, voice_set

VOICED = """
name = "voiced"
split = "tune"
voices = "tune"

[[turn]]
say = ["my order number is four two", "one", "nine"]
part_pause_s = 0.6
start = "at"
expect = ["tomorrow"]
"""


def test_the_sets_are_disjoint_and_each_has_four_voices() -> None:
    tune, holdout = voice_set("tune"), voice_set("holdout")
    assert len(tune) >= 4 and len(holdout) >= 4
    assert not {v.name for v in tune} & {v.name for v in holdout}
    assert {v.program for v in holdout} == {"espeak-ng", "flite"}


def test_a_voiced_scenario_runs_once_per_voice_with_its_pauses(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(VOICED)
    scenarios, errors = load_scenarios([tmp_path / "s.toml"], cache=tmp_path / "cache")
    assert errors == []
    assert [s.voice for s in scenarios] == [v.name for v in voice_set("tune")]
    for scenario in scenarios:
        assert scenario.name == f"voiced@{scenario.voice}" and scenario.split == "tune"
        turn = scenario.turns[0]
        assert turn.text == "my order number is four two one nine"
        assert len(turn.pauses) == 2 and all(d == 0.6 for _, d in turn.pauses)
        audio = read_wav(turn.audio, CAPTURE_RATE)
        onset, end = speech_bounds(audio)
        assert onset < 0.1 and end > audio.size / CAPTURE_RATE - 0.1, "trimmed to the speech"
        assert all(0.5 < at < end for at, _ in turn.pauses)
        loud = audio[np.abs(audio) > 0.01]
        rms_db = 20 * np.log10(np.sqrt(np.mean(loud**2)))
        assert abs(rms_db - LEVEL_DBFS) < 1.5 or np.abs(audio).max() > 0.85


def test_rendered_clips_are_cached(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(VOICED)
    first, _ = load_scenarios([tmp_path / "s.toml"], cache=tmp_path / "cache")
    stamp = {s.voice: s.turns[0].audio.stat().st_mtime_ns for s in first}
    again, _ = load_scenarios([tmp_path / "s.toml"], cache=tmp_path / "cache")
    assert {s.voice: s.turns[0].audio.stat().st_mtime_ns for s in again} == stamp
    assert {s.turns[0].pauses for s in again} == {s.turns[0].pauses for s in first}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('voices = "tune"', 'voices = "choir"'), "unknown caller voice 'choir'"),
        (('split = "tune"', 'split = "train"'), "split 'train' must be one of tune, holdout"),
        (('voices = "tune"', ""), "a turn uses say but the scenario names no voices"),
        (("part_pause_s = 0.6", "part_pause_s = 60"), "part_pause_s must be within 0..10 s"),
        (('say = ["my order', 'audio = "a.wav"\nsay = ["my order'), "audio or turn[1].say"),
    ],
)
def test_malformed_voiced_scenarios_fail_in_one_line(tmp_path: Path, change, message) -> None:
    path = tmp_path / "s.toml"
    path.write_text(VOICED.replace(*change))
    with pytest.raises(ScenarioError) as err:
        parse_scenario(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_every_voice_speaks() -> None:
    """Each voice of both sets renders real speech (a second or so for a short question)."""
    from voicecli.bench.voices import synthesize

    for voice in VOICES:
        audio = synthesize(voice, "Where is my order?")
        assert 0.5 < audio.size / CAPTURE_RATE < 4.0, voice.name
        assert np.abs(audio).max() > 0.05, voice.name
