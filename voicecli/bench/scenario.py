"""Bench scenarios: the TOML format of ../shared/SCENARIOS.md (docs/scenarios.md), parsed strictly.

A scenario describes a simulated caller: their turns (clip, reference text, when to speak,
pauses, what the reply must contain), how the room behaves (echo of the agent's own playback,
noise), and order rows to seed. Unknown keys, missing audio and bad values are rejected with one
line naming the file and the key. Extensions to the contract (documented): top-level `tags`
(groups for the summary, e.g. "plain") and `reply_timeout_s` (how long an `after_reply` anchor
waits for a reply that never comes).
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecli.audio.wavfile import check_audio_file
from voicecli.errors import VoicecliError

STARTS = ("at", "after_reply", "during_reply")
KINDS = ("turn", "barge_in", "backchannel")
TOP_KEYS = ("name", "description", "tags", "reply_timeout_s", "caller", "order", "turn")
CALLER_KEYS = ("echo_gain_db", "echo_delay_ms", "echo_reverb_ms", "noise_dbfs")
TURN_KEYS = ("audio", "text", "start", "delay_s", "kind", "pauses", "expect")


class ScenarioError(VoicecliError):
    """A malformed scenario file: one line naming the file and the key."""


@dataclass(frozen=True)
class Caller:
    """The room: echo of the agent's playback into the mic, and a noise floor."""

    echo_gain_db: float | None = None
    echo_delay_ms: float = 40.0
    echo_reverb_ms: float = 0.0
    noise_dbfs: float | None = None


@dataclass(frozen=True)
class Turn:
    """One caller utterance."""

    audio: Path
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
    if "audio" not in raw:
        raise ScenarioError(f"{path}: {prefix}audio is missing; every turn needs a clip")
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
    return Turn(
        audio=audio,
        text=_string(path, prefix + "text", raw.get("text", "")),
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
    return Scenario(
        name=_string(path, "name", data["name"]),
        path=path,
        description=_string(path, "description", data.get("description", "")),
        tags=_strings(path, "tags", data.get("tags", [])),
        reply_timeout_s=_number(path, "reply_timeout_s", data.get("reply_timeout_s", 20.0)),
        caller=_caller(path, data.get("caller", {})),
        orders=_orders(path, data.get("order", [])),
        turns=tuple(_turn(path, i, raw) for i, raw in enumerate(turns, start=1)),
    )


def shipped_scenarios() -> Path:
    """The folder of scenarios that ship with voicecli."""
    return Path(__file__).resolve().parent / "scenarios"


def load_scenarios(paths: list[Path]) -> tuple[list[Scenario], list[str]]:
    """Every scenario under the given files or folders; errors are collected, not raised."""
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
        scenarios.append(scenario)
    return scenarios, errors
