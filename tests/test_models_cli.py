"""`voicecli models ...` end to end, on a store linked from the real one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voicecli.config import Config
from voicecli.modelstore import ModelStore


def run_cli(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICECLI_MODELS": str(store), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "voicecli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=store.parent,
    )


@pytest.fixture
def linked_store(tmp_path: Path) -> Path:
    """The default models linked (never copied) from the real store into a temp store."""
    real = ModelStore(Config().store_path())
    store = tmp_path / "store"
    for model in real.models.values():
        if not model.default:
            continue
        real.require(model.id)
        source_dir = real.model_dir(model)
        (store / model.id).mkdir(parents=True)
        for f in model.files:
            try:
                os.link(source_dir / f.name, store / model.id / f.name)
            except OSError:  # another file system: a symlink reads the same
                (store / model.id / f.name).symlink_to(source_dir / f.name)
    return store


def unlink_and_copy(path: Path) -> None:
    """Replace a link by a private copy, so changing it cannot touch the real store."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)


def test_verify_all_ok(linked_store: Path) -> None:
    result = run_cli("models", "verify", store=linked_store)
    assert result.returncode == 0, result.stdout + result.stderr
    for model_id in ("silero-vad", "whisper-base", "qwen2.5-0.5b", "piper-joe"):
        assert model_id in result.stdout


def test_verify_reports_a_deleted_file_as_missing(linked_store: Path) -> None:
    (linked_store / "piper-joe" / "en_US-joe-medium.onnx.json").unlink()
    result = run_cli("models", "verify", store=linked_store)
    assert result.returncode != 0
    row = next(line for line in result.stdout.splitlines() if "piper-joe" in line)
    assert "missing" in row
    assert "voicecli models install" in result.stdout


def test_verify_reports_a_flipped_byte_as_corrupt(linked_store: Path) -> None:
    path = linked_store / "silero-vad" / "silero_vad.onnx"
    unlink_and_copy(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = run_cli("models", "verify", store=linked_store)
    assert result.returncode != 0
    assert "corrupt (sha256 mismatch)" in result.stdout
    assert "voicecli models install" in result.stdout


def test_command_needing_an_absent_model_says_which_and_how(linked_store: Path) -> None:
    shutil.rmtree(linked_store / "qwen2.5-0.5b")
    result = run_cli("models", "path", "qwen2.5-0.5b", store=linked_store)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "qwen2.5-0.5b" in lines[0] and "voicecli models install" in lines[0]


def test_path_prints_what_engines_load(linked_store: Path) -> None:
    result = run_cli("models", "path", "piper-joe", store=linked_store)
    assert result.returncode == 0
    assert result.stdout.strip() == str(
        (linked_store / "piper-joe" / "en_US-joe-medium.onnx").resolve()
    )


def test_bad_config_is_one_line_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[llm]\ntemprature = 0.5\n")
    result = run_cli("--config", str(config), "models", "list", store=tmp_path / "store")
    assert result.returncode == 1  # a file that is wrong is an error; 2 is for usage
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "'llm.temprature'" in lines[0] and "did you mean 'llm.temperature'" in lines[0]
    assert str(config) in lines[0]


def test_list_shows_every_model_and_its_state(linked_store: Path) -> None:
    result = run_cli("models", "list", store=linked_store)
    assert result.returncode == 0
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│")}
    assert "ok" in rows["whisper-base"]
    assert "missing" in rows["qwen2.5-1.5b"]
