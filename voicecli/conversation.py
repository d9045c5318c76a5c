"""The runner: one built conversation (voicecli/wiring.py) run until it is over, then torn down.

It starts the stages and the devices, announces the session, watches the bus — every event to
the session log as it happens, and to the panel or printer — and ends the run at the end of the
input (once the agent is listening again), at the time limit, on a stage's failure or on
Ctrl-C. It knows its devices only as an `AudioIO`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from voicecli.audio.io import AudioIO, Recorded
from voicecli.audio.playout import PlayoutRing
from voicecli.audio.ring import SampleRing
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bus import EventBus
from voicecli.events import (
    DeviceStats,
    Event,
    SessionEnded,
    SessionStarted,
    StageError,
    StateChanged,
    TurnTimings,
    VadFrame,
)
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage
from voicecli.terms import State
from voicecli.trace import TraceWriter

IDLE_TAIL_S = 1.0  # listening this long after the input ended: the conversation is over
REPLY_ALLOWANCE_S = 90.0  # without a time limit: how long past the input's end it may run

OnEvent = Callable[[Event, float], None]


@dataclass(frozen=True)
class Rings:
    """The 16 kHz rings between the devices and the listener."""

    capture: SampleRing  # what the microphone recorded
    clean: SampleRing  # the echo-cancelled microphone (what the transcriber reads)
    far: SampleRing  # what the speaker played (the echo canceller's reference)

    def close(self) -> None:
        for ring in (self.capture, self.clean, self.far):
            ring.close()


@dataclass
class TalkResult:
    """What a run produced."""

    events: list[Event] = field(default_factory=list)
    timings: list[TurnTimings] = field(default_factory=list)
    recorded: Recorded | None = None  # what the devices kept (virtual devices only)
    out_rate: int = 0
    t0: float = 0.0
    error: str = ""
    interrupted: bool = False  # Ctrl-C ended the session
    threads: list[threading.Thread] = field(default_factory=list)


@dataclass
class Conversation:
    """A built conversation: its bus, devices, rings and stages, and the run over them."""

    bus: EventBus
    io: AudioIO
    playout: PlayoutRing
    rings: Rings
    generation: Generation
    stages: list[Stage]
    mode: str  # what the session log says ran: streaming, cascade or mirror
    models: dict[str, str]
    max_seconds: float | None = None

    def run(self, on_event: OnEvent | None = None, trace: TraceWriter | None = None) -> TalkResult:
        """Run to the end of the input, the time limit or Ctrl-C; always tears everything
        down. Every event goes to `trace` (the session log) as it happens. A stage that fails
        ends the run with `result.error` set."""
        clock = self.bus.now
        watch = self.bus.subscribe(None, "talk")
        result = TalkResult()
        io = self.io
        io.start()
        result.t0 = t0 = io.t0
        result.out_rate = self.playout.rate

        def tell(event: Event) -> None:
            if not isinstance(event, VadFrame):
                result.events.append(event)
            if trace is not None:
                trace.write(event, t0)
            if on_event is not None:
                on_event(event, t0)

        # the session's first event, before any stage can publish one: stages start after it
        self.bus.publish(
            SessionStarted(clock(), self.mode, self.models, CAPTURE_RATE, self.playout.rate, t0)
        )
        for stage in self.stages:
            stage.start()
        state = State.LISTENING
        idle_since = clock()
        limit = self.max_seconds or io.input_seconds + REPLY_ALLOWANCE_S
        deadline = clock() + limit
        reason = "end of input"
        try:
            while True:
                event = watch.get(timeout=0.05)
                if event is not None:
                    tell(event)
                    if isinstance(event, StateChanged):
                        state = event.state
                        idle_since = clock()
                    elif isinstance(event, TurnTimings):
                        result.timings.append(event)
                    elif isinstance(event, StageError):
                        result.error = f"{event.stage}: {event.message}"
                        reason = "error"
                        break
                failure = io.failure()
                if failure:
                    result.error = f"audio: {failure}"
                    reason = "error"
                    break
                now = clock()
                over = io.input_done.is_set() and state is State.LISTENING
                if over and now - idle_since >= IDLE_TAIL_S:
                    break
                if now > deadline:
                    reason = "time limit"
                    break
        except KeyboardInterrupt:
            reason = "interrupted"
            result.interrupted = True
        finally:
            tell(DeviceStats(clock(), *io.stats()))
            tell(SessionEnded(clock(), reason))
            self.shutdown()
            result.recorded = io.recorded()
            result.threads = [s for s in self.stages if s.is_alive()]
        return result

    def shutdown(self) -> None:
        """Stop devices first, then every stage; join them all."""
        self.io.stop()
        self.rings.close()
        self.playout.close()
        self.generation.bump()
        for stage in self.stages:
            stage.stop()
        self.bus.close()
        for stage in self.stages:
            if stage.ident is not None:  # started (a conversation may be torn down unrun)
                stage.join(timeout=10.0)
