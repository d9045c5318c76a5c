"""The live panel rendered from a scripted event stream into a recorded Rich console."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from voicecli.events import (
    AssistantTurn,
    BargeIn,
    EchoStats,
    ReplyPiece,
    SessionStarted,
    SpanHeard,
    StateChanged,
    ToolResult,
    Transcript,
    TurnCommitted,
    TurnTimings,
    VadFrame,
)
from voicecli.terms import BargeInAction, State, ToolPhase
from voicecli.ui.model import PanelModel
from voicecli.ui.panel import conversation, render

T0 = 1000.0


def timings(turn: int, ttfa: float) -> TurnTimings:
    return TurnTimings(T0 + 10 * turn, turn, turn, 320.0, 300.0, 90.0, 250.0, 150.0, ttfa, "", "")


def scripted() -> PanelModel:
    model = PanelModel()
    events = [
        SessionStarted(
            T0, "streaming", {"stt": "whisper-base", "llm": "qwen2.5-0.5b"}, 16000, 22050, T0
        ),
        StateChanged(T0 + 0.5, State.USER_SPEAKING),
        VadFrame(T0 + 0.6, 9600, 0.93, -24.0),
        Transcript(T0 + 1.0, 1, "What is the", "capital of France?", 16000, 200.0, False),
        TurnCommitted(T0 + 1.5, 1, 1, "What is the capital of France?", "complete", 24000, 256.0),
        StateChanged(T0 + 1.5, State.THINKING),
        ReplyPiece(T0 + 1.7, 1, 0, "The capital of France", "The capital of France"),
        ReplyPiece(T0 + 1.9, 1, 1, "is Paris.", "is Paris."),
        StateChanged(T0 + 2.0, State.SPEAKING),
        SpanHeard(T0 + 2.6, 1, 0, "The capital of France"),
        EchoStats(T0 + 2.7, 4.0, 31.4),
        BargeIn(T0 + 3.06, 1, BargeInAction.PAUSE, int(3.0 * 16000)),
        BargeIn(T0 + 3.4, 1, BargeInAction.RESUME, int(3.0 * 16000), "transcript"),
        timings(1, 790.0),
        timings(2, 610.0),
        timings(3, 1210.0),
    ]
    for event in events:
        model.apply(event)
    return model


def rendered(model: PanelModel) -> str:
    console = Console(width=110, record=True, color_system=None)
    console.print(render(model))
    return console.export_text()


def test_every_element_shows_its_value() -> None:
    text = rendered(scripted())
    assert "state SPEAKING" in text
    assert "-24 dBFS" in text and "0.93" in text  # mic level and VAD probability
    assert "What is the capital of France?" in text
    assert "The capital of France is Paris." in text
    assert "AEC ERLE 31 dB" in text
    for stage, value in (
        ("endpoint", "320"),
        ("STT final", "300"),
        ("LLM first token", "90"),
        ("LLM first clause", "250"),
        ("TTS first chunk", "150"),
        ("TTFA", "1210"),
    ):
        assert any(stage in line and value in line for line in text.splitlines()), stage
    assert "TTFA p50 790 ms · p95 1168 ms · 3 turns" in text
    assert "caller spoke: paused in 60 ms" in text  # barge-in with its stop time
    assert "not an interruption (transcript): resumed" in text  # a false interruption
    assert "whisper-base · qwen2.5-0.5b" in text


def test_stable_and_unstable_words_and_heard_and_pending_reply_are_styled_apart() -> None:
    model = PanelModel()
    model.apply(Transcript(T0, 1, "Where is my", "order number", 100, 100.0, False))
    model.reply_gen = 3
    model.apply(ReplyPiece(T0, 3, 0, "Your order", "Your order"))
    model.apply(ReplyPiece(T0, 3, 1, "is on its way.", "is on its way."))
    model.apply(SpanHeard(T0, 3, 0, "Your order"))
    grid = conversation(model)
    you, agent = (cell for cell in grid.columns[1]._cells)
    assert isinstance(you, Text) and isinstance(agent, Text)

    def style_of(text: Text, fragment: str) -> str:
        """The style a fragment is drawn in: its span's, else the text's own."""
        start = text.plain.index(fragment)
        spans = [str(s.style) for s in text.spans if s.start <= start < s.end]
        return " ".join(spans) if spans else str(text.style)

    assert style_of(you, "Where") == "bold"
    assert "dim" in style_of(you, "order number") and "italic" in style_of(you, "order number")
    assert style_of(agent, "Your order") == "white"
    assert style_of(agent, "is on its way") == "dim"


def test_interrupted_reply_shows_only_what_was_heard() -> None:
    model = scripted()
    model.apply(AssistantTurn(T0 + 4.0, 1, "The capital of France", True))
    text = rendered(model)
    assert "The capital of France  [interrupted]" in text
    assert "is Paris." not in text.split("agent")[1].splitlines()[0]
    assert "state INTERRUPTED" in text


def test_tool_calls_show_with_their_commit_phase() -> None:
    model = scripted()
    model.apply(
        ToolResult(T0 + 4.0, 2, 1, "get_order_status", "4219", ToolPhase.COMMITTED, True, ms=2.0)
    )
    model.apply(
        ToolResult(
            T0 + 5.0, 3, 2, "cancel_order", "5120", ToolPhase.CONFIRMED, False, error="timed out"
        )
    )
    text = rendered(model)
    assert "get_order_status 4219 (committed): 2 ms" in text
    assert "cancel_order 5120 (confirmed): failed: timed out" in text
