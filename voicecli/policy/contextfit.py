"""Fit a conversation into the model's context window, whatever the caller said.

The prompt plus the reply must fit `context_tokens`. When they would not (a caller who talked
for minutes, a long call), the oldest turns go first — never the system prompt, never the
newest user turn — and a newest user turn that still does not fit keeps its end (where the
question usually is), marked with a leading "…". Pure: token counting is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Message = dict[str, str]
ELLIPSIS = "… "


def fit_messages(
    messages: Sequence[Message], count: Callable[[Sequence[Message]], int], budget: int
) -> list[Message]:
    """`messages` (system first, newest user turn last) cut down until `count` ≤ `budget`."""
    fitted = list(messages)
    while count(fitted) > budget and len(fitted) > 2:
        del fitted[1]  # the oldest turn after the system prompt
        if len(fitted) > 2 and fitted[1]["role"] == "assistant":
            del fitted[1]  # a conversation resumes on a user turn
    if count(fitted) <= budget or not fitted or fitted[-1]["role"] != "user":
        return fitted
    words = fitted[-1]["content"].split()
    lo, hi = 0, len(words)  # keep as many trailing words as fit: binary search on the cut
    while lo < hi:
        mid = (lo + hi) // 2
        trial = [*fitted[:-1], {"role": "user", "content": ELLIPSIS + " ".join(words[mid:])}]
        if count(trial) <= budget:
            hi = mid
        else:
            lo = mid + 1
    return [*fitted[:-1], {"role": "user", "content": ELLIPSIS + " ".join(words[lo:])}]
