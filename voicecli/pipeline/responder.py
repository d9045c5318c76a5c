"""Responder stage: the reply to a committed turn, cut into speakable pieces for the speaker.

Before a turn is committed it only does reversible work: prefilling the KV cache with the
conversation and the caller's words so far. On commit it either streams the LLM's reply —
handing each piece the clause flusher releases to the speaker, stopping within one token when
the reply's generation is cancelled — or, for a tool, asks the tool runner and speaks the result
(an acknowledgement first if the tool is slow, an apology if it fails). In Voice Mirror mode the
caller's own words are the reply.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from voicecli.bus import EventBus
from voicecli.config import ToolsConfig
from voicecli.core.mode import Pipeline
from voicecli.engines.llm import LlamaEngine
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
from voicecli.policy.clauses import ClauseFlusher, FlushRules
from voicecli.policy.speakable import speakable
from voicecli.terms import Step
from voicecli.tools.calls import apology, spoken_answer


class Responder(Stage):
    """Owns the LLM; one reply at a time."""

    def __init__(
        self,
        bus: EventBus,
        llm: LlamaEngine | None,
        generation: Generation,
        rules: FlushRules,
        warm_messages: list[dict[str, str]] | None = None,
        pipeline: Pipeline = Pipeline.STREAMING,
        tools: ToolsConfig | None = None,
    ) -> None:
        super().__init__(bus, "responder", (ReplyRequest, PrefillRequest), generation)
        self.llm = llm
        self.rules = rules
        self.warm_messages = warm_messages
        self.cascade = pipeline is Pipeline.CASCADE
        self.tools = tools or ToolsConfig()
        self.results = bus.subscribe((ToolResult,), "responder-tools")
        self.calls = 0

    def setup(self) -> None:
        if self.llm is not None and self.warm_messages:
            self.llm.prefill(self.warm_messages)  # the system prompt is cached before turn one

    def handle(self, event: Event) -> None:
        if isinstance(event, PrefillRequest):
            # only the newest request matters, and a reply waiting behind it comes first
            waiting = self.inbox.drain() if self.inbox else []
            replies = [e for e in waiting if isinstance(e, ReplyRequest) and self.current(e)]
            prefills = [e for e in waiting if isinstance(e, PrefillRequest)]
            if replies:
                self.handle(replies[-1])
            else:
                self.prefill(prefills[-1] if prefills else event)
        elif isinstance(event, ReplyRequest):
            self.reply(event)

    def prefill(self, event: PrefillRequest) -> None:
        if self.llm is None:
            return
        started = time.perf_counter()
        tokens = self.llm.prefill(event.messages)
        ms = (time.perf_counter() - started) * 1000.0
        self.bus.publish(PrefillDone(self.bus.now(), event.turn, tokens, ms))

    def _tokens(self, event: ReplyRequest, cancel: threading.Event) -> Iterable[str]:
        if event.mirror or self.llm is None:
            user = next((m["content"] for m in reversed(event.messages) if m["role"] == "user"), "")
            return [user]
        return self.llm.stream(event.messages, cancel=cancel)

    def reply(self, event: ReplyRequest) -> None:
        cancel = self.cancelled(event.gen)  # set when the caller cancels this reply
        if event.step is Step.LLM or event.mirror:
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
        for sentence in split_sentences(text):
            if cancel.is_set():
                break
            self._piece(gen, pieces, sentence)
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
        gen = event.gen
        flusher = ClauseFlusher(self.rules)
        pieces = 0
        text = ""
        started = time.perf_counter()
        first = True
        for token in self._tokens(event, cancel):
            if first and self.llm is not None and not event.mirror:
                stats = self.llm.stats
                self.bus.publish(
                    LlmFirstToken(
                        self.bus.now(),
                        gen,
                        (time.perf_counter() - started) * 1000.0,
                        stats.cached_tokens,
                        stats.prompt_tokens,
                    )
                )
            first = False
            text += token
            if self.cascade:  # the naive baseline speaks only once the whole reply is written
                continue
            for piece in flusher.push(token):
                self._piece(gen, pieces, piece)
                pieces += 1
            if cancel.is_set():
                break
        cancelled = cancel.is_set()
        if not cancelled:
            rest = [text.strip()] if self.cascade else flusher.finish()
            for piece in rest:
                self._piece(gen, pieces, piece)
                pieces += 1
        tokens = self.llm.stats.generated_tokens if self.llm and not event.mirror else 0
        self.bus.publish(ReplyDone(self.bus.now(), gen, text.strip(), pieces, tokens, cancelled))

    def _piece(self, gen: int, index: int, piece: str, ack: bool = False) -> None:
        spoken = speakable(piece)
        if spoken:
            self.bus.publish(ReplyPiece(self.bus.now(), gen, index, piece, spoken, ack))
