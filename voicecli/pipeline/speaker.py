"""Speaker stage: Piper synthesis of each reply piece into the playout ring.

Each piece becomes one span of the playout ring, tagged with its generation, index and text, so
the output side knows exactly which words it is playing. Pieces of a cancelled generation are
dropped, and the ring itself refuses writes from a generation older than its last flush.
Fixed phrases the agent says when it must answer fast (the slow-tool acknowledgement) are
synthesized once at start-up, so they cost no synthesis time when they are needed.
"""

from __future__ import annotations

import numpy as np

from voicecli.audio.playout import PlayoutRing
from voicecli.audio.wavfile import resample
from voicecli.bus import EventBus
from voicecli.engines.tts import PiperEngine
from voicecli.events import Event, ReplyDone, ReplyPiece, TtsChunk
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.stage import Stage


class Speaker(Stage):
    """Turns reply pieces into audio on the playout ring."""

    def __init__(
        self,
        bus: EventBus,
        tts: PiperEngine,
        playout: PlayoutRing,
        generation: Generation,
        prepared: tuple[str, ...] = (),
    ) -> None:
        super().__init__(bus, "speaker", (ReplyPiece, ReplyDone))
        self.tts = tts
        self.playout = playout
        self.generation = generation
        self.to_prepare = prepared
        self.prepared: dict[str, np.ndarray] = {}

    def setup(self) -> None:
        for spoken in self.to_prepare:
            self.prepared[spoken] = self.synthesize(spoken)[0]

    def synthesize(self, spoken: str, gen: int | None = None) -> tuple[np.ndarray, float] | None:
        """The audio of `spoken` at the playout rate and its synthesis time; None if the
        generation `gen` was cancelled meanwhile."""
        if spoken in self.prepared:
            return self.prepared[spoken], 0.0
        chunks = []
        synth_ms = 0.0
        for chunk in self.tts.synthesize(spoken):
            chunks.append(chunk.audio)
            synth_ms += chunk.synth_ms
            if gen is not None and not self.generation.is_current(gen):
                return None
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return resample(audio, self.tts.sample_rate, self.playout.rate), synth_ms

    def handle(self, event: Event) -> None:
        if isinstance(event, ReplyPiece):
            self.speak(event)
        elif isinstance(event, ReplyDone) and self.generation.is_current(event.gen):
            self.playout.end_reply()

    def speak(self, piece: ReplyPiece) -> None:
        if not self.generation.is_current(piece.gen):
            return
        spoken = self.synthesize(piece.spoken, piece.gen)
        if spoken is None:
            return
        audio, synth_ms = spoken
        # every piece is reported, even a silent one, so the session can count them all in
        self.bus.publish(TtsChunk(self.bus.now(), piece.gen, piece.piece, audio.size, synth_ms))
        if audio.size:
            self.playout.write(audio, piece.gen, piece.piece, piece.text)
