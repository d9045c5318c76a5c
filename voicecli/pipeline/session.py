"""The session stage: the conversation core run on the bus, its effects carried out.

A thin adapter. Every event the core cares about comes in on the stage's thread; the core
answers with events, which are published, and effects on the output side (pause, resume and
flush the playout ring, start a new reply generation), which are carried out here. The playout
ring pushes each span's progress onto the bus (queued, playing, played), so the reply's handle
learns what the speaker did without anyone polling. The stage timings of each reply come from
an observer of the same events.
"""

from __future__ import annotations

from collections.abc import Callable

from voicecli.audio.playout import PlayedSpan, PlayoutRing, Progress
from voicecli.bus import EventBus
from voicecli.config import Config
from voicecli.core.conversation import ConversationCore, Output
from voicecli.core.effects import CancelReplies, ForgetPlayout, PausePlayout, ResumePlayout
from voicecli.core.mode import CoreMode
from voicecli.core.timings import TurnTimer
from voicecli.events import (
    Event,
    PlayoutStopped,
    SpanPlayed,
    SpanPlaying,
    SpanQueued,
)
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage
from voicecli.policy.history import History


def span_event(progress: Progress, span: PlayedSpan, t: float) -> Event:
    """The bus event for what the playout ring says happened to a span."""
    if progress is Progress.QUEUED:
        return SpanQueued(t, span.gen, span.piece, span.text, span.start, span.end, span.word_times)
    if progress is Progress.PLAYING:
        return SpanPlaying(t, span.gen, span.piece, span.device_start or 0)
    return SpanPlayed(t, span.gen, span.piece, span.device_end or 0, progress is Progress.CUT)


class Session(Stage):
    """Runs the conversation core on its own thread."""

    def __init__(
        self,
        bus: EventBus,
        config: Config,
        playout: PlayoutRing,
        generation: Generation,
        in_time: Callable[[int], float],
        out_time: Callable[[int], float],
        mode: CoreMode,
        aec: bool = True,
    ) -> None:
        self.core = ConversationCore(config, mode, playout.rate, in_time, aec=aec)
        super().__init__(bus, "session", self.core.inputs)
        self.playout = playout
        self.generation = generation
        self.timer = TurnTimer(in_time, out_time)
        playout.listen(lambda progress, span: bus.publish(span_event(progress, span, bus.now())))

    @property
    def history(self) -> History:
        """The conversation so far (the responder warms the LLM's cache with its head)."""
        return self.core.history

    def handle(self, event: Event) -> None:
        self.timer_sees(event)
        self.carry_out(self.core.handle(event, self.bus.now()))

    def timer_sees(self, event: Event) -> None:
        timings = self.timer.observe(event)
        if timings is not None:
            self.bus.publish(timings)

    def carry_out(self, outputs: list[Output]) -> None:
        for output in outputs:
            if isinstance(output, Event):
                self.bus.publish(output)
                self.timer_sees(output)
            elif isinstance(output, PausePlayout):
                self.playout.pause(output.fade)
            elif isinstance(output, ResumePlayout):
                self.playout.resume(output.fade)
            elif isinstance(output, CancelReplies):
                self.generation.advance(output.gen)
                position = self.playout.flush(min_gen=output.gen)
                stopped = PlayoutStopped(self.bus.now(), position)
                self.carry_out(self.core.handle(stopped, stopped.t))
            elif isinstance(output, ForgetPlayout):
                self.playout.forget_before(output.before)
