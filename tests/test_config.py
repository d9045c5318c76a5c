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


def _numeric_fields(cls: type, prefix: str = ""):
    import typing

    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if not f.metadata.get("toml", True):
            continue
        if dataclasses.is_dataclass(hints[f.name]):
            yield from _numeric_fields(hints[f.name], f"{f.name}.")
        elif hints[f.name] in (int, float):
            yield f"{prefix}{f.name}", f


def test_every_number_in_the_config_declares_its_range_and_its_default_is_in_it() -> None:
    from voicecli.bounds import bounds_of

    defaults = Config()
    for dotted, f in _numeric_fields(Config):
        bounds = bounds_of(f)
        assert bounds is not None, f"{dotted} has no range (declare it with bounds.within)"
        section, key = dotted.split(".")
        assert bounds.admits(getattr(getattr(defaults, section), key)), dotted


def test_a_value_out_of_range_names_the_key_the_value_and_the_range() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"turn": {"complete_silence_s": 1e9}}, "c.toml")
    assert str(err.value) == (
        "c.toml: 'turn.complete_silence_s' = 1000000000.0 is out of range; it takes 0.05 to 10 s"
    )


def test_nan_is_out_of_range() -> None:
    with pytest.raises(ConfigError, match=r"'llm\.temperature' = nan is out of range"):
        parse_config({"llm": {"temperature": float("nan")}})


def test_a_choice_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="it takes one of: int8, int8_float32, int16, float32"):
        parse_config({"stt": {"compute_type": "int4"}})


def test_values_that_must_keep_an_order_are_checked_together() -> None:
    with pytest.raises(ConfigError, match=r"'speech\.release' = 0\.6 is above 'speech\.threshold'"):
        parse_config({"speech": {"release": 0.6, "threshold": 0.5}})
    with pytest.raises(ConfigError, match=r"'llm\.max_reply_tokens' = 1500 leaves too little"):
        parse_config({"llm": {"max_reply_tokens": 1500}})


def test_a_model_of_the_wrong_role_names_the_models_that_fit(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[models]\nstt = "qwen2.5-0.5b"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}: 'models.stt' = 'qwen2.5-0.5b' is a llm model, not a stt model; it takes one "
        "of: whisper-base, whisper-tiny.en"
    )
