"""Faults in config.toml: one line naming the file, the key, the value and what it takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.conftest import assert_one_line, voicecli

CASES = {
    "a silence that never ends": (
        "[turn]\ncomplete_silence_s = 1e9\n",
        "'turn.complete_silence_s' = 1000000000.0 is out of range; it takes 0.05 to 10 s",
    ),
    "a negative silence": (
        "[turn]\nincomplete_silence_s = -1.0\n",
        "'turn.incomplete_silence_s' = -1.0 is out of range; it takes 0.05 to 10 s",
    ),
    "device blocks of 0 ms": (
        "[audio]\nblock_ms = 0\n",
        "'audio.block_ms' = 0 is out of range; it takes 5 to 100 ms",
    ),
    "a reply of 0 tokens": (
        "[llm]\nmax_reply_tokens = 0\n",
        "'llm.max_reply_tokens' = 0 is out of range; it takes 8 to 2048 tokens",
    ),
    "not a number": (
        "[llm]\ntemperature = nan\n",
        "'llm.temperature' = nan is out of range; it takes 0 to 2",
    ),
    "a probability above 1": (
        "[speech]\nthreshold = 1.5\n",
        "'speech.threshold' = 1.5 is out of range; it takes 0.05 to 0.95",
    ),
    "values out of order": (
        "[flush]\nfirst_min_words = 9\nfirst_max_words = 4\n",
        "'flush.first_min_words' = 9 is above 'flush.first_max_words' = 4",
    ),
    "an unknown choice": (
        '[stt]\ncompute_type = "fp8"\n',
        "'stt.compute_type' = 'fp8' is out of range; it takes one of: int8",
    ),
    "an empty acknowledgement": (
        '[tools]\nack_text = "  "\n',
        "'tools.ack_text' = '  ' is out of range; it must not be empty",
    ),
    "a wrong type": (
        '[stt]\nbeam_size = "five"\n',
        "'stt.beam_size' must be an integer, got str 'five'",
    ),
    "an unknown key": (
        "[stt]\nbeem_size = 5\n",
        "unknown key 'stt.beem_size'; did you mean 'stt.beam_size'?",
    ),
    "invalid TOML": ("[stt\n", "invalid TOML"),
    "a model that is not a model": (
        '[models]\nllm = "gpt-5"\n',
        "'models.llm' = 'gpt-5' is not a known model; it takes one of: qwen2.5-0.5b, qwen2.5-1.5b",
    ),
    "a model in the wrong role": (
        '[models]\ntts = "whisper-base"\n',
        "'models.tts' = 'whisper-base' is a stt model, not a tts model; it takes one of: piper-joe",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_config_value_is_one_line(tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    config = tmp_path / "config.toml"
    config.write_text(text)
    ran = voicecli("--config", str(config), "models", "list", cwd=tmp_path)
    assert_one_line(ran, 1, f"{config}: {expected}")


def test_the_config_in_the_working_folder_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[audio]\nblock_ms = 0\n")
    ran = voicecli("talk", "--input", "x.wav", cwd=tmp_path)
    assert_one_line(ran, 1, "config.toml: 'audio.block_ms' = 0 is out of range")


def test_a_missing_config_file(tmp_path: Path) -> None:
    ran = voicecli("--config", "nope.toml", "models", "list", cwd=tmp_path)
    assert_one_line(ran, 1, "nope.toml: config file not found", "--config")


def test_a_config_that_is_not_utf8(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b"\xff\xfe[\x00s\x00")
    ran = voicecli("--config", str(config), "models", "list", cwd=tmp_path)
    assert_one_line(ran, 1, f"{config}: not UTF-8 text")


def test_a_config_that_is_a_folder(tmp_path: Path) -> None:
    ran = voicecli("--config", str(tmp_path), "models", "list", cwd=tmp_path)
    assert_one_line(ran, 1, f"{tmp_path}: is a folder; --config takes a config.toml file")
