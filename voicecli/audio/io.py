"""What the conversation needs from a pair of audio devices, real or virtual.

The runner talks to its devices only through this protocol: the sound card (audio/devices.py)
and the clock-paced virtual pair (audio/virtual.py) both satisfy it whole, so nothing asks
which one it has.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Recorded:
    """What a pair of devices kept of a session (virtual devices record; a sound card doesn't)."""

    mic: np.ndarray  # what the microphone heard, at the capture rate
    played: np.ndarray  # what the speaker played, at its own rate, from device sample 0
    stereo: np.ndarray  # [samples, 2] at the capture rate: left the mic, right the agent


@runtime_checkable
class AudioIO(Protocol):
    """A microphone feeding the capture ring and a speaker draining the playout ring."""

    input_done: threading.Event  # set once the input has nothing more to say (never, live)
    in_rate: int
    out_rate: int

    def start(self) -> None: ...

    def stop(self) -> None: ...

    @property
    def t0(self) -> float:
        """Clock time the session's timelines start from (valid once started)."""
        ...

    @property
    def input_seconds(self) -> float:
        """How long the input is known to last (inf for a live microphone, 0 if unknown)."""
        ...

    def in_time(self, sample: int) -> float:
        """Clock time at which capture sample `sample` was recorded."""
        ...

    def out_time(self, device_sample: int) -> float:
        """Clock time at which output sample `device_sample` was played."""
        ...

    def stats(self) -> tuple[int, int, int]:
        """(capture overruns, playout underruns, the device's own xruns)."""
        ...

    def recorded(self) -> Recorded | None:
        """What was recorded, once stopped (None: these devices do not record)."""
        ...

    def failure(self) -> str:
        """Why the devices stopped working while running ("" while they work)."""
        ...
