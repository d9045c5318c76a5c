"""What the pipeline needs from a pair of audio devices, real or virtual."""

from __future__ import annotations

import threading
from typing import Protocol


class AudioIO(Protocol):
    """A microphone feeding the capture ring and a speaker draining the playout ring."""

    input_done: threading.Event
    in_rate: int
    out_rate: int

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def in_time(self, sample: int) -> float:
        """Clock time at which capture sample `sample` was recorded."""
        ...

    def out_time(self, device_sample: int) -> float:
        """Clock time at which output sample `device_sample` was played."""
        ...

    def stats(self) -> tuple[int, int]:
        """(capture overruns, playout underruns)."""
        ...
