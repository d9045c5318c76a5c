"""Faults in what `voicecli bench` is given: found before the models load, one line each."""

from __future__ import annotations

from pathlib import Path

from tests.faults.conftest import assert_one_line, voicecli


def test_no_runs_at_all_is_usage(tmp_path: Path) -> None:
    ran = voicecli("bench", "--repeat", "0", cwd=tmp_path)
    assert_one_line(ran, 2, "Invalid value for '--repeat'", "`voicecli bench --help`")


def test_a_scenario_that_is_not_there(tmp_path: Path) -> None:
    ran = voicecli("bench", "--scenario", "nope.toml", cwd=tmp_path)
    assert_one_line(ran, 1, "--scenario nope.toml: no such file or folder")


def test_a_scenario_with_an_unknown_key(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text('name = "x"\nbogus = 1\n')
    ran = voicecli("bench", "--scenario", "s.toml", cwd=tmp_path)
    assert_one_line(ran, 1, "s.toml: unknown key 'bogus'")


def test_a_scenario_whose_clip_is_not_audio(tmp_path: Path) -> None:
    (tmp_path / "clip.wav").write_text("not audio")
    (tmp_path / "s.toml").write_text('name = "x"\n[[turn]]\naudio = "clip.wav"\ntext = "hi"\n')
    ran = voicecli("bench", "--scenario", "s.toml", cwd=tmp_path)
    assert_one_line(ran, 1, "s.toml: turn[1].audio", "not audio voicecli can read")


def test_a_model_of_the_wrong_role_is_usage(tmp_path: Path) -> None:
    ran = voicecli("bench", "--model", "whisper-base", cwd=tmp_path)
    assert_one_line(ran, 2, "--model whisper-base: is a stt model", "qwen2.5-0.5b")


def test_a_report_path_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    ran = voicecli("bench", "--json", "out", cwd=tmp_path)
    assert_one_line(ran, 1, "--json out: is a folder")


def test_a_setting_to_vary_that_is_not_one(tmp_path: Path) -> None:
    ran = voicecli("bench", "--vary", "speculative_replies", cwd=tmp_path)
    assert_one_line(ran, 1, "--vary 'speculative_replies': give section.key=value")


def test_a_setting_to_vary_out_of_range(tmp_path: Path) -> None:
    ran = voicecli("bench", "--vary", "turn.complete_silence_s=99", cwd=tmp_path)
    assert_one_line(ran, 1, "'turn.complete_silence_s' = 99.0 is out of range")


def test_where_models_live_cannot_be_varied(tmp_path: Path) -> None:
    ran = voicecli("bench", "--vary", "models.store=/tmp", cwd=tmp_path)
    assert_one_line(ran, 2, "--vary 'models.store=/tmp': of [models] only a role can be varied")


def test_a_model_of_another_role_cannot_be_varied_in(tmp_path: Path) -> None:
    ran = voicecli("bench", "--vary", "models.llm=piper-joe", cwd=tmp_path)
    assert_one_line(ran, 1, "--vary: 'models.llm' = 'piper-joe' is a tts model, not a llm model")


def test_a_pace_that_is_not_seconds_is_usage(tmp_path: Path) -> None:
    ran = voicecli("bench", "--pace", "5;15", cwd=tmp_path)
    assert_one_line(ran, 2, "--pace '5;15': give the caller's waits after a reply in seconds")
