"""Percentiles of timings, shared by the bench summary and `voicecli report`."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def percentiles(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """p50 and p95 (linear interpolation) of the values that exist, and how many there were."""
    data = np.array([v for v in values if v is not None], dtype=float)
    if data.size == 0:
        return {"p50": None, "p95": None, "n": 0}
    return {
        "p50": round(float(np.percentile(data, 50)), 1),
        "p95": round(float(np.percentile(data, 95)), 1),
        "n": int(data.size),
    }
