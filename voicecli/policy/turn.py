"""The turn policy: when has the caller finished their turn? Pure logic on an audio timeline.

Three signals, layered (seed chapter, "turn detection"):
1. VAD silence — how long since the last speech frame;
2. a transcript that covers the speech up to that silence (the decode after the pause);
3. the semantic completeness of that transcript.
A complete question commits after a short silence, a full sentence after a medium one, an
unfinished thought (trailing "and", "um", a number half read out) only after a long hold, and
anything else after the plain silence timeout. Times are seconds of capture audio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from voicecli.bounds import within
from voicecli.policy.completeness import Completeness, classify, names_a_number_unsaid


@dataclass(frozen=True)
class TurnRules:
    """Silence (seconds after the last speech frame) needed to commit, by completeness."""

    complete_silence_s: float = within(0.25, 0.05, 10.0, "s")
    likely_silence_s: float = within(0.5, 0.05, 10.0, "s")
    silence_timeout_s: float = within(0.8, 0.05, 10.0, "s")
    incomplete_silence_s: float = within(1.6, 0.05, 10.0, "s")
    reopen_window_s: float = within(1.5, 0.0, 10.0, "s")
    transcript_wait_s: float = within(10.0, 1.0, 60.0, "s")
    # an interim that heard the speech up to this close to the pause may stand for the pause's
    # decode where a reply is made early (speculate_on_interim); the commit still reads the
    # pause's own decode, and a reply made from other words is dropped unheard
    interim_gap_s: float = within(0.15, 0.0, 5.0, "s")
    # a full sentence Whisper read with an average token log-probability below this is
    # nothing to go on (the plain timeout, not the full sentence's wait): a slow caller's
    # "My order is five…" misheard before a pause as "My order is time." (-0.97) reads whole
    unsure_logprob: float = within(-0.7, -10.0, 0.0)
    # a full sentence that names a number but says none of it ("My order is…", misheard before
    # the caller's breath as "My order is time.") waits the plain timeout: the number may follow
    number_may_follow: bool = True


class Phase(Enum):
    """Where the caller is in their turn."""

    IDLE = "idle"
    SPEAKING = "speaking"
    PAUSED = "paused"
    COMMITTED = "committed"


@dataclass(frozen=True)
class Commit:
    """The decision to end the caller's turn."""

    at_s: float
    silence_s: float
    reason: str
    completeness: Completeness


class TurnPolicy:
    """Tracks one caller turn; `tick(now)` returns a Commit once the turn is over.
    `whole_order` says the words end on the whole number of an order the store has: a number
    being read out that reads as unfinished ("… 8, 1, 2,") is then a full sentence."""

    def __init__(
        self, rules: TurnRules | None = None, whole_order: Callable[[str], bool] | None = None
    ) -> None:
        self.rules = rules or TurnRules()
        self.whole_order = whole_order or (lambda text: False)
        self.reset()

    def completeness(self, text: str, logprob: float = 0.0) -> Completeness:
        """How finished `text` sounds (policy/completeness.py), a known order read whole aside;
        a full sentence Whisper was unsure of (`logprob` below `unsure_logprob`) is nothing to
        go on, and so is a statement that names a number it has not said yet. Asked every frame
        of a pause about the same words: the last answer is kept (the store is asked once per
        text, not once per frame)."""
        unsure = logprob < self.rules.unsure_logprob
        if self._judged is not None and self._judged[0] == (text, unsure):
            return self._judged[1]
        found = classify(text)
        awaited = self.rules.number_may_follow and names_a_number_unsaid(text)
        if found is Completeness.LIKELY and (unsure or awaited):
            found = Completeness.UNKNOWN
        if found is Completeness.INCOMPLETE and self.whole_order(text):
            found = Completeness.LIKELY
        self._judged = ((text, unsure), found)
        return found

    def reset(self) -> None:
        self.phase = Phase.IDLE
        self.speech_end_s = 0.0
        self.text = ""
        self.logprob = 0.0  # how sure Whisper was of `text`
        self.covered_s = -1.0  # how far the last decode of a pause heard (a final transcript)
        self.heard_s = -1.0  # how far the last transcript of any kind heard
        # the last text judged (and whether Whisper was unsure of it), and how
        self._judged: tuple[tuple[str, bool], Completeness] | None = None

    def speech_started(self, at_s: float) -> None:
        """Speech (re)started: a pause is not the end of the turn after all."""
        self.phase = Phase.SPEAKING

    def speech_ended(self, at_s: float) -> None:
        """The last speech frame ended at `at_s`; silence runs from here."""
        if self.phase is Phase.SPEAKING:
            self.phase = Phase.PAUSED
            self.speech_end_s = at_s

    def transcript(
        self, text: str, covers_until_s: float, final: bool = True, logprob: float = 0.0
    ) -> None:
        """The newest hypothesis for the turn, covering audio up to `covers_until_s`, read with
        an average token log-probability of `logprob`. Only a `final` one (the pause's own
        decode, or an interim the transcriber let stand for it) says what the turn is at a
        pause: an interim that happened to run past the pause was read greedily, and the
        pause's beam decode is on its way ("order three double me")."""
        self.text = text
        self.logprob = logprob
        self.heard_s = covers_until_s
        if final:
            self.covered_s = covers_until_s

    @property
    def fresh(self) -> bool:
        """The transcript includes everything said before the current pause."""
        return self.phase is Phase.PAUSED and self.covered_s >= self.speech_end_s

    def may_be_done(self, on_interim: bool = False) -> bool:
        """The pause's transcript is in (or, `on_interim`, the caller has paused and the last
        interim heard nearly all of it: `interim_gap_s`) and does not say the caller is going
        on (a number half read out, a trailing "and"): the turn may well end at this pause."""
        near = self.heard_s >= self.speech_end_s - self.rules.interim_gap_s
        interim = on_interim and self.phase is Phase.PAUSED and bool(self.text) and near
        heard = self.fresh or interim
        return heard and self.completeness(self.text, self.logprob) is not Completeness.INCOMPLETE

    def draft_may_end(self, text: str, covers_until_s: float) -> bool:
        """A draft reading of the pause (ahead of the decode the commit reads) covers the speech
        up to it and does not say the caller is going on: a reply may be made from it."""
        covers = self.phase is Phase.PAUSED and covers_until_s >= self.speech_end_s
        return covers and bool(text) and self.completeness(text) is not Completeness.INCOMPLETE

    def required_silence(self) -> tuple[float, Completeness]:
        fresh = self.fresh
        completeness = self.completeness(self.text, self.logprob) if fresh else Completeness.UNKNOWN
        return self._wait(completeness), completeness

    def _wait(self, completeness: Completeness) -> float:
        rules = self.rules
        waits = {
            Completeness.COMPLETE: rules.complete_silence_s,
            Completeness.LIKELY: rules.likely_silence_s,
            Completeness.UNKNOWN: rules.silence_timeout_s,
            Completeness.INCOMPLETE: rules.incomplete_silence_s,
        }
        return waits[completeness]

    def tick(self, now_s: float, voiced: bool = False) -> Commit | None:
        """Commit when the silence since the last speech is long enough for what was said.

        `voiced` is the current frame's VAD verdict: speech that may be resuming (not yet
        confirmed as an onset) holds the commit.
        """
        if self.phase is not Phase.PAUSED or voiced:
            return None
        silence = now_s - self.speech_end_s
        needed, completeness = self.required_silence()
        if silence < needed:
            return None
        reason = completeness.value if self.fresh else "timeout"
        self.phase = Phase.COMMITTED
        return Commit(now_s, silence, reason, completeness)

    def reconsider(self, now_s: float) -> bool:
        """A turn ended on the timeout before its transcript covered the pause (a slow decode
        on a busy machine): now that a transcript does, is the silence so far enough for what
        it says? If not ("My order number is four two"), the turn is paused again and True is
        returned: the decision is void, and `tick` decides anew."""
        if self.phase is not Phase.COMMITTED or self.covered_s < self.speech_end_s:
            return False
        if now_s - self.speech_end_s >= self._wait(self.completeness(self.text, self.logprob)):
            return False
        self.phase = Phase.PAUSED
        return True


def reopens(rules: TurnRules, committed_at_s: float, speech_at_s: float, reply_heard: bool) -> bool:
    """Does speech at `speech_at_s` continue the turn committed at `committed_at_s`?

    Yes if it comes within the reopen window and none of the reply has been played yet: the
    caller only paused, so the speculative reply is discarded and the turn goes on.
    """
    return not reply_heard and 0.0 <= speech_at_s - committed_at_s <= rules.reopen_window_s
