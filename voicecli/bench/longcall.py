"""Long calls in a bench report: does the fortieth turn answer as fast as the first?

A run of a scenario with at least `LONG_CALL_TURNS` caller turns is a long call. For each, per
turn index: the LLM's first token, TTFA, the prompt's size and how much of it was cached, and
the process's resident memory; and the drift from the first ten turns to the last ten (p50s),
and of memory from turn five to the end. The bench's own recording of the call (both streams,
which the metrics need) grows with it, ~9 MB a minute; the agent's memory is the process's
less that recording, and both are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from voicecli.timingstats import percentiles

LONG_CALL_TURNS = 20
WINDOW = 10  # the first and the last this many turns are compared
SETTLED_TURN = 5  # memory is compared from this turn on (models and caches warm)


@dataclass
class LongCall:
    """One run of a long scenario: its turns in order."""

    scenario: str
    label: str
    repeat: int
    turns: list[dict[str, Any]]

    @staticmethod
    def p50(key: str, turns: list[dict[str, Any]]) -> float | None:
        value = percentiles(t.get(key) for t in turns)["p50"]
        return None if value is None else float(value)

    def drift(self) -> dict[str, Any]:
        """First ten turns against the last ten (p50 ms, and the ratio), memory from turn
        five to the end (MB)."""
        out: dict[str, Any] = {"turns": len(self.turns)}
        keys = ("llm_first_token_ms", "ttfa_ms", "context_tokens")
        out |= compare(self.turns[:WINDOW], self.turns[-WINDOW:], keys)
        for key, memory in (("rss_mb", self.memory(False)), ("agent_mb", self.memory(True))):
            settled = next((m for m in memory[SETTLED_TURN - 1 :] if m is not None), None)
            end = next((m for m in reversed(memory) if m is not None), None)
            out[key] = {"after_turn_5": settled, "end": end}
        return out

    def memory(self, less_recording: bool) -> list[float | None]:
        """Resident memory per turn (MB): the process's, or less the bench's recording."""
        found: list[float | None] = []
        for turn in self.turns:
            rss = turn.get("rss_mb")
            if rss is not None and less_recording:
                rss -= turn.get("recording_mb") or 0.0
            found.append(rss)
        return found


def compare(
    first: list[dict[str, Any]], last: list[dict[str, Any]], keys: tuple[str, ...]
) -> dict[str, Any]:
    """Per key: the p50 over `first`, over `last`, and last over first."""
    out: dict[str, Any] = {}
    for key in keys:
        a, b = LongCall.p50(key, first), LongCall.p50(key, last)
        ratio = round(b / a, 2) if a and b is not None else None
        out[key] = {"first": a, "last": b, "ratio": ratio}
    return out


def _timing_parts(compared: dict[str, Any]) -> list[str]:
    """First token and TTFA, first → last p50 and their ratio, as the report's words."""
    parts = []
    for key, name in (("llm_first_token_ms", "LLM first token"), ("ttfa_ms", "TTFA")):
        d = compared[key]
        ratio = "" if d["ratio"] is None else f" ({d['ratio']:.2f}x)"
        parts.append(f"{name} p50 {_ms(d['first'])} → {_ms(d['last'])} ms{ratio}")
    return parts


def long_calls(turns: list[dict[str, Any]]) -> list[LongCall]:
    """The long calls among a report's turns (each run apart, its turns by index)."""
    runs: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for turn in turns:
        label = " ".join(str(part) for part in (turn["pipeline"], turn.get("variant", "")) if part)
        runs.setdefault((turn["scenario"], label, turn["repeat"]), []).append(turn)
    return [
        LongCall(scenario, label, repeat, sorted(run, key=lambda t: t["turn"]))
        for (scenario, label, repeat), run in runs.items()
        if len(run) >= LONG_CALL_TURNS
    ]


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def long_call_table(call: LongCall) -> Table:
    """Turn index → first token, TTFA, prompt tokens (cached), resident memory."""
    table = Table(title=f"long call: {call.scenario} ({call.label}, run {call.repeat})")
    columns = (
        "turn",
        "said",
        "LLM first token ms",
        "TTFA ms",
        "prompt tokens",
        "RSS MB",
        "agent MB",
    )
    for column in columns:
        table.add_column(column)
    for turn, agent in zip(call.turns, call.memory(True), strict=True):
        tokens = turn.get("context_tokens")
        cached = turn.get("cached_tokens")
        table.add_row(
            str(turn["turn"]),
            (turn.get("reference") or "")[:40],
            _ms(turn.get("llm_first_token_ms")),
            _ms(turn.get("ttfa_ms")),
            "—" if tokens is None else f"{tokens} ({cached} cached)",
            _ms(turn.get("rss_mb")),
            _ms(agent),
        )
    return table


def drift_line(call: LongCall) -> str:
    """The first ten turns against the last ten, and memory from turn five to the end."""
    drift = call.drift()
    parts = _timing_parts(drift)
    for key, name in (("rss_mb", "RSS"), ("agent_mb", "less the bench's recording")):
        rss = drift[key]
        grew = (
            f" (+{rss['end'] - rss['after_turn_5']:.0f} MB)"
            if rss["end"] is not None and rss["after_turn_5"] is not None
            else ""
        )
        parts.append(
            f"{name} after turn {SETTLED_TURN} {_ms(rss['after_turn_5'])} → end "
            f"{_ms(rss['end'])} MB{grew}"
        )
    return f"{call.scenario}, first {WINDOW} turns → last {WINDOW}: " + "; ".join(parts)


def pooled_lines(calls: list[LongCall]) -> list[str]:
    """Per scenario run more than once: the first ten turns of every run against the last ten
    of every run. One run's ten turns hold 7-8 LLM replies (the rest are lookups), and its
    first-token p50 moved 0.8-1.4x between runs of the same code; pooled runs say more."""
    groups: dict[tuple[str, str], list[LongCall]] = {}
    for call in calls:
        groups.setdefault((call.scenario, call.label), []).append(call)
    lines = []
    for (scenario, label), runs in groups.items():
        if len(runs) < 2:
            continue
        first = [t for call in runs for t in call.turns[:WINDOW]]
        last = [t for call in runs for t in call.turns[-WINDOW:]]
        parts = _timing_parts(compare(first, last, ("llm_first_token_ms", "ttfa_ms")))
        lines.append(
            f"{scenario} ({label}), {len(runs)} runs pooled, first {WINDOW} turns → last "
            f"{WINDOW}: " + "; ".join(parts)
        )
    return lines


def _series(call: LongCall, key: str) -> list[float]:
    """One field per turn, a gap (NaN) where a turn has none."""
    return [float("nan") if t.get(key) is None else float(t[key]) for t in call.turns]


def plot_long_calls(calls: list[LongCall], path: Path) -> None:
    """Per turn index: LLM first token and TTFA (ms), prompt tokens, resident memory (a PNG;
    matplotlib is checked for by --plot before the run)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (times, tokens, memory) = plt.subplots(3, 1, figsize=(11, 9), sharex=True)
    for call in calls:
        index = [t["turn"] for t in call.turns]
        name = f"{call.scenario} {call.label} #{call.repeat}"
        lines = (
            (times, "llm_first_token_ms", "o-", f"llm_first_token · {name}"),
            (times, "ttfa_ms", "s--", f"ttfa · {name}"),
            (tokens, "context_tokens", "o-", f"prompt · {name}"),
            (tokens, "cached_tokens", "x:", f"cached · {name}"),
        )
        for axis, key, style, label in lines:
            axis.plot(index, _series(call, key), style, markersize=3, label=label)
        for less, style, what in ((False, "o-", "process"), (True, "s--", "less recording")):
            series = [float("nan") if m is None else m for m in call.memory(less)]
            memory.plot(index, series, style, markersize=3, label=f"{what} · {name}")
    times.set_ylabel("ms")
    times.set_title("LLM first token (after the commit) and TTFA, per turn")
    tokens.set_ylabel("tokens")
    tokens.set_title("the reply's prompt, and how much of it the cache already held")
    memory.set_ylabel("MB")
    memory.set_title("resident memory at each commit")
    memory.set_xlabel("caller turn")
    for axis in (times, tokens, memory):
        axis.legend(fontsize=7)
        axis.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
