"""How many threads a model may use, from the cores other programs leave free.

llama.cpp's threads meet at a barrier on every step: when one of them is descheduled because
another program holds its core, the whole step waits for it. On this 2-core machine with one
other busy process, two threads took the 0.5B model's first token from ~0.1 s to 2.4-5.5 s.
So a stage like it gets as many threads as there are free cores — a core counts as free when
other programs took less than half of it lately — never fewer than one, never more than its
configured most. Pure: what the other programs took is measured elsewhere (cpumeter.py).
"""

from __future__ import annotations


def threads_for(cores: int, others_busy: float, most: int) -> int:
    """Threads for a barrier-bound stage on `cores` cores when other programs kept
    `others_busy` cores busy (0.0-`cores`) lately."""
    free = cores - max(0.0, others_busy)
    return max(1, min(most, int(free + 0.5)))
