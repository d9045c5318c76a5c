"""Transcriber stage: streaming Whisper over the open turn, with LocalAgreement-2.

While the caller speaks, the whole turn so far is re-decoded on the cut window whenever enough
new audio has arrived and the previous decode has had room to breathe (the cadence adapts to
decode time, so the stage keeps up on two cores). Each hypothesis is run through LocalAgreement
and published as a stable prefix plus an unstable tail. When the caller pauses, the turn is
decoded up to the pause at once: that hypothesis is the one the commit decision reads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from voicecli.audio.ring import SampleRing
from voicecli.bus import EventBus
from voicecli.config import TranscriberConfig
from voicecli.engines.stt import WhisperEngine
from voicecli.events import (
    Event,
    TranscribeRequest,
    Transcript,
    TurnCommitted,
    TurnDiscarded,
    TurnOpened,
    TurnPaused,
    TurnReopened,
    TurnResumed,
    VadFrame,
)
from voicecli.pipeline.mode import Pipeline
from voicecli.pipeline.stage import Stage
from voicecli.policy.agreement import LocalAgreement
from voicecli.policy.hallucination import HallucinationRules, is_hallucination

RATE = 16000


@dataclass
class OpenTurn:
    """The turn being transcribed."""

    turn: int
    audio_start: int
    paused_at: int | None = None
    decoded_until: int = 0
    pause_decoded: int | None = None
    last_decode_at: float = 0.0
    last_decode_s: float = 0.0


class Transcriber(Stage):
    """Decodes the open turn from the clean ring."""

    def __init__(
        self,
        bus: EventBus,
        clean: SampleRing,
        stt: WhisperEngine,
        config: TranscriberConfig,
        guard: HallucinationRules,
        pipeline: Pipeline = Pipeline.STREAMING,
        release: float = 0.35,
    ) -> None:
        types = (
            TurnOpened,
            TurnPaused,
            TurnResumed,
            TurnCommitted,
            TurnDiscarded,
            TurnReopened,
            TranscribeRequest,
        )
        super().__init__(bus, "transcriber", types)
        self.clean = clean
        self.stt = stt
        self.config = config
        self.guard = guard
        self.cascade = pipeline is Pipeline.CASCADE
        self.release = release
        self.voiced = True
        self.open: OpenTurn | None = None
        self.closed: OpenTurn | None = None
        self.agreement = LocalAgreement()

    def handle(self, event: Event) -> None:
        if isinstance(event, VadFrame):
            self.voiced = event.probability >= self.release
            return
        if isinstance(event, TurnOpened):
            self.open = OpenTurn(event.turn, event.audio_start)
            self.closed = None
            self.agreement = LocalAgreement()
            return
        if isinstance(event, TurnReopened):
            if self.closed is not None and self.closed.turn == event.turn:
                self.open, self.closed = self.closed, None
                self.open.paused_at = None
            return
        turn = self.open
        if turn is None or getattr(event, "turn", None) != turn.turn:
            return
        if isinstance(event, TurnPaused):
            turn.paused_at = event.speech_end
        elif isinstance(event, TurnResumed):
            turn.paused_at = None
        elif isinstance(event, TurnCommitted | TurnDiscarded):
            self.closed, self.open = turn, None
        elif isinstance(event, TranscribeRequest):
            if event.final:  # the cascade: the whole turn, on the padded window
                self._decode(turn, event.until, final=True, covers=event.until, cut=False)
            else:
                self._decode(turn, min(event.until, self.clean.written), final=False)

    def idle(self) -> None:
        turn = self.open
        if turn is None or self.cascade:  # the cascade transcribes only on request
            return
        if turn.paused_at is not None:
            if turn.decoded_until >= turn.paused_at:
                turn.pause_decoded = turn.paused_at  # the last decode already heard it all
            if turn.pause_decoded != turn.paused_at:
                self._decode_to_pause(turn)
            return
        available = self.clean.written
        now = time.monotonic()
        wait = max(self.config.min_interval_s, self.config.cadence * turn.last_decode_s)
        fresh_audio = available - max(turn.decoded_until, turn.audio_start)
        enough = available - turn.audio_start >= self.config.min_audio_s * RATE
        if (
            enough
            and fresh_audio >= self.config.step_s * RATE
            and now - turn.last_decode_at >= wait
        ):
            self._decode(turn, available, final=False)

    def _decode_to_pause(self, turn: OpenTurn) -> None:
        assert turn.paused_at is not None
        pause = turn.paused_at
        end = pause + int(self.config.end_pad_s * RATE)
        self.clean.wait_for(end, timeout=self.config.end_pad_s + 0.1)
        self._decode(turn, min(end, self.clean.written), final=True, covers=pause)
        turn.pause_decoded = pause

    def _decode(
        self, turn: OpenTurn, end: int, final: bool, covers: int | None = None, cut: bool = True
    ) -> None:
        audio = self.clean.read(turn.audio_start, end)
        started = time.monotonic()
        result = self.stt.transcribe(audio, cut=cut, words=False, fallback=final)
        turn.last_decode_s = time.monotonic() - started
        turn.last_decode_at = time.monotonic()
        if final or not result.fallback_reason:
            turn.decoded_until = end  # an interim cut where it went wrong does not cover its end
        voiced_s = audio.size / RATE
        text = result.text
        if is_hallucination(text, result.no_speech_prob, result.avg_logprob, voiced_s, self.guard):
            text = ""
        update = self.agreement.finalize if final else self.agreement.update
        agreement = update(text)
        if self.open is not turn:  # the turn closed while we decoded: nobody wants this
            return
        self.bus.publish(
            Transcript(
                self.bus.now(),
                turn.turn,
                agreement.stable_text,
                agreement.unstable_text,
                covers if covers is not None else turn.decoded_until,
                result.decode_ms,
                final,
                result.window,
                result.fallback_reason,
            )
        )
