"""Typed configuration: config.toml sections as dataclasses, loaded with exact error messages.

Lookup order: `--config PATH`, else `./config.toml`, else `~/.config/voicecli/config.toml`,
else the defaults below. The repository's `config.toml` documents every key with its default.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecli.errors import ConfigError
from voicecli.policy.clauses import FlushRules
from voicecli.policy.hallucination import HallucinationRules
from voicecli.policy.interruption import InterruptRules
from voicecli.policy.segmenter import SegmenterRules
from voicecli.policy.turn import TurnRules

DEFAULT_STORE = Path("~/.cache/voicecli/models")
USER_CONFIG = Path("~/.config/voicecli/config.toml")
STORE_ENV = "VOICECLI_MODELS"


@dataclass
class ModelsConfig:
    """Where models live and which one fills each role."""

    store: str = ""
    keep_wheels: bool = False
    vad: str = "silero-vad"
    stt: str = "whisper-base"
    llm: str = "qwen2.5-0.5b"
    tts: str = "piper-joe"


@dataclass
class VadConfig:
    """Silero VAD engine settings."""

    threads: int = 1


@dataclass
class SttConfig:
    """Whisper (CTranslate2) engine settings."""

    compute_type: str = "int8"
    threads: int = 2
    beam_size: int = 1
    language: str = "en"
    window_pad_s: float = 0.5
    min_window_s: float = 3.0
    no_speech_retry: float = 0.6
    tokens_per_second: float = 6.0
    min_max_tokens: int = 12
    repeat_count: int = 3
    phrase_words: int = 4
    word_timestamps: bool = True


@dataclass
class LlmConfig:
    """llama.cpp engine settings and the voice system prompt."""

    context_tokens: int = 2048
    threads: int = 2
    batch_tokens: int = 256
    max_reply_tokens: int = 120
    temperature: float = 0.2
    top_p: float = 0.9
    seed: int = 7
    system_prompt: str = (
        "You are voicecli, a helpful voice assistant running offline on this laptop. "
        "Your words are spoken aloud: answer first, in one to three short plain sentences. "
        "No markdown, no lists, no emoji, no code."
    )


@dataclass
class TtsConfig:
    """Piper engine settings."""

    threads: int = 1
    length_scale: float = 1.0
    noise_scale: float = 0.667
    noise_w_scale: float = 0.8
    speaker_id: int = 0


@dataclass
class AecConfig:
    """Speex acoustic echo canceller settings."""

    enabled: bool = True
    frame_ms: int = 10
    filter_ms: int = 200
    residual_suppression: bool = True
    suppress_db: int = -40
    suppress_active_db: int = -15
    noise_suppress_db: int = -15

    def frame_samples(self, sample_rate: int) -> int:
        """One canceller frame in samples: the step the listener walks the mic timeline in."""
        return sample_rate * self.frame_ms // 1000


@dataclass
class AudioConfig:
    """Device block size and ring buffer capacities."""

    block_ms: int = 10
    capture_seconds: float = 120.0
    playout_seconds: float = 60.0
    fade_ms: int = 5


@dataclass
class TranscriberConfig:
    """Streaming transcription cadence and speculative work before commit."""

    min_audio_s: float = 1.0
    min_interval_s: float = 0.3
    cadence: float = 1.5
    step_s: float = 0.3
    end_pad_s: float = 0.06
    speculative_prefill: bool = True


@dataclass
class ConversationConfig:
    """How much history the model sees."""

    max_history_turns: int = 8


@dataclass
class ToolsConfig:
    """The order store and how long tools may take."""

    orders_db: str = "~/.local/share/voicecli/orders.sqlite"
    ack_after_s: float = 0.25
    ack_grace_s: float = 0.05
    timeout_s: float = 4.0
    ack_text: str = "Let me check that."


@dataclass
class SessionConfig:
    """Where session logs go."""

    log: bool = True
    log_dir: str = "~/.local/state/voicecli/sessions"


@dataclass
class Config:
    """The whole configuration; `source` is the file it came from (None = defaults)."""

    models: ModelsConfig = field(default_factory=ModelsConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    speech: SegmenterRules = field(default_factory=SegmenterRules)
    turn: TurnRules = field(default_factory=TurnRules)
    interrupt: InterruptRules = field(default_factory=InterruptRules)
    stt: SttConfig = field(default_factory=SttConfig)
    transcriber: TranscriberConfig = field(default_factory=TranscriberConfig)
    hallucination: HallucinationRules = field(default_factory=HallucinationRules)
    llm: LlmConfig = field(default_factory=LlmConfig)
    flush: FlushRules = field(default_factory=FlushRules)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    tts: TtsConfig = field(default_factory=TtsConfig)
    aec: AecConfig = field(default_factory=AecConfig)
    tools: ToolsConfig = field(default_factory=ToolsConfig)
    session: SessionConfig = field(default_factory=SessionConfig)
    source: Path | None = field(default=None, metadata={"toml": False})

    def store_path(self) -> Path:
        """Model store: $VOICECLI_MODELS, else models.store, else ~/.cache/voicecli/models."""
        env = os.environ.get(STORE_ENV)
        if env:
            return Path(env).expanduser()
        if self.models.store:
            store = Path(self.models.store).expanduser()
            if not store.is_absolute() and self.source is not None:
                store = self.source.parent / store
            return store
        return DEFAULT_STORE.expanduser()


def find_config_file(explicit: Path | None) -> Path | None:
    """Return the config file to use, following the documented lookup order."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(
                f"{explicit}: config file not found; pass an existing file to --config"
            )
        return explicit
    for candidate in (Path("config.toml"), USER_CONFIG.expanduser()):
        if candidate.is_file():
            return candidate
    return None


def load_config(explicit: Path | None = None) -> Config:
    """Load and validate the configuration; raise ConfigError with one precise line."""
    path = find_config_file(explicit)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}; fix the syntax at that line") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config file ({err.strerror})") from None
    config = parse_config(data, path)
    config.source = path.resolve()
    return config


def parse_config(data: dict[str, Any], path: Path | str = "config.toml") -> Config:
    """Build a Config from parsed TOML, rejecting unknown keys and wrong types by name."""
    return _build(Config, data, str(path), prefix="")


def _toml_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("toml", True)}


def _nearest(key: str, valid: list[str]) -> str:
    match = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    if match:
        return f"did you mean '{match[0]}'?"
    return "valid keys: " + ", ".join(valid)


def _build(cls: type, data: dict[str, Any], path: str, prefix: str) -> Any:
    fields = _toml_fields(cls)
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in fields:
            valid = [f"{prefix}{name}" for name in fields]
            raise ConfigError(f"{path}: unknown key '{dotted}'; {_nearest(dotted, valid)}")
        expected = hints[key]
        if dataclasses.is_dataclass(expected):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: '{dotted}' must be a table [{dotted}], got {value!r}")
            values[key] = _build(expected, value, path, prefix=f"{dotted}.")
        else:
            values[key] = _check_type(value, expected, path, dotted)
    return cls(**values)


def _type_name(expected: Any) -> str:
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def _check_type(value: Any, expected: Any, path: str, dotted: str) -> Any:
    if isinstance(expected, types.UnionType):
        expected = next(t for t in typing.get_args(expected) if t is not type(None))
    ok = (
        (expected is float and isinstance(value, int | float) and not isinstance(value, bool))
        or (expected is int and isinstance(value, int) and not isinstance(value, bool))
        or (expected is bool and isinstance(value, bool))
        or (expected is str and isinstance(value, str))
    )
    if not ok:
        raise ConfigError(
            f"{path}: '{dotted}' must be {_type_name(expected)}, got {type(value).__name__} "
            f"{value!r}"
        )
    return float(value) if expected is float else value


def defaults_as_dict() -> dict[str, dict[str, Any]]:
    """The default configuration as nested dicts (what config.toml documents)."""
    config = Config()
    return {name: dataclasses.asdict(getattr(config, name)) for name in _toml_fields(Config)}
