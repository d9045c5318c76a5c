"""Speaker stage: Piper synthesis of each reply piece into the playout ring.

Each piece becomes one span of the playout ring, tagged with its generation, index and text and
when each word of that text is spoken (Piper's timings), so the output side knows exactly which
words it is playing. Pieces of a cancelled generation never reach it (the stage drops them),
a piece being synthesized when its reply is cancelled is thrown away, and the ring itself
refuses writes from a generation older than its last flush. A reply made before its turn was
committed (a held ReplyRequest) is voiced as usual but its audio waits here, unplayed, until
its ReleaseReply; a newer reply drops it. A release waiting behind pieces still to be voiced
goes first: a reply known whole arrives as all its pieces at once, and its first piece would
otherwise wait unplayed while the rest were voiced.
Fixed phrases the agent says when it must answer fast (the slow-tool acknowledgement) are
synthesized once at start-up, so they cost no synthesis time when they are needed. A reply's
first piece starts at its first sound, not at the near-silence Piper puts before it
(audio/leadin.py). `voiced` counts the pieces it has finished with: a reply's writer that handed
it more than that leaves Piper a core meanwhile (policy/threadchoice.py `writes_wide`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np

from voicecli.audio.leadin import lead_in
from voicecli.audio.playout import PlayoutRing
from voicecli.audio.wavfile import resample
from voicecli.bus import EventBus
from voicecli.engines.protocols import TextToSpeech
from voicecli.events import Event, ReleaseReply, ReplyDone, ReplyPiece, ReplyRequest, TtsChunk
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage
from voicecli.policy.wordtiming import WordTime, carry_word_times


@dataclass(frozen=True)
class HeldPiece:
    """A voiced piece of a held reply, ready for the playout ring."""

    audio: np.ndarray
    piece: int
    text: str
    word_times: tuple[WordTime, ...]


@dataclass(frozen=True)
class Voiced:
    """A piece's audio at the playout rate, when its spoken words are spoken in it, and the time
    synthesis took."""

    audio: np.ndarray
    word_times: tuple[WordTime, ...]
    synth_ms: float


class Speaker(Stage):
    """Turns reply pieces into audio on the playout ring."""

    def __init__(
        self,
        bus: EventBus,
        tts: TextToSpeech,
        playout: PlayoutRing,
        generation: Generation,
        prepared: tuple[str, ...] = (),
        trim_first_lead_in: bool = False,
    ) -> None:
        """`trim_first_lead_in`: a reply's first piece is played from its first sound."""
        types = (ReplyRequest, ReplyPiece, ReplyDone, ReleaseReply)
        super().__init__(bus, "speaker", types, generation)
        self.tts = tts
        self.playout = playout
        self.held_gen: int | None = None  # the reply whose audio waits for its release
        self.held: list[HeldPiece] = []
        self.held_done = False
        self.to_prepare = prepared
        self.prepared: dict[str, Voiced] = {}
        self.trim_first_lead_in = trim_first_lead_in
        self.pieces_voiced = 0  # read by the reply's writer, on its thread (`voiced`)

    def voiced(self) -> int:
        """How many reply pieces the speaker has finished with (voiced, or dropped unvoiced
        because their reply was cancelled meanwhile) since it started."""
        return self.pieces_voiced

    def setup(self) -> None:
        for spoken in self.to_prepare:
            voiced = self.synthesize(spoken)
            if voiced is not None:
                self.prepared[spoken] = replace(voiced, synth_ms=0.0)

    def synthesize(self, spoken: str, cancel: threading.Event | None = None) -> Voiced | None:
        """`spoken` voiced at the playout rate; None if `cancel` was set meanwhile."""
        if spoken in self.prepared:
            return self.prepared[spoken]
        chunks = []
        times: list[WordTime] = []
        timed = True
        offset = 0
        synth_ms = 0.0
        for chunk in self.tts.synthesize(spoken):
            chunks.append(chunk.audio)
            timed = timed and bool(chunk.word_times)
            times.extend((offset + start, offset + end) for start, end in chunk.word_times)
            offset += chunk.audio.size
            synth_ms += chunk.synth_ms
            if cancel is not None and cancel.is_set():
                return None
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        played = resample(audio, self.tts.sample_rate, self.playout.rate)
        scale = played.size / max(1, audio.size)
        word_times = tuple(
            (min(played.size, round(start * scale)), min(played.size, round(end * scale)))
            for start, end in times
        )
        return Voiced(played, word_times if timed else (), synth_ms)

    def handle(self, event: Event) -> None:
        if isinstance(event, ReplyRequest):  # a new reply: an older held one is gone
            self.held_gen = event.gen if event.held else None
            self.held, self.held_done = [], False
        elif isinstance(event, ReplyPiece):
            self.speak(event)
        elif isinstance(event, ReplyDone) and event.gen == self.held_gen:
            self.held_done = True
        elif isinstance(event, ReplyDone):
            self.playout.end_reply()
        elif isinstance(event, ReleaseReply) and event.gen == self.held_gen:
            self.release()

    def release(self) -> None:
        """The held reply answers the committed turn: its audio goes to the ring, in order."""
        assert self.held_gen is not None
        for held in self.held:
            self.playout.write(held.audio, self.held_gen, held.piece, held.text, held.word_times)
        if self.held_done:
            self.playout.end_reply()
        self.held_gen, self.held, self.held_done = None, [], False

    def released_early(self, gen: int) -> None:
        """Before voicing a held piece: if its reply's release is already waiting, release
        what is voiced now, so it plays while the rest is voiced (the later pieces then go
        straight to the ring, and the waiting release finds nothing held)."""
        inbox = self.inbox
        assert inbox is not None
        if gen == self.held_gen and inbox.waiting(
            lambda e: isinstance(e, ReleaseReply) and e.gen == gen
        ):
            self.release()

    def speak(self, piece: ReplyPiece) -> None:
        self.released_early(piece.gen)
        try:
            voiced = self.synthesize(piece.spoken, self.cancelled(piece.gen))
        finally:
            self.pieces_voiced += 1
        if voiced is None:
            return
        audio = voiced.audio
        word_times = voiced.word_times
        if piece.piece == 0 and self.trim_first_lead_in:
            cut = lead_in(audio, self.playout.rate)
            audio = audio[cut:]
            word_times = tuple((max(0, s - cut), max(0, e - cut)) for s, e in word_times)
        # every piece is reported, even a silent one, so the session can count them all in
        self.bus.publish(
            TtsChunk(self.bus.now(), piece.gen, piece.piece, audio.size, voiced.synth_ms)
        )
        if audio.size:
            times = tuple(carry_word_times(piece.text, piece.spoken, word_times))
            if piece.gen == self.held_gen:
                self.held.append(HeldPiece(audio, piece.piece, piece.text, times))
            else:
                self.playout.write(audio, piece.gen, piece.piece, piece.text, times)
