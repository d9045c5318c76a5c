"""Transcriber stage: streaming Whisper over the open turn, with LocalAgreement-2.

While the caller speaks, the whole turn so far is re-decoded on the cut window whenever enough
new audio has arrived and the previous decode has had room to breathe (the cadence adapts to
decode time, so the stage keeps up on two cores). Each hypothesis is run through LocalAgreement
and published as a stable prefix plus an unstable tail. When the caller pauses, the turn is
decoded up to the pause at once: that hypothesis is the one the commit decision reads. A pause's
decode never loses what earlier passes heard: when it comes back empty or shorter than the
agreed words, the turn is decoded again on the padded window, and if that is no better the
earlier hypothesis stands (a turn is dropped only when no pass found words; an interim that
hears nothing after earlier ones heard words went wrong, and is not kept). A long turn's later
windows are prompted with its own committed words; with `prompt_with_reply` a turn that opens
after the agent finished a reply (not one that began over it: its audio holds the reply's echo)
is prompted with the agent's last words ("Which order number is it?"). The cascade builds a
`WholeTurnTranscriber` instead, which decodes only when the session asks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from voicecli.audio.ring import SampleRing
from voicecli.audioformat import CAPTURE_RATE
from voicecli.bus import EventBus
from voicecli.config import TranscriberConfig
from voicecli.engines.protocols import SpeechToText
from voicecli.engines.stt import Transcript as SttTranscript
from voicecli.engines.stt import Word
from voicecli.events import (
    AssistantTurn,
    Event,
    PauseDraft,
    TranscribeRequest,
    Transcript,
    TurnCommitted,
    TurnDiscarded,
    TurnOpened,
    TurnPaused,
    TurnReopened,
    TurnResumed,
)
from voicecli.pipeline.stage import Stage
from voicecli.policy.agreement import LocalAgreement, lost_words
from voicecli.policy.hallucination import HallucinationRules, is_hallucination
from voicecli.policy.longturn import TimedWord, quietest, window_cut
from voicecli.policy.pausedecode import greedy_stands, plain_and_sure
from voicecli.policy.replyprompt import ReplyPrompt

HARD_WINDOW_S = 28.0  # the longest window decoded (Whisper hears at most 30 s)


@dataclass
class OpenTurn:
    """The turn being transcribed. A long turn's earlier stretches are committed for good
    (`committed`) and its decode window starts after them (`window_start`)."""

    turn: int
    audio_start: int
    window_start: int = -1
    committed: list[str] = field(default_factory=list)
    paused_at: int | None = None
    decoded_until: int = 0
    pause_decoded: int | None = None
    last_decode_at: float = 0.0
    last_decode_s: float = 0.0
    interim_logprob: float = 0.0  # how sure Whisper was of the last interim (avg log-prob)
    reply_prompt: str = ""  # the reply the caller had heard out when the turn opened

    def __post_init__(self) -> None:
        if self.window_start < 0:
            self.window_start = self.audio_start

    def text(self, words: tuple[str, ...]) -> str:
        """The committed stretches followed by `words` (the current window's)."""
        return " ".join([*self.committed, *words])


class Transcriber(Stage):
    """Decodes the open turn from the clean ring."""

    tick_s = 0.02  # it polls the ring for new audio to decode

    def __init__(
        self,
        bus: EventBus,
        clean: SampleRing,
        stt: SpeechToText,
        config: TranscriberConfig,
        guard: HallucinationRules,
    ) -> None:
        types = (
            TurnOpened,
            TurnPaused,
            TurnResumed,
            TurnCommitted,
            TurnDiscarded,
            TurnReopened,
            TranscribeRequest,
            AssistantTurn,
        )
        super().__init__(bus, "transcriber", types)
        self.clean = clean
        self.stt = stt
        self._beam = stt.config.final_beam_size  # the decodes a turn is committed on
        self.config = config
        self.guard = guard
        self.open: OpenTurn | None = None
        self.closed: OpenTurn | None = None
        self.agreement = LocalAgreement()
        self.reply_prompt = ReplyPrompt(config.prompt_words if config.prompt_with_reply else 0)

    def handle(self, event: Event) -> None:
        if isinstance(event, TurnCommitted):  # a reply is coming (made now or held till now)
            self.reply_prompt.reply_started()
        if isinstance(event, AssistantTurn):
            self.reply_prompt.reply_ended(event.text, event.interrupted)
            return
        if isinstance(event, TurnOpened):
            prompt = self.reply_prompt.for_new_turn()
            self.open = OpenTurn(event.turn, event.audio_start, reply_prompt=prompt)
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

    def tick(self) -> float | None:
        """It polls the ring only while a turn is open (between turns it sleeps: idle
        listening)."""
        return self.tick_s if self.open is not None else None

    def idle(self) -> None:
        turn = self.open
        if turn is None:
            return
        if turn.paused_at is not None:
            if turn.pause_decoded == turn.paused_at:
                return
            near = round(self.config.interim_near_s * CAPTURE_RATE)
            if turn.decoded_until >= turn.paused_at - near and self._interim_will_do(turn):
                self._interim_stands(turn)  # the last decode already heard it all
            else:
                self._decode_to_pause(turn)
            return
        available = self.clean.written
        now = time.monotonic()
        wait = max(self.config.min_interval_s, self.config.cadence * turn.last_decode_s)
        fresh_audio = available - max(turn.decoded_until, turn.window_start)
        enough = available - turn.window_start >= self.config.min_audio_s * CAPTURE_RATE
        if (
            enough
            and fresh_audio >= self.config.step_s * CAPTURE_RATE
            and now - turn.last_decode_at >= wait
        ):
            self._decode(turn, available, final=False)

    def _interim_will_do(self, turn: OpenTurn) -> bool:
        """An interim decode that covers the pause stands for the pause's decode only if it
        heard words (the agreement's last hypothesis) and was decoded as the pause's would be
        (same beam, or a greedy reading that may stand: policy/pausedecode.py): an empty one
        would drop the turn without the retries a pause's decode gets (a human reading digits)."""
        heard = self.agreement.previous
        if not heard:
            return False
        if self._beam <= self.stt.config.beam_size:
            return True
        c = self.config
        sure = greedy_stands(" ".join(heard), turn.interim_logprob, c.quick_min_logprob)
        return c.quick_pause_decode and sure

    def _interim_stands(self, turn: OpenTurn) -> None:
        """The last interim heard the whole pause and may stand for its decode: it is published
        again as the pause's transcript (final), with no second pass over the same audio."""
        assert turn.paused_at is not None
        agreement = self.agreement.finalize(" ".join(self.agreement.previous or []))
        turn.pause_decoded = turn.paused_at
        text = turn.text(agreement.stable)
        now, logprob = self.bus.now(), turn.interim_logprob
        heard = Transcript(now, turn.turn, text, "", turn.paused_at, 0.0, True, logprob=logprob)
        self.bus.publish(heard)

    def _careful(self, turn: OpenTurn) -> bool:
        """Whether the pause's decode goes straight to the beam: unless quick decodes are on,
        the turn so far holds no number or order and Whisper was sure of its last interim
        (policy/pausedecode.py); then the pause is read greedily first."""
        c = self.config
        heard = list(self.agreement.previous or [])
        sure = plain_and_sure(heard, turn.interim_logprob, c.quick_min_logprob)
        return not (c.quick_pause_decode and sure)

    def _decode_to_pause(self, turn: OpenTurn) -> None:
        assert turn.paused_at is not None
        pause = turn.paused_at
        end = pause + int(self.config.end_pad_s * CAPTURE_RATE)
        self.clean.wait_for(end, timeout=self.config.end_pad_s + 0.1)
        careful = self._careful(turn)
        self._decode(turn, min(end, self.clean.written), final=True, covers=pause, careful=careful)
        turn.pause_decoded = pause

    def _pause_wanted(self, turn: OpenTurn) -> Callable[[], bool]:
        """Is the pause being decoded still the turn's last? Not once the caller went on (their
        TurnResumed waits in the inbox): its retries are not worth the end's wait."""
        inbox = self.inbox
        assert inbox is not None  # the transcriber subscribes to the turn's events
        return lambda: (
            not inbox.waiting(lambda e: isinstance(e, TurnResumed) and e.turn == turn.turn)
        )

    def _decode(
        self,
        turn: OpenTurn,
        end: int,
        final: bool,
        covers: int | None = None,
        cut: bool = True,
        careful: bool = True,
    ) -> None:
        """Decode the turn up to `end` (`final`: the decode a commit may read, with the beam;
        a pause's decode that is not `careful` reads greedily first and keeps that reading if
        it may stand, policy/pausedecode.py) and publish the hypothesis."""
        self._fit_window(turn, end, cut)
        if self.open is not turn or self.stopping:  # closed while the window was fitted
            return
        audio = self.clean.read(turn.window_start, end)
        window_s = audio.size / CAPTURE_RATE
        long = window_s > self.config.max_window_s  # a pause's decode too: the turn goes on
        draft = None
        if covers is not None and final and cut and not careful:
            draft = self._settler(turn, covers, window_s)  # a quick pause: greedy may stand
        elif covers is not None and final and cut and self.config.pause_draft:
            draft = self._drafter(turn, covers, window_s)  # a pause's decode, beam after greedy
        started = time.monotonic()
        result = self.stt.transcribe(
            audio,
            prompt=self._prompt(turn),
            cut=cut,
            words=long,
            fallback=final,
            beam_size=self._beam if final else None,
            wanted=self._pause_wanted(turn) if final and covers is not None else None,
            draft=draft,
        )
        turn.last_decode_s = time.monotonic() - started
        if not final:
            turn.interim_logprob = result.avg_logprob
        turn.last_decode_at = time.monotonic()
        final = final and not result.retry_skipped  # the caller went on: an interim, then
        text = self._heard(result, window_s)
        if not final and not text and self.agreement.previous:
            return  # heard nothing where earlier passes heard words: it went wrong (a loop)
        if final or not result.fallback_reason:
            turn.decoded_until = end  # an interim cut where it went wrong does not cover its end
        if final and not long and not turn.committed:  # a long turn's windows: policy/longturn
            padded = result.window == "padded"
            text = self._not_weaker(turn, audio, text, padded, self._pause_wanted(turn))
        update = self.agreement.finalize if final else self.agreement.update
        agreement = update(text)
        if long and (final or not result.fallback_reason):
            self._cut_window(turn, audio, result.words, agreement.stable, forced=False)
        if self.open is not turn:  # the turn closed while we decoded: nobody wants this
            return
        self.bus.publish(
            Transcript(
                self.bus.now(),
                turn.turn,
                turn.text(tuple(self.agreement.stable)),
                agreement.unstable_text,
                covers if covers is not None else turn.decoded_until,
                result.decode_ms,
                final,
                result.window,
                result.fallback_reason,
                result.avg_logprob,
            )
        )

    def _drafter(
        self, turn: OpenTurn, covers: int, seconds: float
    ) -> Callable[[SttTranscript], bool]:
        """Publishes the greedy reading of a pause (PauseDraft) while its beam decode runs, so
        a reply can be made from it; words the guard takes for Whisper inventing are not. The
        beam always runs after it (False)."""

        def publish(reading: SttTranscript) -> bool:
            heard = self._heard(reading, seconds)
            if heard and self.open is turn:
                text = turn.text(tuple(heard.split()))
                self.bus.publish(
                    PauseDraft(self.bus.now(), turn.turn, text, covers, reading.decode_ms)
                )
            return False

        return publish

    def _settler(
        self, turn: OpenTurn, covers: int, seconds: float
    ) -> Callable[[SttTranscript], bool]:
        """A quick pause's greedy reading stands (True: no beam) if it is plain and Whisper was
        sure of it (policy/pausedecode.py); otherwise it is a draft where drafts are on, and
        the beam reads the pause."""
        draft = self._drafter(turn, covers, seconds) if self.config.pause_draft else None
        floor = self.config.quick_min_logprob

        def settle(reading: SttTranscript) -> bool:
            if greedy_stands(self._heard(reading, seconds), reading.avg_logprob, floor):
                return True
            return draft(reading) if draft is not None else False

        return settle

    def _heard(self, result: SttTranscript, seconds: float) -> str:
        """The decode's text, or "" when the guard takes it for Whisper inventing words."""
        invented = is_hallucination(
            result.text, result.no_speech_prob, result.avg_logprob, seconds, self.guard
        )
        return "" if invented else result.text

    def _not_weaker(
        self, turn: OpenTurn, audio: np.ndarray, text: str, padded: bool, wanted: Callable[[], bool]
    ) -> str:
        """A pause's hypothesis that lost words earlier passes had is redone on the padded
        window (unless it came from there, or the caller has gone on: not `wanted`); if that
        is no better, the earlier passes' words stand."""
        stable = list(self.agreement.stable)
        earlier = self.agreement.previous
        if not lost_words(text.split(), stable, earlier):
            return text
        if padded or not wanted():
            return " ".join(earlier) if earlier else text
        wide = self.stt.transcribe(
            audio, prompt=self._prompt(turn), cut=False, words=False, beam_size=self._beam
        )
        heard = self._heard(wide, audio.size / CAPTURE_RATE)
        if not lost_words(heard.split(), stable, earlier) or not earlier:
            return heard
        return " ".join(earlier)

    def _prompt(self, turn: OpenTurn) -> str:
        """The words just before the window: a long turn's last committed ones, so Whisper
        goes on mid-sentence instead of starting a new one; else what ReplyPrompt gave it."""
        n = self.config.prompt_words
        if not n:
            return ""
        if turn.committed:
            return " ".join(turn.committed[-n:])
        return turn.reply_prompt

    def _fit_window(self, turn: OpenTurn, end: int, cut: bool) -> None:
        """Before a decode: a window that would not fit Whisper's 30 s (the cascade's one
        decode of a long turn, or a decode that fell behind) commits its earlier stretches
        first, hypothesis by hypothesis."""
        hard = int(HARD_WINDOW_S * CAPTURE_RATE)
        while end - turn.window_start > hard and self.open is turn and not self.stopping:
            before = turn.window_start
            audio = self.clean.read(turn.window_start, turn.window_start + hard)
            result = self.stt.transcribe(
                audio, prompt=self._prompt(turn), cut=cut, words=True, beam_size=self._beam
            )
            words = tuple(result.text.split())
            self._cut_window(turn, audio, result.words, words, forced=True)
            if turn.window_start - before < CAPTURE_RATE:  # word times that make no progress
                turn.window_start = end - hard

    def _cut_window(
        self,
        turn: OpenTurn,
        audio: np.ndarray,
        words: list[Word],
        stable: tuple[str, ...],
        forced: bool,
    ) -> bool:
        """Commit the window's settled early words for good and start it after them."""
        timed = [TimedWord(w.text, w.start, w.end) for w in words]
        c = self.config
        # while the caller speaks, a window nothing settles in is cut at twice its usual
        # length: a decode's cost grows faster than its audio (2.8 s for 20 s here)
        hard = 0.0 if forced else min(HARD_WINDOW_S, 2 * c.max_window_s)
        cut = window_cut(
            timed, stable, audio.size / CAPTURE_RATE, c.max_window_s, c.keep_window_s, hard
        )
        if cut is None:
            return False
        at_s = quietest(audio, CAPTURE_RATE, cut.quiet_from_s, cut.quiet_to_s)
        settled = list(stable[: cut.words]) if len(stable) >= cut.words else None
        turn.committed += settled or [w.text for w in timed[: cut.words]]
        turn.window_start += max(1, int(at_s * CAPTURE_RATE))
        rest = [w.text for w in timed[cut.words :]]
        self.agreement = LocalAgreement(list(stable[cut.words :]) if settled else [], rest)
        return True


class WholeTurnTranscriber(Transcriber):
    """The cascade's transcriber: no interim passes; the whole turn is decoded once, when the
    session asks for it (a TranscribeRequest marked final, after the fixed silence)."""

    def idle(self) -> None:
        return None
