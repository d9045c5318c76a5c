"""Faults in the paths a user gives `voicecli talk`: each is found before the models load.

The model store is pointed at an empty folder, so a check that came after loading would end
in "model … is missing" instead of the line asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.conftest import SAMPLE, assert_one_line, make_read_only, voicecli


@pytest.fixture
def no_models(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "no-models"
    empty.mkdir()
    return {"VOICECLI_MODELS": str(empty)}


def talk(tmp_path: Path, env: dict[str, str], *args: str, read_only: Path | None = None):
    return voicecli(
        "talk", "--input", str(SAMPLE), *args, cwd=tmp_path, env=env, read_only=read_only
    )


@pytest.mark.parametrize("flag", ["--output", "--log"])
def test_a_read_only_place(tmp_path, no_models, read_only_permissions, flag) -> None:
    place = tmp_path / "shared"
    place.mkdir()
    make_read_only(place, read_only_permissions)
    ran = talk(tmp_path, no_models, flag, str(place / "x.out"), read_only=place)
    assert_one_line(ran, 1, f"{flag} {place / 'x.out'}", "cannot write in", "writable place")


@pytest.mark.parametrize("flag", ["--output", "--log"])
def test_an_existing_folder(tmp_path, no_models, flag) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    ran = talk(tmp_path, no_models, flag, str(folder))
    assert_one_line(ran, 1, f"{flag} {folder}", "is a folder", "give a file name")


@pytest.mark.parametrize("flag", ["--output", "--log"])
def test_a_path_under_a_file(tmp_path, no_models, flag) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    ran = talk(tmp_path, no_models, flag, str(a_file / "x.out"))
    assert_one_line(ran, 1, f"{a_file} is a file, not a folder")


@pytest.mark.parametrize("flag", ["--output", "--log"])
def test_an_existing_file_is_not_replaced_without_overwrite(tmp_path, no_models, flag) -> None:
    mine = tmp_path / "mine.dat"
    mine.write_text("precious")
    ran = talk(tmp_path, no_models, flag, str(mine))
    assert_one_line(ran, 1, "already exists", "--overwrite")
    assert mine.read_text() == "precious"


@pytest.mark.parametrize("flag", ["--output", "--log"])
def test_the_input_itself(tmp_path, no_models, flag) -> None:
    copy = tmp_path / "in.wav"
    copy.write_bytes(SAMPLE.read_bytes())
    ran = voicecli(
        "talk", "--input", str(copy), flag, str(copy), "--overwrite", cwd=tmp_path, env=no_models
    )
    assert_one_line(ran, 1, f"{flag} {copy}: is also --input")
    assert copy.read_bytes() == SAMPLE.read_bytes()


def test_output_and_log_the_same_file(tmp_path, no_models) -> None:
    same = tmp_path / "both"
    ran = talk(tmp_path, no_models, "--output", str(same), "--log", str(same))
    assert_one_line(ran, 1, f"--log {same}: is also --output")


def test_input_missing(tmp_path, no_models) -> None:
    ran = voicecli("talk", "--input", "nope.wav", cwd=tmp_path, env=no_models)
    assert_one_line(ran, 1, "--input nope.wav: no such file", "WAV or FLAC")


def test_input_a_folder(tmp_path, no_models) -> None:
    ran = voicecli("talk", "--input", str(tmp_path), cwd=tmp_path, env=no_models)
    assert_one_line(ran, 1, "is a folder", "--input takes a WAV or FLAC file")


def test_input_not_audio(tmp_path, no_models) -> None:
    text = tmp_path / "question.wav"
    text.write_text("what is the capital of France?\n")
    ran = voicecli("talk", "--input", str(text), cwd=tmp_path, env=no_models)
    assert_one_line(ran, 1, f"--input {text}: not audio voicecli can read", "WAV or FLAC")


def test_input_with_no_samples(tmp_path, no_models) -> None:
    import numpy as np
    import soundfile as sf

    empty = tmp_path / "empty.wav"
    sf.write(str(empty), np.zeros(0, dtype=np.float32), 16000)
    ran = voicecli("talk", "--input", str(empty), cwd=tmp_path, env=no_models)
    assert_one_line(ran, 1, f"--input {empty}: holds no audio")


def test_output_without_input_is_usage(tmp_path, no_models) -> None:
    ran = voicecli("talk", "--output", "x.wav", cwd=tmp_path, env=no_models)
    assert_one_line(ran, 2, "--output records a file-mode session", "--input")


def test_log_and_no_log_is_usage(tmp_path, no_models) -> None:
    ran = talk(tmp_path, no_models, "--log", "a.jsonl", "--no-log")
    assert_one_line(ran, 2, "--log and --no-log")


def test_an_unknown_option_is_usage_and_names_the_help(tmp_path, no_models) -> None:
    ran = talk(tmp_path, no_models, "--trace", "x.jsonl")
    assert_one_line(ran, 2, "No such option: --trace", "`voicecli talk --help`")


def test_a_bad_pipeline_is_usage(tmp_path, no_models) -> None:
    ran = talk(tmp_path, no_models, "--pipeline", "fast")
    assert_one_line(ran, 2, "--pipeline 'fast' is not a pipeline", "streaming or cascade")


def test_a_device_file_is_never_replaced(tmp_path, no_models) -> None:
    ran = talk(tmp_path, no_models, "--output", "/dev/null", "--overwrite")
    assert_one_line(ran, 1, "--output /dev/null: is not a regular file")
