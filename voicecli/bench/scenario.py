"""Bench scenarios: the TOML format of ../shared/SCENARIOS.md (docs/scenarios.md), parsed strictly.

A scenario describes a simulated caller: their turns (clip, reference text, when to speak,
pauses, what the reply must contain), how the room behaves (echo of the agent's own playback,
noise), and order rows to seed. Unknown keys, missing audio and bad values are rejected with one
line naming the file and the key. Extensions to the contract (documented in docs/bench.md):
top-level `tags` (groups for the summary, e.g. "plain"), `reply_timeout_s` (how long an
`after_reply` anchor waits for a reply that never comes), `split` ("tune" | "holdout": which
part of the corpus the scenario's sentences are) and `voices` (a voice set or a list of voices,
bench/voices.py: the scenario runs once in each, its turns' `say` rendered in that voice; a
turn's `say` may be a list of parts, said with `part_pause_s` of silence between them), and
`[caller] babble_dbfs` (babble noise at that RMS level, bench/voices.py); a turn's `when_asked`
says it only when the agent's reply before it holds that text (a caller who answers "Order 4711
— is that right?"; skipped otherwise, and the turn before it is judged on both replies).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecli.audio.wavfile import check_audio_file
from voicecli.bench.voices import SETS, render, voice_set
from voicecli.errors import VoicecliError

STARTS = ("at", "after_reply", "during_reply")
KINDS = ("turn", "barge_in", "backchannel")
TOP_KEYS = (
    "name",
    "description",
    "tags",
    "reply_timeout_s",
    "split",
    "voices",
    "caller",
    "order",
    "turn",
)
CALLER_KEYS = ("echo_gain_db", "echo_delay_ms", "echo_reverb_ms", "noise_dbfs", "babble_dbfs")
TURN_KEYS = (
    "when_asked",
    "audio",
    "say",
    "part_pause_s",
    "text",
    "start",
    "delay_s",
    "kind",
    "pauses",
    "expect",
)


class ScenarioError(VoicecliError):
    """A malformed scenario file: one line naming the file and the key."""


@dataclass(frozen=True)
class Caller:
    """The room: echo of the agent's playback into the mic, and a noise floor."""

    echo_gain_db: float | None = None
    echo_delay_ms: float = 40.0
    echo_reverb_ms: float = 0.0
    noise_dbfs: float | None = None
    babble_dbfs: float | None = None  # a crowd talking behind the caller, at this RMS level


@dataclass(frozen=True)
class Turn:
    """One caller utterance: a clip (`audio`), or words a caller voice says (`say`, in parts
    with `part_pause_s` between them), rendered when the scenario is expanded per voice."""

    audio: Path | None
    when_asked: str = ""  # said only if the agent's reply before it holds this
    say: tuple[str, ...] = ()
    part_pause_s: float = 0.7
    text: str = ""
    start: str = "after_reply"
    delay_s: float = 0.8
    kind: str = "turn"
    pauses: tuple[tuple[float, float], ...] = ()
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A whole simulated call."""

    name: str
    path: Path
    turns: tuple[Turn, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    reply_timeout_s: float = 20.0
    caller: Caller = field(default_factory=Caller)
    orders: tuple[dict[str, str], ...] = ()
    split: str = ""
    voices: tuple[str, ...] = ()  # voice sets or names (as written)
    voice: str = ""  # the voice this run speaks in ("" = the clips as they are)


def _where(path: Path, key: str) -> str:
    return f"{path}: {key}"


def _check_keys(path: Path, table: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
            hint = f"did you mean '{near[0]}'?" if near else "valid keys: " + ", ".join(allowed)
            raise ScenarioError(f"{path}: unknown key '{prefix}{key}'; {hint}")


def _number(path: Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{_where(path, key)} must be a number, got {value!r}")
    return float(value)


def _string(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ScenarioError(f"{_where(path, key)} must be a string, got {value!r}")
    return value


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{_where(path, key)} must be a list of strings, got {value!r}")
    return tuple(value)


def _caller(path: Path, raw: Any) -> Caller:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: 'caller' must be a table [caller]")
    _check_keys(path, raw, CALLER_KEYS, "caller.")
    values = {k: _number(path, f"caller.{k}", v) for k, v in raw.items()}
    return Caller(**values)


def _pauses(path: Path, key: str, value: Any) -> tuple[tuple[float, float], ...]:
    ok = isinstance(value, list) and all(
        isinstance(p, list)
        and len(p) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in p)
        for p in value
    )
    if not ok:
        raise ScenarioError(
            f"{_where(path, key)} must be a list of [at_s, duration_s] pairs, got {value!r}"
        )
    return tuple((float(a), float(d)) for a, d in sorted(value))


def _turn(path: Path, index: int, raw: Any) -> Turn:
    prefix = f"turn[{index}]."
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: 'turn' must be an array of tables [[turn]]")
    _check_keys(path, raw, TURN_KEYS, prefix)
    if ("audio" in raw) == ("say" in raw):
        raise ScenarioError(f"{path}: {prefix}audio or {prefix}say is needed (one of them)")
    say: tuple[str, ...] = ()
    audio: Path | None = None
    if "say" in raw:
        said = raw["say"]
        say = (_string(path, prefix + "say", said),) if isinstance(said, str) else ()
        say = say or _strings(path, prefix + "say", said)
        if not say or not all(part.strip() for part in say):
            raise ScenarioError(f"{path}: {prefix}say must hold words to say")
    else:
        audio = path.parent / _string(path, prefix + "audio", raw["audio"])
        if not audio.is_file():
            raise ScenarioError(
                f"{path}: {prefix}audio '{raw['audio']}' not found (paths are relative to the file)"
            )
        try:
            check_audio_file(audio, f"{prefix}audio")
        except VoicecliError as err:
            raise ScenarioError(f"{path}: {err}") from None
    start = _string(path, prefix + "start", raw.get("start", "after_reply"))
    if start not in STARTS:
        raise ScenarioError(f"{path}: {prefix}start '{start}' must be one of {', '.join(STARTS)}")
    kind = _string(path, prefix + "kind", raw.get("kind", "turn"))
    if kind not in KINDS:
        raise ScenarioError(f"{path}: {prefix}kind '{kind}' must be one of {', '.join(KINDS)}")
    delay = _number(path, prefix + "delay_s", raw.get("delay_s", 0.8))
    if delay < 0:
        raise ScenarioError(f"{path}: {prefix}delay_s must not be negative, got {delay}")
    when_asked = _string(path, prefix + "when_asked", raw.get("when_asked", ""))
    if when_asked and start != "after_reply":
        raise ScenarioError(f'{path}: {prefix}when_asked needs start = "after_reply"')
    part_pause = _number(path, prefix + "part_pause_s", raw.get("part_pause_s", 0.7))
    if not 0 <= part_pause <= 10:
        raise ScenarioError(
            f"{path}: {prefix}part_pause_s must be within 0..10 s, got {part_pause}"
        )
    return Turn(
        audio=audio,
        when_asked=when_asked,
        say=say,
        part_pause_s=part_pause,
        text=_string(path, prefix + "text", raw.get("text", " ".join(say))),
        start=start,
        delay_s=delay,
        kind=kind,
        pauses=_pauses(path, prefix + "pauses", raw.get("pauses", [])),
        expect=_strings(path, prefix + "expect", raw.get("expect", [])),
    )


def _orders(path: Path, raw: Any) -> tuple[dict[str, str], ...]:
    if not isinstance(raw, list):
        raise ScenarioError(f"{path}: 'order' must be an array of tables [[order]]")
    rows = []
    for index, row in enumerate(raw, start=1):
        if not isinstance(row, dict) or "id" not in row:
            raise ScenarioError(f"{path}: order[{index}].id is missing; every order row needs id")
        rows.append({str(k): str(v) for k, v in row.items()})
    return tuple(rows)


def parse_scenario(path: Path) -> Scenario:
    """Read one scenario file; raise ScenarioError (one line) if anything is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: invalid TOML: {err}") from None
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read ({err.strerror})") from None
    _check_keys(path, data, TOP_KEYS, "")
    if "name" not in data:
        raise ScenarioError(f"{path}: name is missing; every scenario needs a unique name")
    turns = data.get("turn", [])
    if not isinstance(turns, list) or not turns:
        raise ScenarioError(f"{path}: turn is missing; a scenario needs at least one [[turn]]")
    split = _string(path, "split", data.get("split", ""))
    if split not in ("", *SETS):
        raise ScenarioError(f"{path}: split '{split}' must be one of {', '.join(SETS)}")
    raw_voices = data.get("voices", [])
    voices = (raw_voices,) if isinstance(raw_voices, str) else _strings(path, "voices", raw_voices)
    for name in voices:
        try:
            voice_set(name)
        except VoicecliError as err:
            raise ScenarioError(f"{path}: voices: {err}") from None
    parsed = tuple(_turn(path, i, raw) for i, raw in enumerate(turns, start=1))
    if not voices and any(t.say for t in parsed):
        raise ScenarioError(f"{path}: a turn uses say but the scenario names no voices")
    return Scenario(
        name=_string(path, "name", data["name"]),
        path=path,
        description=_string(path, "description", data.get("description", "")),
        tags=_strings(path, "tags", data.get("tags", [])),
        reply_timeout_s=_number(path, "reply_timeout_s", data.get("reply_timeout_s", 20.0)),
        caller=_caller(path, data.get("caller", {})),
        orders=_orders(path, data.get("order", [])),
        turns=parsed,
        split=split,
        voices=voices,
    )


def shipped_corpus(split: str) -> Path:
    """The caller corpus's scenarios of one split (run in every voice of that split)."""
    return shipped_scenarios() / "callers" / split


def voice_cache() -> Path:
    """Where rendered caller clips are kept: $XDG_CACHE_HOME/voicecli/callers, or a temporary
    folder when that cannot be written."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "voicecli"
    cache = root / "callers"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        if os.access(cache, os.W_OK):
            return cache
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="voicecli-callers-"))


def in_voices(scenario: Scenario, cache: Path) -> list[Scenario]:
    """The scenario once per voice it names (`name@voice`), its `say` turns rendered; a
    scenario that names no voices as it is."""
    if not scenario.voices:
        return [scenario]
    voices = {v.name: v for name in scenario.voices for v in voice_set(name)}
    runs = []
    for voice in voices.values():
        turns = []
        for turn in scenario.turns:
            if turn.say:
                try:
                    audio, pauses = render(voice, turn.say, cache, turn.part_pause_s)
                except VoicecliError as err:
                    raise ScenarioError(f"{scenario.path}: {err}") from None
                turn = dataclasses.replace(turn, audio=audio, pauses=pauses + turn.pauses)
            turns.append(turn)
        runs.append(
            dataclasses.replace(
                scenario, name=f"{scenario.name}@{voice.name}", turns=tuple(turns), voice=voice.name
            )
        )
    return runs


def shipped_scenarios() -> Path:
    """The folder of scenarios that ship with voicecli."""
    return Path(__file__).resolve().parent / "scenarios"


def load_scenarios(
    paths: list[Path], cache: Path | None = None
) -> tuple[list[Scenario], list[str]]:
    """Every scenario under the given files or folders, once per voice it names; errors are
    collected, not raised. `cache`: where rendered voices go (default `voice_cache()`)."""
    files: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.glob("*.toml"))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(f"{path}: no such scenario file or folder")
    scenarios: list[Scenario] = []
    names: dict[str, Path] = {}
    for file in files:
        try:
            scenario = parse_scenario(file)
        except ScenarioError as err:
            errors.append(str(err))
            continue
        if scenario.name in names:
            errors.append(
                f"{file}: name '{scenario.name}' is already used by {names[scenario.name]}"
            )
            continue
        names[scenario.name] = file
        try:
            scenarios += in_voices(scenario, cache or voice_cache())
        except ScenarioError as err:
            errors.append(str(err))
    return scenarios, errors
