"""Listener stage: capture ring → (echo cancellation) → clean ring → VAD → speech events.

It walks the capture timeline frame by frame. Each 512-sample frame is copied to the clean ring
(the audio the transcriber reads), scored by Silero VAD and fed to the segmenter; speech starts
and ends are published with their sample positions, pre-roll included.
"""

from __future__ import annotations

import numpy as np

from voicecli.audio.levels import dbfs
from voicecli.audio.ring import SampleRing
from voicecli.bus import EventBus
from voicecli.engines.vad import FRAME_SAMPLES, SileroVad
from voicecli.events import SpeechEnded, SpeechStarted, VadFrame
from voicecli.pipeline.stage import Stage
from voicecli.policy.segmenter import Segmenter, SegmenterRules, SpeechEnd, SpeechStart


class Listener(Stage):
    """Runs VAD over every frame the microphone delivers."""

    def __init__(
        self,
        bus: EventBus,
        capture: SampleRing,
        clean: SampleRing,
        vad: SileroVad,
        rules: SegmenterRules,
    ) -> None:
        super().__init__(bus, "listener", None)
        self.capture = capture
        self.clean = clean
        self.vad = vad
        self.segmenter = Segmenter(rules)
        self.cursor = 0

    def loop(self) -> None:
        self.vad.reset()
        while not self.stopping:
            end = self.cursor + FRAME_SAMPLES
            if not self.capture.wait_for(end, timeout=0.1):
                if self.capture.closed:
                    return
                continue
            frame = self.capture.read(self.cursor, end)
            self.process(frame, end)
            self.cursor = end

    def process(self, frame: np.ndarray, end: int) -> None:
        self.clean.write(frame)
        probability = self.vad(frame)
        now = self.bus.now()
        self.bus.publish(VadFrame(now, end, probability, dbfs(frame)))
        index = end // FRAME_SAMPLES - 1
        event = self.segmenter.push(index, probability)
        if isinstance(event, SpeechStart):
            self.bus.publish(
                SpeechStarted(now, event.onset * FRAME_SAMPLES, event.audio_start * FRAME_SAMPLES)
            )
        elif isinstance(event, SpeechEnd):
            self.bus.publish(SpeechEnded(now, event.end * FRAME_SAMPLES))
