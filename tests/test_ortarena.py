"""ArenaBoundedSession: the shrink run option is passed for large inputs only."""

from __future__ import annotations

from typing import Any

import numpy as np

from voicecli.engines.ortarena import SHRINK_CPU_ARENA, ArenaBoundedSession


class RecordingSession:
    """Stands in for an InferenceSession; records the run options it was given."""

    def __init__(self) -> None:
        self.options: list[Any] = []
        self.metadata = "kept"

    def run(self, names: Any, feed: dict[str, Any], options: Any = None) -> list[Any]:
        self.options.append(options)
        return [feed["input"].size]


def test_inputs_over_the_keep_size_shrink_the_arena_after_their_run() -> None:
    inner = RecordingSession()
    session = ArenaBoundedSession(inner, "input", keep_size=10)  # type: ignore[arg-type]
    assert session.run(None, {"input": np.zeros((1, 10))}) == [10]
    assert session.run(None, {"input": np.zeros((1, 11))}) == [11]
    assert inner.options[0] is None
    shrink = inner.options[1]
    assert shrink.get_run_config_entry(SHRINK_CPU_ARENA[0]) == SHRINK_CPU_ARENA[1]
    assert session.shrinks == 1
    assert session.metadata == "kept"  # everything else is the wrapped session's
