"""Config loading: lookup order, defaults, and one-line errors that name file, key and fix."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from voicecli.config import Config, defaults_as_dict, load_config, parse_config
from voicecli.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_shipped_config_is_exactly_the_defaults() -> None:
    loaded = load_config(REPO / "config.toml")
    assert dataclasses.replace(loaded, source=None) == Config()


def test_shipped_config_documents_every_key() -> None:
    shipped = tomllib.loads((REPO / "config.toml").read_text())
    assert shipped == defaults_as_dict()


def test_unknown_key_names_file_key_and_nearest(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[stt]\nbeem_size = 5\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message
    assert "'stt.beem_size'" in message
    assert "did you mean 'stt.beam_size'" in message
    assert "\n" not in message


def test_unknown_section_is_named(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[sst]\nthreads = 2\n")
    with pytest.raises(ConfigError, match=r"unknown key 'sst'; did you mean 'stt'\?"):
        load_config(path)


def test_unknown_key_without_near_match_lists_valid_keys() -> None:
    with pytest.raises(ConfigError, match=r"valid keys: vad.threads"):
        parse_config({"vad": {"zzzzzz": 1}})


def test_wrong_type_names_key_and_expected_type(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[stt]\nbeam_size = "five"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}: 'stt.beam_size' must be an integer, got str 'five'" == str(err.value)


def test_bool_is_not_an_integer() -> None:
    with pytest.raises(ConfigError, match=r"'llm\.threads' must be an integer"):
        parse_config({"llm": {"threads": True}})


def test_integer_is_accepted_for_a_float() -> None:
    config = parse_config({"llm": {"temperature": 1}})
    assert config.llm.temperature == 1.0
    assert isinstance(config.llm.temperature, float)


def test_section_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match="'stt' must be a table"):
        parse_config({"stt": 3})


def test_invalid_toml_is_one_line_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[stt\nthreads = 2\n")
    with pytest.raises(ConfigError, match=rf"{path}: invalid TOML: .*line 1"):
        load_config(path)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    user = home / ".config" / "voicecli" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[llm]\nthreads = 3\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    assert load_config().llm.threads == 3  # user config when no ./config.toml
    (work / "config.toml").write_text("[llm]\nthreads = 4\n")
    assert load_config().llm.threads == 4  # ./config.toml wins over the user config
    explicit = tmp_path / "explicit.toml"
    explicit.write_text("[llm]\nthreads = 5\n")
    assert load_config(explicit).llm.threads == 5  # --config wins over both
    (work / "config.toml").unlink()
    user.unlink()
    assert load_config() == Config()  # nothing found: defaults


def test_store_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICECLI_MODELS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Config().store_path() == tmp_path / ".cache" / "voicecli" / "models"
    path = tmp_path / "config.toml"
    path.write_text('[models]\nstore = "my-models"\n')
    assert load_config(path).store_path() == tmp_path / "my-models"
    monkeypatch.setenv("VOICECLI_MODELS", str(tmp_path / "env"))
    assert load_config(path).store_path() == tmp_path / "env"
