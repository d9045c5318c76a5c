"""How long a caller waits in silence before a late reply says "One moment.".

On an idle machine the reply's first words come ~1.0 s after the caller's last word (p50 here)
and seldom after 2 s, so the acknowledgement waits `idle_after_s` (2.5 s): said sooner, it would
come before a third of the replies and hold each of them back by its own length. When other
programs keep the cores busy, every stage is slower (the end of the turn alone 1.2 s at p95 with
one busy program), so most replies are late and a short budget is what keeps the caller from
a silence that reads as "not heard": `busy_after_s` applies once other programs kept at least
`busy_cores` cores busy lately. Pure: the reading comes from cpumeter.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LateAckRule:
    """The silence a late reply may leave before its acknowledgement, by how busy the machine is."""

    idle_after_s: float  # 0: never acknowledge
    busy_after_s: float  # 0: the same as idle
    busy_cores: float  # other programs' load (cores) from which the machine counts as busy

    def after_s(self, others_busy: float) -> float:
        """The budget in seconds when other programs kept `others_busy` cores busy (0: never)."""
        if self.idle_after_s <= 0:
            return 0.0
        if self.busy_after_s > 0 and others_busy >= self.busy_cores:
            return min(self.busy_after_s, self.idle_after_s)
        return self.idle_after_s
