"""Drives the Rich live panel: events update the model, Rich redraws it ~10 times a second."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.live import Live

from voicecli.events import Event
from voicecli.ui.model import PanelModel
from voicecli.ui.panel import render

REFRESH_HZ = 10


class LivePanel:
    """A context manager and an event callback: `with LivePanel(console) as on_event: ...`."""

    def __init__(self, console: Console) -> None:
        self.model = PanelModel()
        self.live = Live(
            get_renderable=lambda: render(self.model),
            console=console,
            refresh_per_second=REFRESH_HZ,
            transient=False,
        )

    def __enter__(self) -> LivePanel:
        self.live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.live.__exit__(kind, value, trace)

    def __call__(self, event: Event, t0: float) -> None:
        self.model.apply(event)
