"""The near-silence a synthesised reply starts with: waiting the caller hears as nothing.

Piper begins every sentence with a stretch of near-silence before its first sound (measured in
docs/performance.md). Before a reply's first piece that stretch is pure latency: the caller
hears the answer that much later. So the first piece is played from `KEEP_S` before its first
sample louder than `AUDIBLE_DBFS`, well below anything a laptop's speaker makes heard; later
pieces keep theirs, as it is the pause between phrases. Pure.
"""

from __future__ import annotations

import numpy as np

AUDIBLE_DBFS = -50.0  # quieter than this is silence on a speaker
KEEP_S = 0.01  # kept before the first audible sample, so the onset is never clipped


def lead_in(audio: np.ndarray, rate: int) -> int:
    """How many samples at the start of `audio` (at `rate` Hz) are silence to drop: all but
    `KEEP_S` of what comes before its first audible sample (0 for audio with none)."""
    loud = np.flatnonzero(np.abs(audio) > 10.0 ** (AUDIBLE_DBFS / 20.0))
    if loud.size == 0:
        return 0
    return max(0, int(loud[0]) - round(KEEP_S * rate))
