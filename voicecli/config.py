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

from voicecli.bounds import bounds_of, nonempty, one_of, within
from voicecli.errors import ConfigError
from voicecli.policy.callerlevel import CallerLevelRules
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
    vad: str = nonempty("silero-vad")
    turn: str = nonempty("smart-turn-v3.2")  # measured, not used by talk (docs/design.md)
    stt: str = nonempty("whisper-base")
    llm: str = nonempty("qwen2.5-0.5b")
    tts: str = nonempty("piper-joe")


@dataclass
class VadConfig:
    """Silero VAD engine settings."""

    threads: int = within(1, 1, 64, "threads")
    floor_margin_db: float = within(1.0, 0.0, 20.0, "dB")


@dataclass
class SttConfig:
    """Whisper (CTranslate2) engine settings."""

    compute_type: str = one_of("int8", "int8", "int8_float32", "int16", "float32")
    threads: int = within(0, 0, 64, "threads")  # 0: its share of the cores (threadchoice)
    beam_size: int = within(1, 1, 10)
    final_beam_size: int = within(5, 1, 10)
    language: str = nonempty("en")
    window_pad_s: float = within(0.5, 0.0, 5.0, "s")
    min_window_s: float = within(3.0, 0.5, 30.0, "s")
    no_speech_retry: float = within(0.6, 0.0, 1.0)
    tokens_per_second: float = within(6.0, 1.0, 20.0, "tokens/s")
    min_max_tokens: int = within(12, 1, 224, "tokens")
    repeat_count: int = within(3, 2, 20)
    phrase_words: int = within(4, 2, 20, "words")
    word_timestamps: bool = True


@dataclass
class LlmConfig:
    """llama.cpp engine settings and the voice system prompt."""

    context_tokens: int = within(2048, 512, 32768, "tokens")
    threads: int = within(0, 0, 64, "threads")  # 0: its share of the cores (threadchoice)
    adapt_threads: bool = False  # fewer threads while other programs hold cores (threadchoice)
    reply_prompt_threads: int = within(2, 0, 64, "threads")  # a reply's prompt, at most
    reply_head_threads: int = within(2, 0, 64, "threads")  # a reply's first piece, at most
    reply_head_pieces: int = within(2, 1, 20, "pieces")  # ...its first pieces, voice idle
    prefill_threads: int = within(0, 0, 64, "threads")  # a prefill's prompt, at most
    batch_tokens: int = within(256, 8, 4096, "tokens")
    reserve_tokens: int = within(512, 0, 32768, "tokens")
    max_reply_tokens: int = within(120, 8, 2048, "tokens")
    temperature: float = within(0.2, 0.0, 2.0)
    top_p: float = within(0.9, 0.01, 1.0)
    seed: int = within(7, -1, 2147483647)
    system_prompt: str = (
        "You are voicecli, a helpful voice assistant running offline on this laptop. "
        "Your words are spoken aloud: answer first, in one to three short plain sentences. "
        "No markdown, no lists, no emoji, no code."
    )


@dataclass
class TtsConfig:
    """Piper engine settings."""

    threads: int = within(1, 1, 64, "threads")
    length_scale: float = within(1.0, 0.25, 4.0)
    noise_scale: float = within(0.667, 0.0, 2.0)
    noise_w_scale: float = within(0.8, 0.0, 2.0)
    speaker_id: int = within(0, 0, 10000)
    arena_keep_ids: int = within(100, 0, 100000)
    trim_first_lead_in: bool = True  # a reply's first piece starts at its sound (audio/leadin.py)


@dataclass
class AecConfig:
    """Speex acoustic echo canceller settings."""

    enabled: bool = True
    frame_ms: int = within(10, 5, 40, "ms")
    filter_ms: int = within(200, 20, 1000, "ms")
    residual_suppression: bool = True
    suppress_db: int = within(-40, -90, 0, "dB")
    suppress_active_db: int = within(-15, -90, 0, "dB")
    noise_suppress_db: int = within(-15, -90, 0, "dB")

    def frame_samples(self, sample_rate: int) -> int:
        """One canceller frame in samples: the step the listener walks the mic timeline in."""
        return sample_rate * self.frame_ms // 1000


@dataclass
class AudioConfig:
    """Device block size and ring buffer capacities."""

    block_ms: int = within(10, 5, 100, "ms")
    capture_seconds: float = within(120.0, 40.0, 3600.0, "s")
    playout_seconds: float = within(60.0, 10.0, 3600.0, "s")
    fade_ms: int = within(5, 0, 50, "ms")
    wake_per_vad_frame: bool = True


@dataclass
class TranscriberConfig:
    """Streaming transcription cadence and speculative work before commit."""

    min_audio_s: float = within(1.0, 0.1, 10.0, "s")
    min_interval_s: float = within(0.3, 0.0, 10.0, "s")
    cadence: float = within(1.5, 0.0, 10.0)
    step_s: float = within(0.3, 0.01, 10.0, "s")
    end_pad_s: float = within(0.06, 0.0, 1.0, "s")
    speculative_prefill: bool = True
    prefill_whole: bool = True  # the hypothesis's unstable tail too
    max_window_s: float = within(10.0, 5.0, 27.0, "s")
    keep_window_s: float = within(3.0, 1.0, 7.0, "s")
    prompt_words: int = within(20, 0, 60, "words")
    prompt_with_reply: bool = True  # a turn after a reply heard out: its words (design notes)
    quick_pause_decode: bool = True  # greedy first where no number is read (pausedecode)
    quick_min_logprob: float = within(-0.5, -10.0, 0.0)  # ...and Whisper was sure (pausedecode)
    interim_near_s: float = within(0.15, 0.0, 1.0, "s")  # an interim this near the pause stands
    pause_draft: bool = False  # publish a pause's greedy reading before its beam decode


@dataclass
class ConversationConfig:
    """How much history the model sees, how a long turn reaches it, whether replies are made
    before the commit, and what is said when a reply is late."""

    max_history_turns: int = within(10, 0, 100, "turn pairs")
    keep_history_turns: int = within(4, 0, 100, "turn pairs")  # left after a trim
    speculative_replies: bool = True
    speculate_on_interim: bool = False  # at the pause, from the last interim transcript
    long_turn_words: int = within(60, 0, 100000, "words")  # 0: never split (longrequest.py)
    long_turn_tail_words: int = within(20, 1, 1000, "words")
    late_ack_after_s: float = within(2.5, 0.0, 30.0, "s")  # 0: never
    late_ack_busy_after_s: float = within(1.0, 0.0, 30.0, "s")  # 0: as late_ack_after_s
    late_ack_busy_cores: float = within(0.5, 0.0, 1024.0, "cores")  # policy/lateack.py
    late_ack_text: str = nonempty("One moment.")


@dataclass
class ToolsConfig:
    """The order store and how long tools may take."""

    orders_db: str = nonempty("~/.local/share/voicecli/orders.sqlite")
    ack_after_s: float = within(0.25, 0.0, 30.0, "s")
    ack_grace_s: float = within(0.05, 0.0, 10.0, "s")
    timeout_s: float = within(4.0, 0.1, 120.0, "s")
    ack_text: str = nonempty("Let me check that.")


@dataclass
class SessionConfig:
    """Where session logs go, and how the process keeps its memory."""

    log: bool = True
    log_dir: str = nonempty("~/.local/state/voicecli/sessions")
    mmap_threshold_kb: int = within(0, 0, 32768, "KB")
    switch_interval_ms: float = within(0.0, 0.0, 100.0, "ms")


@dataclass
class Config:
    """The whole configuration; `source` is the file it came from (None = defaults)."""

    models: ModelsConfig = field(default_factory=ModelsConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    speech: SegmenterRules = field(default_factory=SegmenterRules)
    caller_level: CallerLevelRules = field(default_factory=CallerLevelRules)
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
        if explicit.is_dir():
            raise ConfigError(f"{explicit}: is a folder; --config takes a config.toml file")
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
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the config file as UTF-8") from None
    config = parse_config(data, path)
    check_model_roles(config, path)
    config.source = path.resolve()
    return config


def check_model_roles(config: Config, path: Path | str = "config.toml") -> None:
    """Each [models] key names a model of the manifest that fills that role."""
    from voicecli.modelstore import load_manifest

    manifest = load_manifest()
    for role in ("vad", "turn", "stt", "llm", "tts"):
        model_id = getattr(config.models, role)
        fitting = [m.id for m in manifest.values() if m.role == role]
        model = manifest.get(model_id)
        if model is None:
            raise ConfigError(
                f"{path}: 'models.{role}' = {model_id!r} is not a known model; "
                f"it takes one of: {', '.join(fitting)}"
            )
        if model.role != role:
            raise ConfigError(
                f"{path}: 'models.{role}' = {model_id!r} is a {model.role} model, not a "
                f"{role} model; it takes one of: {', '.join(fitting)}"
            )


def parse_config(data: dict[str, Any], path: Path | str = "config.toml") -> Config:
    """Build a Config from parsed TOML, rejecting unknown keys, wrong types and values out of
    range by name."""
    config = _build(Config, data, str(path), prefix="")
    check_relations(config, path)
    return config


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
            _check_bounds(fields[key], values[key], path, dotted)
    return cls(**values)


def _check_bounds(field_: dataclasses.Field[Any], value: Any, path: str, dotted: str) -> None:
    bounds = bounds_of(field_)
    if bounds is not None and not bounds.admits(value):
        raise ConfigError(f"{path}: '{dotted}' = {value!r} is out of range; {bounds.describe()}")


# Values that must keep an order between them: (lower key, upper key, why).
ORDERED = (
    ("speech.release", "speech.threshold", "speech ends below the level it starts at"),
    (
        "interrupt.release_probability",
        "interrupt.onset_probability",
        "a barge-in ends below the probability it starts at",
    ),
    ("interrupt.aec_warmup_s", "interrupt.aec_warmup_max_s", "the warm-up's bounds"),
    ("flush.first_min_words", "flush.first_max_words", "the first piece's bounds"),
    ("flush.min_words", "flush.max_words", "a piece's bounds"),
    ("tools.ack_after_s", "tools.timeout_s", "the acknowledgement comes before the timeout"),
    ("transcriber.keep_window_s", "transcriber.max_window_s", "a window keeps part of itself"),
    (
        "conversation.keep_history_turns",
        "conversation.max_history_turns",
        "a trim keeps part of the window",
    ),
)


def _value(config: Config, dotted: str) -> Any:
    section, key = dotted.split(".")
    return getattr(getattr(config, section), key)


def check_relations(config: Config, path: Path | str = "config.toml") -> None:
    """Values whose valid range depends on another value (each alone passed its own range)."""
    for low, high, why in ORDERED:
        if _value(config, low) > _value(config, high):
            raise ConfigError(
                f"{path}: '{low}' = {_value(config, low)!r} is above '{high}' = "
                f"{_value(config, high)!r}; it must not be ({why})"
            )
    llm = config.llm
    if llm.max_reply_tokens > llm.context_tokens // 2:
        raise ConfigError(
            f"{path}: 'llm.max_reply_tokens' = {llm.max_reply_tokens} leaves too little of "
            f"'llm.context_tokens' = {llm.context_tokens} for the conversation; it takes at "
            f"most half of it ({llm.context_tokens // 2})"
        )


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


def with_setting(config: Config, setting: str, source: str = "--vary") -> Config:
    """`config` with one `section.key=value` changed (the value in TOML syntax; a bare word is
    a string), its type and range checked as config.toml's are. Its order against other values
    (`check_relations`) is the caller's to check, once all the settings it changes together
    are in."""
    dotted, sep, raw = setting.partition("=")
    section, dot, key = dotted.strip().partition(".")
    if not sep or not dot or section not in _toml_fields(Config):
        raise ConfigError(
            f"{source} {setting!r}: give section.key=value, e.g. "
            "conversation.speculative_replies=true"
        )
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    current = getattr(config, section)
    checked = _build(type(current), {key: value}, source, prefix=f"{section}.")
    changed = dataclasses.replace(
        config, **{section: dataclasses.replace(current, **{key: getattr(checked, key)})}
    )
    return changed
