"""When a sound on the echo-cancelled mic may be taken for the caller: the canceller has
converged on the agent's voice, or is off, or there is no echo to cancel.

Residual echo before the canceller has converged is loud and speech-like, so until it has
learnt from `aec_warmup_s` of the agent's audio nothing pauses playout. Time alone is not
convergence: on the first reply of a session the VAD still took residual echo for speech 1.5 s
in (the bench's barge-in-late paused for nobody there in 5 of 6 cascade runs), while the live
ERLE read 15-21 dB at first and 25-45 dB half a second later. So after the warm-up the canceller
is trusted once an ERLE reading has reached `converged_erle_db`, and at the latest after
`aec_warmup_max_s` of the agent's audio (a canceller that never gets there must not switch
barge-in off). With headphones (echo return loss above `no_echo_erl_db` in the best reading of
the last `erl_memory_s`) there is nothing to wait for.
Pure logic: times are seconds.
"""

from __future__ import annotations

from collections import deque

from voicecli.policy.interruption import InterruptRules


class EchoTrust:
    """What the session has seen of the echo canceller, and whether to trust it yet."""

    def __init__(self, rules: InterruptRules, aec: bool = True) -> None:
        self.rules = rules
        self.aec = aec
        self.heard_s = 0.0  # agent audio the canceller has learnt from
        self.best_erle_db: float | None = None  # best echo return loss enhancement this session
        self.erl_seen: deque[tuple[float, float]] = deque()  # (time, echo return loss dB)

    def agent_audible(self, seconds: float) -> None:
        """The agent's voice went out for `seconds`: the canceller learnt from it."""
        self.heard_s += seconds

    def reading(self, t: float, erl_db: float | None, erle_db: float | None) -> None:
        """A live echo reading at time `t`. The caller's own voice lowers the ERL (the mic
        hears more than echo), so the best recent ERL says whether the speaker reaches the mic
        at all; the latest one alone flips exactly when they speak."""
        if erl_db is not None:
            self.erl_seen.append((t, erl_db))
        while self.erl_seen and t - self.erl_seen[0][0] > self.rules.erl_memory_s:
            self.erl_seen.popleft()
        if erle_db is not None:
            best = self.best_erle_db
            self.best_erle_db = erle_db if best is None else max(best, erle_db)

    @property
    def trusted(self) -> bool:
        """May a caller's onset pause playout now?"""
        rules = self.rules
        no_echo = max((erl for _, erl in self.erl_seen), default=0.0) >= rules.no_echo_erl_db
        if not self.aec or no_echo:
            return True
        if self.heard_s < rules.aec_warmup_s:
            return False
        converged = self.best_erle_db is not None and self.best_erle_db >= rules.converged_erle_db
        return converged or self.heard_s >= rules.aec_warmup_max_s
