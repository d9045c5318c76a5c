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
While nothing has played for a while (`quiet_after`), a frame at the room's floor is not
scored (`[vad] floor_margin_db`, `at_floor`), and the listener wakes once per VAD frame
instead of once per canceller frame (`[audio] wake_per_vad_frame`): each wake-up from sleep
costs this machine several times the frame's own work, the VAD's frames come out at the same
moment, and only a sound onset — which times a barge-in, and nothing is playing — comes up to
two canceller frames later.
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

QUIET_AFTER_S = 0.5  # far-end silence after which nothing is playing (longer than the echo's tail)


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
        wake_per_vad_frame: bool = False,
        floor_margin_db: float = 0.0,
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
        self.wake_per_vad_frame = wake_per_vad_frame
        self.floor_margin_db = floor_margin_db  # 0: every frame is scored
        self.quiet_after = QUIET_AFTER_S * CAPTURE_RATE  # samples of silent far end: quiet
        self.far_sounded = -self.quiet_after  # the end of the last frame with far-end sound

    def loop(self) -> None:
        self.vad.reset()
        while not self.stopping:
            wake = self.next_wake()
            if not self.capture.wait_for(wake, timeout=0.1):
                if self.capture.closed:
                    return
                continue
            while self.cursor < wake:
                end = self.cursor + self.step
                mic = self.capture.read(self.cursor, end)
                self.tell_break()
                self.clean_frame(mic, end)
                self.cursor = end

    @property
    def quiet(self) -> bool:
        """Nothing has played for `quiet_after`: no echo, no barge-in to time."""
        return self.cursor - self.far_sounded >= self.quiet_after

    def next_wake(self) -> int:
        """The capture sample to wait for: the next canceller frame, or — while quiet — the
        canceller frame that completes the next VAD frame."""
        if not self.wake_per_vad_frame or not self.quiet:
            return self.cursor + self.step
        frames = -(-(FRAME_SAMPLES - self.pending.size) // self.step)  # ceil
        return self.cursor + max(1, frames) * self.step

    def far_frame(self, start: int, end: int) -> np.ndarray:
        far = np.zeros(end - start, dtype=np.float32)
        part = self.far.read(start, end)
        far[: part.size] = part
        if part.any():
            self.far_sounded = end
        return far

    def clean_frame(self, mic: np.ndarray, end: int) -> None:
        if self.aec is None:
            clean = mic
            if self.wake_per_vad_frame or self.floor_margin_db > 0.0:
                self.far_frame(end - self.step, end)  # only to know whether anything plays
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

    def at_floor(self, level_db: float) -> bool:
        """A frame no louder than the quiet room's own floor (within `floor_margin_db`), outside
        speech and before any onset, is not scored: the VAD would call it silence, and each
        score costs (idle listening). Never while something plays (echo is the VAD's to
        judge)."""
        segmenter = self.segmenter
        return (
            self.floor_margin_db > 0.0
            and self.quiet
            and not segmenter.in_speech
            and segmenter.run == 0
            and self.caller.at_floor(level_db, self.floor_margin_db)
        )

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
        if self.at_floor(level):
            self.vad.skip(frame)
            probability = self.caller.gate(0.0, level)
        else:
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
