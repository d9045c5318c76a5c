"""Long turns: keep a caller's turn of any length inside Whisper's 30 s window.

Whisper hears at most 30 s at a time; a caller may talk for minutes. So once the decode window
of an open turn grows past `max_window_s`, its earlier stretch is committed for good: the
leading words that two decodes in a row agreed on (LocalAgreement's stable prefix) and that
end at least `keep_s` before the window's end are taken out of the window, and the next window
starts in the quietest moment between the last of them and the word after it. The words still
near the window's end may change as more audio arrives, so they stay. Should nothing be agreed
on by the time the window reaches `hard_window_s` (noise, or speech Whisper cannot settle),
the words of the newest hypothesis are taken as they are, so the window never overflows.
Pure logic: times are seconds from the start of the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voicecli.policy.agreement import word_key

SLACK_S = 0.08


@dataclass(frozen=True)
class TimedWord:
    """A word of a hypothesis and where it lies in the window (seconds)."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class WindowCut:
    """Commit the first `words` words of the hypothesis; the next window starts at `at_s`
    (searching for the quietest moment in [`quiet_from_s`, `quiet_to_s`])."""

    words: int
    at_s: float
    quiet_from_s: float
    quiet_to_s: float


def agreed_words(words: Sequence[TimedWord], stable: Sequence[str]) -> int:
    """How many leading words of the hypothesis are the stable prefix's words."""
    n = 0
    for word, settled in zip(words, stable, strict=False):
        if word_key(word.text) != word_key(settled):
            break
        n += 1
    return n


def window_cut(
    words: Sequence[TimedWord],
    stable: Sequence[str],
    window_s: float,
    max_window_s: float,
    keep_s: float,
    hard_window_s: float = 28.0,
) -> WindowCut | None:
    """Where to cut a window of `window_s` seconds whose newest hypothesis is `words`, or None
    while it is short enough (or nothing can be committed yet)."""
    if window_s <= max_window_s:
        return None
    limit = window_s - keep_s
    forced = window_s >= hard_window_s
    settled = len(words) if forced else agreed_words(words, stable)
    k = 0
    while k < settled and words[k].end <= limit:
        k += 1
    if k == 0:
        if forced:  # nothing said that Whisper would commit to: let that audio go
            return WindowCut(0, limit, limit, limit)
        return None
    end = words[k - 1].end
    following = words[k].start if k < len(words) else limit
    following = min(max(following, end), limit)
    # word times are ~0.1 s off either way: look for the quiet a little around the gap
    quiet_from = max(words[k - 1].start, end - SLACK_S)
    quiet_to = min(limit, following + SLACK_S)
    return WindowCut(k, (end + following) / 2, quiet_from, quiet_to)


def quietest(
    audio: np.ndarray, rate: int, from_s: float, to_s: float, frame_s: float = 0.01
) -> float:
    """The start (seconds) of the quietest `frame_s` frame of `audio` in [from_s, to_s]: the
    place to start a new window, where no syllable is cut in half."""
    frame = max(1, int(frame_s * rate))
    lo = max(0, int(from_s * rate))
    hi = min(audio.size - frame, int(to_s * rate))
    if hi <= lo:
        return from_s
    starts = np.arange(lo, hi + 1, frame)
    energy = [float(np.mean(audio[s : s + frame] ** 2)) for s in starts]
    return float(starts[int(np.argmin(energy))]) / rate
