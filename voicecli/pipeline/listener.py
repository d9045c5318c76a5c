"""Listener stage: capture ring → echo cancellation → clean ring → VAD → speech events.

It walks the capture timeline in echo-canceller frames (`aec.frame_ms`, 10 ms). Each mic frame
is cleaned of the speaker's echo with the far-end reference — the samples the speaker played, on
the same timeline, read ahead or behind where the echo's measured lag says the devices'
timestamps were wrong (audio/echodelay.py) — and written to the clean ring (the audio the
transcriber reads). Every 512 clean samples Silero VAD scores a frame and the segmenter turns
the scores into speech start and end events, pre-roll included; a frame far below the caller's
own voice is not speech (policy/callerlevel.py: people talking behind the caller). Echo
estimates (ERL, ERLE) are published every half second.
A loud frame after quiet is published at once as a sound onset (a fast barge-in) unless the
canceller took nearly as much out of it as out of the echo: then it is the residual of a loud
word of the agent's own (policy/soundonset.py).
"""

from __future__ import annotations

import numpy as np

from voicecli.audio.echodelay import EchoDelay, EchoDelayRules
from voicecli.audio.echometer import EchoMeter
from voicecli.audio.levels import FLOOR_DB, dbfs
from voicecli.audio.ring import SampleRing
from voicecli.audio.wavfile import to_float32, to_int16
from voicecli.audioformat import CAPTURE_RATE, FRAME_SAMPLES
from voicecli.bus import EventBus
from voicecli.engines.aec import SpeexAec
from voicecli.engines.protocols import VoiceActivity
from voicecli.events import (
    DeviceBreak,
    EchoStats,
    SoundOnset,
    SpeechEnded,
    SpeechStarted,
    VadFrame,
)
from voicecli.pipeline.stage import Stage
from voicecli.policy.callerlevel import CallerLevel, CallerLevelRules
from voicecli.policy.interruption import InterruptRules
from voicecli.policy.segmenter import Segmenter, SegmenterRules, SpeechEnd, SpeechStart
from voicecli.policy.soundonset import SoundOnsetDetector


class Listener(Stage):
    """Cleans and scores every frame the microphone delivers."""

    def __init__(
        self,
        bus: EventBus,
        capture: SampleRing,
        far: SampleRing,
        clean: SampleRing,
        vad: VoiceActivity,
        rules: SegmenterRules,
        aec: SpeexAec | None,
        interrupt: InterruptRules,
        *,
        step: int,
        caller_level: CallerLevelRules | None = None,
    ) -> None:
        super().__init__(bus, "listener", None)
        self.capture = capture
        self.far = far
        self.clean = clean
        self.vad = vad
        self.aec = aec
        self.step = step  # the canceller's frame (`aec.frame_ms`), with or without it
        self.segmenter = Segmenter(rules)
        self.caller = CallerLevel(caller_level or CallerLevelRules(), self.segmenter.voicing.onset)
        self.meter = EchoMeter(CAPTURE_RATE // 2, interrupt.no_echo_erl_db)
        self.echo_delay = EchoDelay(capture, far, EchoDelayRules())
        self.cursor = 0
        self.pending = np.zeros(0, dtype=np.float32)
        self.probability = 0.0
        self.onsets = SoundOnsetDetector(interrupt, step / CAPTURE_RATE)
        self.break_guard = round(interrupt.break_guard_s * CAPTURE_RATE)
        self.previous_mic_db = FLOOR_DB  # the level of the mic frame before this one
        self.break_told = -1  # the last device break published

    def loop(self) -> None:
        self.vad.reset()
        while not self.stopping:
            end = self.cursor + self.step
            if not self.capture.wait_for(end, timeout=0.1):
                if self.capture.closed:
                    return
                continue
            mic = self.capture.read(self.cursor, end)
            self.tell_break()
            self.clean_frame(mic, end)
            self.cursor = end

    def far_frame(self, start: int, end: int) -> np.ndarray:
        far = np.zeros(end - start, dtype=np.float32)
        part = self.far.read(start, end)
        far[: part.size] = part
        return far

    def clean_frame(self, mic: np.ndarray, end: int) -> None:
        if self.aec is None:
            clean = mic
        else:
            self.echo_delay.update(end)
            ahead = self.echo_delay.advance
            far = self.far_frame(end - self.step + ahead, end + ahead)
            clean = to_float32(self.aec.process(to_int16(mic), to_int16(far)))
            self.meter.add(mic, far, clean, self.probability)
            reading = self.meter.report()
            if reading is not None and reading.erl_db is not None:
                self.bus.publish(
                    EchoStats(
                        self.bus.now(),
                        reading.erl_db,
                        reading.erle_db,
                        reading.echo_sum,
                        reading.residual_sum,
                    )
                )
        self.detect_onset(clean, mic, end)
        self.clean.write(clean)
        self.pending = np.concatenate([self.pending, clean])
        done = end - self.pending.size
        while self.pending.size >= FRAME_SAMPLES:
            frame, self.pending = self.pending[:FRAME_SAMPLES], self.pending[FRAME_SAMPLES:]
            done += FRAME_SAMPLES
            self.score(frame, done)

    def detect_onset(self, frame: np.ndarray, mic: np.ndarray, end: int) -> None:
        """A sudden loud sound (policy/soundonset.py) is published at once, before VAD has a
        full frame, for a fast barge-in. Measured after residual echo suppression (one frame
        later than the canceller's own output, whose left-over echo is loud enough to look
        like a caller)."""
        level, this_mic_db = dbfs(frame), dbfs(mic)
        # the output lags the mic by up to a frame: the louder of the two is what went in
        mic_db = max(this_mic_db, self.previous_mic_db)
        self.previous_mic_db = this_mic_db
        if self.onsets.frame(level, mic_db, self.after_break(end)):
            made_by = self.capture.made_by(end - 1)
            self.bus.publish(SoundOnset(self.bus.now(), end - self.step, level, made_by))

    def tell_break(self) -> None:
        """Publish a device break the callbacks marked since the last frame (DeviceBreak)."""
        broken_at = self.capture.broken_at
        if broken_at >= 0 and broken_at != self.break_told:
            self.break_told = broken_at
            self.bus.publish(DeviceBreak(self.bus.now(), broken_at))

    def after_break(self, end: int) -> bool:
        """Does the audio up to `end` follow a device xrun by less than the guard?"""
        broken_at = self.capture.broken_at
        return broken_at >= 0 and 0 <= end - broken_at <= self.break_guard

    def score(self, frame: np.ndarray, end: int) -> None:
        level = dbfs(frame)
        probability = self.caller.gate(self.vad(frame), level)
        self.probability = probability
        now = self.bus.now()
        voiced = self.segmenter.voiced(probability)
        self.bus.publish(VadFrame(now, end, probability, level, voiced, self.after_break(end)))
        index = end // FRAME_SAMPLES - 1
        event = self.segmenter.push(index, probability)
        if isinstance(event, SpeechStart):
            onset = event.onset * FRAME_SAMPLES
            made_by = self.capture.made_by(onset + FRAME_SAMPLES - 1)  # its first voiced frame
            self.bus.publish(SpeechStarted(now, onset, event.audio_start * FRAME_SAMPLES, made_by))
        elif isinstance(event, SpeechEnd):
            self.bus.publish(SpeechEnded(now, event.end * FRAME_SAMPLES))
