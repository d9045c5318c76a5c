"""The Rich live panel of `voicecli talk`: state, levels, transcript, reply, timings, events."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from voicecli.ui.model import PanelModel

STATE_STYLE = {
    "listening": "green",
    "user speaking": "bold cyan",
    "thinking": "yellow",
    "speaking": "bold magenta",
    "interrupted": "bold red",
}
BAR = 24
STAGES = (
    ("endpoint", "endpoint_ms"),
    ("STT final", "stt_final_ms"),
    ("LLM first token", "llm_first_token_ms"),
    ("LLM first clause", "llm_first_clause_ms"),
    ("TTS first chunk", "tts_first_chunk_ms"),
    ("TTFA", "ttfa_ms"),
)


def meter(fraction: float, width: int = BAR) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "·" * (width - filled)


def header(model: PanelModel) -> Table:
    grid = Table.grid(expand=True, padding=(0, 2))
    for _ in range(3):
        grid.add_column()
    style = STATE_STYLE.get(model.state, "white")
    level = (model.level_db + 80.0) / 80.0
    erle = "—" if model.erle_db is None else f"{model.erle_db:.0f} dB"
    grid.add_row(
        Text.assemble("state ", (model.state.upper(), style)),
        Text(f"mic {meter(level, 16)} {model.level_db:5.0f} dBFS"),
        Text(f"VAD {meter(model.vad, 10)} {model.vad:4.2f}   AEC ERLE {erle}"),
    )
    return grid


def conversation(model: PanelModel) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", width=6)
    grid.add_column()
    you = Text(model.stable, style="bold")
    if model.unstable:
        you.append(" ")
        you.append(model.unstable, style="dim italic")
    grid.add_row("you", you)
    reply = Text(model.heard_text, style="white")
    if model.pending_text:
        reply.append(" ")
        reply.append(model.pending_text, style="dim")
    if model.interrupted:
        reply.append("  [interrupted]", style="red")
    grid.add_row("agent", reply)
    return grid


def waterfall(model: PanelModel) -> Table:
    table = Table(title="last turn", title_justify="left", box=None, padding=(0, 1))
    table.add_column("stage")
    table.add_column("ms", justify="right")
    table.add_column("")
    timings = model.last_timings
    scale = max(1.0, timings.ttfa_ms if timings else 1.0, 1500.0)
    for label, name in STAGES:
        value = getattr(timings, name) if timings else None
        if value is None or value != value:  # missing or NaN
            table.add_row(label, "—", "")
        else:
            table.add_row(label, f"{value:.0f}", meter(value / scale))
    return table


def summary(model: PanelModel) -> Text:
    percentiles = model.ttfa_percentiles()
    if percentiles is None:
        return Text("TTFA p50 — · p95 —", style="dim")
    p50, p95 = percentiles
    return Text(f"TTFA p50 {p50:.0f} ms · p95 {p95:.0f} ms · {len(model.ttfa)} turns")


def events(model: PanelModel) -> Text:
    return Text("\n".join(model.log) if model.log else "no barge-ins yet", style="dim")


def render(model: PanelModel) -> Panel:
    """The whole panel for the current model."""
    models = " · ".join(v for v in model.models.values() if v)
    body = Group(
        header(model),
        Text(""),
        conversation(model),
        Text(""),
        waterfall(model),
        summary(model),
        Text(""),
        Text("events", style="bold"),
        events(model),
    )
    return Panel(body, title=f"voicecli {model.mode}", subtitle=models, border_style="blue")
