"""Faults in the model store: a read-only store works for everything but install; a missing
or corrupt model is one line naming the model and the fix."""

from __future__ import annotations

from pathlib import Path

from tests.faults.conftest import SAMPLE, assert_one_line, make_read_only, voicecli


def test_a_read_only_store_lists_verifies_and_finds_models(
    tmp_path: Path, linked_store: Path, read_only_permissions
) -> None:
    make_read_only(linked_store, read_only_permissions)
    env = {"VOICECLI_MODELS": str(linked_store)}
    for args in (["models", "list"], ["models", "verify"], ["models", "path", "piper-joe"]):
        ran = voicecli(*args, cwd=tmp_path, env=env, read_only=linked_store)
        assert ran.code == 0, (args, ran.stderr)
        assert "Traceback" not in ran.stderr + ran.stdout
    assert not list(linked_store.rglob(".verified*")), "a read-only store was written"


def test_a_read_only_store_already_complete_installs_nothing(
    tmp_path: Path, linked_store: Path, read_only_permissions
) -> None:
    make_read_only(linked_store, read_only_permissions)
    env = {"VOICECLI_MODELS": str(linked_store)}
    ran = voicecli("models", "install", cwd=tmp_path, env=env, read_only=linked_store)
    assert ran.code == 0, ran.stderr
    assert "already installed" in ran.stdout


def test_install_into_a_read_only_store_is_one_line(
    tmp_path: Path, linked_store: Path, read_only_permissions
) -> None:
    (linked_store / "piper-joe" / "en_US-joe-medium.onnx.json").unlink()
    make_read_only(linked_store, read_only_permissions)
    env = {"VOICECLI_MODELS": str(linked_store)}
    ran = voicecli("models", "install", cwd=tmp_path, env=env, read_only=linked_store)
    assert_one_line(ran, 1, "cannot write the model store", "VOICECLI_MODELS")


def test_a_missing_model_names_the_model_and_the_fix(tmp_path: Path, linked_store: Path) -> None:
    (linked_store / "piper-joe" / "en_US-joe-medium.onnx").unlink()
    env = {"VOICECLI_MODELS": str(linked_store)}
    ran = voicecli("models", "path", "piper-joe", cwd=tmp_path, env=env)
    assert_one_line(ran, 1, "model 'piper-joe' (tts) is missing", "voicecli models install")


def test_a_corrupt_model_names_the_model_and_the_fix(tmp_path: Path, linked_store: Path) -> None:
    target = linked_store / "silero-vad" / "silero_vad.onnx"
    data = bytearray(target.read_bytes())
    data[1000] ^= 0xFF  # same size, one byte off
    target.unlink()  # a hard link: write a new file, never the real store's
    target.write_bytes(bytes(data))
    (tmp_path / "in.wav").write_bytes(SAMPLE.read_bytes())
    env = {"VOICECLI_MODELS": str(linked_store)}
    ran = voicecli("talk", "--input", "in.wav", "--no-log", cwd=tmp_path, env=env)
    assert_one_line(
        ran, 1, "model 'silero-vad' (vad) is corrupt (sha256 mismatch)", "voicecli models install"
    )


def test_an_unknown_model_id(tmp_path: Path) -> None:
    ran = voicecli("models", "path", "gpt-5", cwd=tmp_path)
    assert_one_line(ran, 1, "unknown model 'gpt-5'", "voicecli models list")
