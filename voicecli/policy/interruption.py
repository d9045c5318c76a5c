"""Barge-in policy: when the caller speaks over the agent, pause at once, then decide.

The first frame that sounds like speech while the agent is talking — loud enough to be a person
in the room, not what is left of the agent's own echo — pauses playout (the caller is never
talked over for more than a frame). Residual echo peaks just above the quiet limit one frame at
a time, so speech between the quiet limit and the loud-sound level must last `onset_frames`
frames in a row first. Until the echo canceller has heard enough of the agent to
converge (the first second or two of a session; `policy/echotrust.py`), nothing is taken for an
interruption: the residual echo then is loud and speech-like, Whisper turns it into other words,
and pausing would starve the canceller of the far end it learns from. A caller who is really
interrupting is still talking when the warm-up ends. Then:
- the sound stops before it lasted `confirm_s` — a cough, a breath, a click: resume;
- it goes on, and its transcript is a backchannel ("yeah", "uh-huh", "okay"): resume once
  they have been quiet `backchannel_silence_s` — longer than after a cough, because "okay,"
  often leads into "that is enough" after a breath;
- its transcript is the agent's own words coming back through the speakers: resume (echo);
- otherwise it is an interruption: the reply is cancelled and the caller has the floor.
If no transcript arrives within `decide_s`, speech still going on is taken as an interruption.
Pure logic: times are seconds of capture audio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from voicecli.bounds import within
from voicecli.policy.voicing import Hysteresis

BACKCHANNELS = {
    "yeah",
    "yes",
    "yep",
    "uh huh",
    "uh-huh",
    "mm hmm",
    "mm-hmm",
    "mhm",
    "mm",
    "hmm",
    "okay",
    "ok",
    "right",
    "sure",
    "i see",
    "got it",
    "alright",
    "cool",
    "oh",
    "ah",
    "uh",
    "um",
    "yeah yeah",
    "okay okay",
    "right right",
    "oh okay",
    "ah okay",
    "mm-hm",
    "aha",
    "bye",
}


@dataclass(frozen=True)
class InterruptRules:
    """Thresholds of the barge-in decision."""

    onset_probability: float = within(0.6, 0.05, 0.99)
    release_probability: float = within(0.35, 0.01, 0.99)
    min_level_db: float = within(-40.0, -90.0, 0.0, "dBFS")
    onset_frames: int = within(2, 1, 20, "frames")
    sound_onset_db: float = within(-33.0, -90.0, 0.0, "dBFS")
    onset_over_room_db: float = within(8.0, 0.0, 60.0, "dB")  # a sudden sound tops the room
    onset_max_removed_db: float = within(10.0, 0.0, 60.0, "dB")
    onset_removal_margin_db: float = within(20.0, 0.0, 100.0, "dB")
    break_guard_s: float = within(0.12, 0.0, 5.0, "s")  # no sound onset this soon after an xrun
    aec_warmup_s: float = within(1.5, 0.0, 30.0, "s")
    converged_erle_db: float = within(20.0, 0.0, 60.0, "dB")
    aec_warmup_max_s: float = within(4.0, 0.0, 60.0, "s")
    no_echo_erl_db: float = within(30.0, 0.0, 120.0, "dB")
    erl_memory_s: float = within(3.0, 0.5, 60.0, "s")
    confirm_s: float = within(0.3, 0.03, 5.0, "s")
    resume_silence_s: float = within(0.25, 0.03, 5.0, "s")
    backchannel_silence_s: float = within(0.5, 0.03, 5.0, "s")
    rejoin_s: float = within(1.0, 0.0, 10.0, "s")
    rejoin_max_s: float = within(6.0, 1.0, 20.0, "s")
    decide_s: float = within(1.2, 0.1, 10.0, "s")
    echo_overlap: float = within(0.5, 0.0, 1.0)


class Verdict(Enum):
    """What to do with the reply."""

    PAUSE = "pause"
    RESUME = "resume"
    INTERRUPT = "interrupt"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def is_backchannel(text: str) -> bool:
    """A short acknowledgement that does not ask for the floor."""
    said = " ".join(words(text))
    return bool(said) and (said in BACKCHANNELS or all(w in BACKCHANNELS for w in said.split()))


def _alike(a: str, b: str) -> bool:
    """Same word, or near enough for an echo Whisper half heard ("cats" ~ "cat", "name" ~
    "named")."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b[:4]) or b.startswith(a[:4])))


FUNCTION_WORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "so",
    "is",
    "are",
    "was",
    "were",
    "be",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "it",
    "that",
    "this",
    "what",
    "how",
    "who",
    "i",
    "you",
    "he",
    "she",
    "we",
    "they",
    "me",
    "my",
    "your",
    "his",
    "her",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "can",
    "will",
    "would",
    "not",
    "no",
    "yes",
    "there",
    "then",
    "as",
    "by",
}


def echo_share(heard: str, played: str) -> float:
    """How much of what the mic heard are the agent's own recent words (0..1), judged on
    content words (every sentence has "what", "is", "the")."""
    mine = {w for w in words(played) if w not in FUNCTION_WORDS}
    theirs = [w for w in words(heard) if w not in FUNCTION_WORDS]
    if not theirs or not mine:
        return 0.0
    return sum(any(_alike(w, m) for m in mine) for w in theirs) / len(theirs)


class InterruptionPolicy:
    """Tracks one suspected interruption while the agent is speaking."""

    def __init__(self, rules: InterruptRules | None = None) -> None:
        self.rules = rules or InterruptRules()
        self.voicing = Hysteresis(self.rules.onset_probability, self.rules.release_probability)
        self.reset()

    def reset(self) -> None:
        self.onset_s: float | None = None
        self.speech_frames = 0  # speech-like frames in a row, before an onset
        self.last_voiced_s = 0.0
        self.voiced_s = 0.0
        # the words so far are a backchannel or echo: resume after this much silence
        self.quiet_needed: float | None = None

    @property
    def suspected(self) -> bool:
        return self.onset_s is not None

    def frame(
        self,
        now_s: float,
        probability: float,
        frame_s: float,
        level_db: float = 0.0,
        eager: bool = True,
    ) -> Verdict | None:
        """One VAD frame ending at `now_s` while the agent speaks (or is paused for us).

        `eager` is False while the echo canceller is still converging: nothing starts then.
        """
        rules = self.rules
        if self.onset_s is None:
            if not eager:
                return None
            if not self.voicing.starts(probability) or level_db < rules.min_level_db:
                self.speech_frames = 0
                return None
            self.speech_frames += 1
            if self.speech_frames < rules.onset_frames and level_db < rules.sound_onset_db:
                return None  # quiet: maybe a peak of residual echo; wait for the next frame
            self.onset_s = now_s - frame_s * self.speech_frames
            self.last_voiced_s = now_s
            self.voiced_s = frame_s * self.speech_frames
            return Verdict.PAUSE
        if self.voicing.holds(probability):
            self.last_voiced_s = now_s
            self.voiced_s += frame_s
        elif self.quiet_needed is not None and now_s - self.last_voiced_s >= self.quiet_needed:
            self.reset()  # "uh-huh" (or our own echo) and then quiet: carry on
            return Verdict.RESUME
        elif (
            self.voiced_s < rules.confirm_s and now_s - self.last_voiced_s >= rules.resume_silence_s
        ):
            self.reset()  # a short sound: carry on
            return Verdict.RESUME
        if now_s - self.onset_s >= rules.decide_s:
            still_speaking = now_s - self.last_voiced_s < rules.resume_silence_s
            self.reset()
            return Verdict.INTERRUPT if still_speaking else Verdict.RESUME
        return None

    def sound(self, onset_s: float, eager: bool = True) -> Verdict | None:
        """A sudden loud sound (faster than a VAD frame): pause now, let the frames judge."""
        if self.onset_s is not None or not eager:
            return None
        self.onset_s = onset_s
        self.last_voiced_s = onset_s
        self.voiced_s = 0.0
        return Verdict.PAUSE

    def transcript(self, text: str, played: str) -> Verdict | None:
        """A transcript of the suspected interruption; `played` is what the agent just said."""
        if self.onset_s is None or self.voiced_s < self.rules.confirm_s:
            return None
        if not words(text):
            return None
        if is_backchannel(text):  # "okay" may start "okay, that's enough": wait a breath
            self.quiet_needed = self.rules.backchannel_silence_s
            return None
        if echo_share(text, played) >= self.rules.echo_overlap:
            self.quiet_needed = self.rules.resume_silence_s
            return None
        self.reset()
        return Verdict.INTERRUPT
