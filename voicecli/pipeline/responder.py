"""Responder stage: the reply to a committed turn, cut into speakable pieces for the speaker.

Before a turn is committed it only does reversible work: prefilling the KV cache with the
conversation and the caller's words so far. On commit it either has its reply writer write the
reply (pipeline/writers.py: the LLM clause by clause, the cascade's whole reply, or Voice
Mirror's echo — chosen when the conversation is built), stopping within one token when the
reply's generation is cancelled, or, for a tool, asks the tool runner and speaks the result (an
acknowledgement first if the tool is slow, an apology if it fails), cut into pieces as a
written reply of the same words would be (its first piece short). A written reply whose first
piece is late gets an acknowledgement first too, sooner when other programs keep the cores busy
(policy/lateack.py); it is never abandoned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from voicecli.bus import EventBus
from voicecli.config import ToolsConfig
from voicecli.engines.protocols import Message
from voicecli.engines.tts import split_sentences
from voicecli.events import (
    Event,
    LlmFirstToken,
    PrefillDone,
    PrefillRequest,
    ReplyDone,
    ReplyPiece,
    ReplyRequest,
    ToolRequest,
    ToolResult,
)
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage
from voicecli.pipeline.writers import ReplyWriter
from voicecli.policy.lateack import LateAckRule
from voicecli.policy.speakable import speakable
from voicecli.terms import Step
from voicecli.tools.calls import apology, spoken_answer


class Responder(Stage):
    """Owns the reply writer (and through it the LLM); one reply at a time."""

    def __init__(
        self,
        bus: EventBus,
        writer: ReplyWriter,
        generation: Generation,
        warm_messages: Sequence[Message] = (),
        tools: ToolsConfig | None = None,
        late_ack: tuple[LateAckRule, str] = (LateAckRule(0.0, 0.0, 0.0), ""),
        others_busy: Callable[[], float] = lambda: 0.0,
        cut: Callable[[str], list[str]] = split_sentences,
    ) -> None:
        """`late_ack`: after how long since the caller's last word a reply whose first piece
        has not come is preceded by which acknowledgement; `others_busy`: the cores other
        programs kept busy lately (cpumeter.py), which the rule reads; `cut`: how a reply known
        whole (a fixed sentence, a tool's answer) is cut into pieces."""
        super().__init__(bus, "responder", (ReplyRequest, PrefillRequest), generation)
        self.writer = writer
        self.warm_messages = warm_messages
        self.tools = tools or ToolsConfig()
        self.late_ack, self.late_ack_text = late_ack
        self.others_busy = others_busy
        self.cut = cut
        self.results = bus.subscribe((ToolResult,), "responder-tools")
        self.calls = 0

    def setup(self) -> None:
        self.writer.warm(self.warm_messages)  # the system prompt is cached before turn one

    def handle(self, event: Event) -> None:
        if isinstance(event, PrefillRequest):
            # only the newest request matters, and a reply waiting behind it comes first
            waiting = self.inbox.drain() if self.inbox else []
            replies = [e for e in waiting if isinstance(e, ReplyRequest) and self.current(e)]
            prefills = [e for e in waiting if isinstance(e, PrefillRequest)]
            if replies:
                self.handle(replies[-1])
            else:
                self.others_busy()  # a reading while the caller speaks: the reply's is recent
                self.prefill(prefills[-1] if prefills else event)
        elif isinstance(event, ReplyRequest):
            self.reply(event)

    def prefill(self, event: PrefillRequest) -> None:
        started = time.perf_counter()
        tokens = self.writer.prefill(event.messages)
        ms = (time.perf_counter() - started) * 1000.0
        self.bus.publish(PrefillDone(self.bus.now(), event.turn, tokens, ms))

    def reply(self, event: ReplyRequest) -> None:
        cancel = self.cancelled(event.gen)  # set when the caller cancels this reply
        if event.step is Step.LLM:
            self.generated_reply(event, cancel)
        else:
            self.tool_reply(event, cancel)

    def tool_reply(self, event: ReplyRequest, cancel: threading.Event) -> None:
        """A reply from a tool's result (or a fixed sentence), with an honest acknowledgement
        first when the tool is slow."""
        gen = event.gen
        pieces = 0
        text = event.say
        call = event.call
        if event.step.calls_a_tool and call is not None:
            self.calls += 1
            call_id = self.calls
            self.bus.publish(
                ToolRequest(self.bus.now(), gen, call_id, call.tool, call.order_id, call.phase)
            )
            # the caller has been waiting since they stopped speaking, not since the commit
            waited = self.bus.now() - event.speech_end_t if event.speech_end_t else 0.0
            budget = max(self.tools.ack_grace_s, self.tools.ack_after_s - waited)
            result = self.await_result(call_id, budget)
            if result is None and not cancel.is_set():
                self._piece(gen, pieces, self.tools.ack_text, ack=True)
                pieces += 1
                result = self.await_result(call_id, self.tools.timeout_s - budget)
            if result is not None and result.ok:
                text = spoken_answer(call.tool, result.facts)
            else:
                text = apology(call.tool, call.order_id)
        for piece in self.cut(text):
            if cancel.is_set():
                break
            self._piece(gen, pieces, piece)
            pieces += 1
        self.bus.publish(ReplyDone(self.bus.now(), gen, text, pieces, 0, cancel.is_set()))

    def await_result(self, call: int, timeout_s: float) -> ToolResult | None:
        """The result of tool call `call`, or None when `timeout_s` passes first."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            event = self.results.get(timeout=left)
            prefetch = isinstance(event, ToolResult) and not event.gen
            if isinstance(event, ToolResult) and event.call_id == call and not prefetch:
                return event
        return None

    def generated_reply(self, event: ReplyRequest, cancel: threading.Event) -> None:
        """The writer's reply, piece by piece; if its first piece is late (the late-ack rule's
        budget after the caller's last word), an honest acknowledgement goes first, and the
        reply follows it whenever it comes."""
        gen = event.gen
        pieces = 0
        lock = threading.Lock()

        def speak(piece: str, ack: bool = False) -> None:
            nonlocal pieces
            with lock:
                if ack and (pieces or cancel.is_set()):
                    return  # the reply came first, or is no longer wanted
                self._piece(gen, pieces, piece, ack=ack)
                pieces += 1

        def first_token(ms: float, cached: int, prompt: int) -> None:
            self.bus.publish(LlmFirstToken(self.bus.now(), gen, ms, cached, prompt))

        late = self.late_ack_timer(event, lambda: speak(self.late_ack_text, ack=True))
        try:
            written = self.writer.write(event.messages, cancel, speak, first_token)
        finally:
            if late is not None:
                late.cancel()
        self.bus.publish(
            ReplyDone(self.bus.now(), gen, written.text, pieces, written.tokens, cancel.is_set())
        )

    def late_ack_timer(
        self, event: ReplyRequest, say: Callable[[], None]
    ) -> threading.Timer | None:
        """A timer that says the acknowledgement once the caller has waited the rule's budget
        since their last word (at once if they already have); None when switched off."""
        after_s = self.late_ack.after_s(self.others_busy())
        if after_s <= 0:
            return None
        waited = self.bus.now() - event.speech_end_t if event.speech_end_t else 0.0
        timer = threading.Timer(max(0.0, after_s - waited), say)
        timer.daemon = True
        timer.start()
        return timer

    def _piece(self, gen: int, index: int, piece: str, ack: bool = False) -> None:
        spoken = speakable(piece)
        if spoken:
            self.bus.publish(ReplyPiece(self.bus.now(), gen, index, piece, spoken, ack))
