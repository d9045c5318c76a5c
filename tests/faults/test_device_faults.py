"""Faults in the audio devices, found before the models load (PortAudio reads ALSA's
configuration from the HOME the test gives it; this machine has no sound card)."""

from __future__ import annotations

from pathlib import Path

from tests.audio.test_devices import ASOUNDRC, PLAYBACK_ONLY_CONFIG
from tests.faults.conftest import assert_one_line, voicecli


def test_no_microphone_at_all(tmp_path: Path) -> None:
    config = tmp_path / "alsa.conf"
    config.write_text(PLAYBACK_ONLY_CONFIG)
    ran = voicecli("talk", cwd=tmp_path, env={"ALSA_CONFIG_PATH": str(config)})
    assert_one_line(ran, 1, "no audio input device found", "--input question.wav")


def test_a_microphone_that_is_not_there(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".asoundrc").write_text(ASOUNDRC)
    ran = voicecli("talk", "--input-device", "no-such-mic", cwd=tmp_path)
    assert_one_line(ran, 1, "input device 'no-such-mic' cannot capture", "voicecli devices")


def test_a_speaker_that_is_not_there(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".asoundrc").write_text(ASOUNDRC)
    empty = tmp_path / "no-models"
    empty.mkdir()
    ran = voicecli(
        "talk",
        "--input-device",
        "vc_null",
        "--output-device",
        "no-such-speaker",
        cwd=tmp_path,
        env={"VOICECLI_MODELS": str(empty)},
    )
    assert_one_line(ran, 1, "no audio output 'no-such-speaker' found", "voicecli devices")
