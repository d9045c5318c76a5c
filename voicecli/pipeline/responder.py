"""Responder stage: the reply to a committed turn, cut into speakable pieces for the speaker.

Before a turn is committed it only does reversible work: prefilling the KV cache with the
conversation and the caller's words so far. On commit it either streams the LLM's reply —
handing each piece the clause flusher releases to the speaker, stopping within one token when
the reply's generation is cancelled — or, for a tool, asks the tool runner and speaks the result
(an acknowledgement first if the tool is slow, an apology if it fails). In Voice Mirror mode the
caller's own words are the reply.
"""

from __future__ import annotations

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
    ReplyStarted,
    ToolRequest,
    ToolResult,
)
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage
from voicecli.policy.clauses import ClauseFlusher, FlushRules
from voicecli.policy.speakable import speakable
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
        super().__init__(bus, "responder", (ReplyStarted, PrefillRequest))
        self.llm = llm
        self.generation = generation
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
            replies = [e for e in waiting if isinstance(e, ReplyStarted)]
            prefills = [e for e in waiting if isinstance(e, PrefillRequest)]
            if replies:
                self.handle(replies[-1])
            else:
                self.prefill(prefills[-1] if prefills else event)
        elif isinstance(event, ReplyStarted) and self.generation.is_current(event.gen):
            self.reply(event)

    def prefill(self, event: PrefillRequest) -> None:
        if self.llm is None:
            return
        started = time.perf_counter()
        tokens = self.llm.prefill(event.messages)
        ms = (time.perf_counter() - started) * 1000.0
        self.bus.publish(PrefillDone(self.bus.now(), event.turn, tokens, ms))

    def _tokens(self, event: ReplyStarted) -> Iterable[str]:
        if event.mirror or self.llm is None:
            user = next((m["content"] for m in reversed(event.messages) if m["role"] == "user"), "")
            return [user]
        return self.llm.stream(event.messages, cancel=self.generation.cancelled(event.gen))

    def reply(self, event: ReplyStarted) -> None:
        if event.step == "llm" or event.mirror:
            self.generated_reply(event)
        else:
            self.tool_reply(event)

    def tool_reply(self, event: ReplyStarted) -> None:
        """A reply from a tool's result (or a fixed sentence), with an honest acknowledgement
        first when the tool is slow."""
        gen = event.gen
        pieces = 0
        text = event.say
        if event.step in ("lookup", "execute"):
            self.calls += 1
            call = self.calls
            self.bus.publish(
                ToolRequest(self.bus.now(), gen, call, event.tool, event.order_id, event.phase)
            )
            # the caller has been waiting since they stopped speaking, not since the commit
            waited = self.bus.now() - event.speech_end_t if event.speech_end_t else 0.0
            budget = max(self.tools.ack_grace_s, self.tools.ack_after_s - waited)
            result = self.await_result(call, budget)
            if result is None and self.generation.is_current(gen):
                self._piece(gen, pieces, self.tools.ack_text, ack=True)
                pieces += 1
                result = self.await_result(call, self.tools.timeout_s - budget)
            if result is not None and result.ok:
                text = spoken_answer(event.tool, result.facts)
            else:
                text = apology(event.tool, event.order_id)
        for sentence in split_sentences(text):
            if not self.generation.is_current(gen):
                break
            self._piece(gen, pieces, sentence)
            pieces += 1
        cancelled = not self.generation.is_current(gen)
        self.bus.publish(ReplyDone(self.bus.now(), gen, text, pieces, 0, cancelled))

    def await_result(self, call: int, timeout_s: float) -> ToolResult | None:
        """The result of tool call `call`, or None when `timeout_s` passes first."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            event = self.results.get(timeout=left)
            if isinstance(event, ToolResult) and event.call_id == call and event.gen:
                return event
        return None

    def generated_reply(self, event: ReplyStarted) -> None:
        gen = event.gen
        flusher = ClauseFlusher(self.rules)
        pieces = 0
        text = ""
        started = time.perf_counter()
        first = True
        for token in self._tokens(event):
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
            if not self.generation.is_current(gen):
                break
        cancelled = not self.generation.is_current(gen)
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
