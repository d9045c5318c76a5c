"""One caller turn as the core follows it: where its audio lies and what it said."""

from __future__ import annotations

from dataclasses import dataclass

from voicecli.events import ReplyRequest, TurnCommitted
from voicecli.policy.commitrules import Plan
from voicecli.policy.history import Message
from voicecli.policy.turn import Commit


@dataclass
class CallerTurn:
    """A caller turn: its number, its audio on the capture timeline, its committed text."""

    turn: int
    audio_start: int  # first capture sample of its audio (pre-roll included)
    onset: int = 0  # capture sample its speech began, when it began over the agent
    speech_end: int = 0  # capture sample its speech last paused
    text: str = ""
    gen: int = 0  # the reply generation answering it (0: not committed)
    commit_sample: int = 0  # capture sample it was committed at

    def committed(self, now: float, commit: Commit, transcript_t: float) -> TurnCommitted:
        """The event of its commit (on the transcript that arrived at `transcript_t`)."""
        silence_ms = commit.silence_s * 1000.0
        return TurnCommitted(
            now,
            self.turn,
            self.gen,
            self.text,
            commit.reason,
            self.speech_end,
            silence_ms,
            transcript_t,
        )

    def reply_request(
        self, now: float, gen: int, messages: list[Message], plan: Plan, speech_end_t: float
    ) -> ReplyRequest:
        """Ask for reply generation `gen` to it (held when it is not committed yet)."""
        return ReplyRequest(
            now,
            gen,
            self.turn,
            messages,
            plan.step,
            plan.call,
            plan.say,
            speech_end_t,
            held=self.gen != gen,
        )
