"""Running echo estimates: how much of the speaker reaches the mic, and how much of that the
canceller removes.

- ERL (echo return loss): far-end (what the speaker played) power over mic power, while the far
  end is active. Headphones: no echo path, a large ERL. Laptop speakers: a few dB.
- ERLE (echo return loss enhancement): mic power over cleaned power over the same frames.
  Each reading also carries both sums, so a run's ERLE can be taken over all its echo: a
  median of half-second readings is not that when the residual suppressor leaves some periods
  digital silence (the JACK rig: 73 % of echo-only frames exactly zero, readings of 90-110 dB,
  against 25 dB over all the echo, as on the virtual devices). A period that gives no reading
  hands its sums to the next reading, which keeps them if it finds an echo path: most of what
  a canceller leaves is at a reply's start and end (12-17 dB there, 25-30 dB in the middle of
  replies), and those are such periods.
Frames where the caller may be speaking (VAD on the cleaned signal) are left out of both; their
voice would count as echo. A period whose counted frames cover less than half of it gives no
reading: a reply that starts (or resumes) near its end has played before its echo came back,
and frames left after the caller filter may be exactly those — an echo-free mic that reads as
"headphones" (a 70-100 dB ERL on open speakers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voicecli.audio.levels import power

FAR_ACTIVE = 10 ** (-50 / 10)  # far-end power above -50 dBFS
QUIET_CALLER = 0.3  # VAD probability below which the caller is taken to be silent


@dataclass(frozen=True)
class EchoReading:
    """One period's estimates in dB (None when the far end was silent throughout)."""

    erl_db: float | None
    erle_db: float | None
    echo_sum: float = 0.0  # the mic's frame powers summed over the counted frames (with ERLE)
    residual_sum: float = 0.0  # the cleaned frames' powers, summed over the same frames


def _ratio_db(num: float, den: float) -> float:
    return float(10.0 * np.log10(max(num, 1e-12) / max(den, 1e-12)))


class EchoMeter:
    """Accumulates powers over far-active frames; reports every `period` samples."""

    def __init__(self, period: int, no_echo_erl_db: float = 30.0) -> None:
        self.period = period
        self.no_echo_erl_db = no_echo_erl_db  # above this ERL there is no echo to measure
        self._waiting = (0.0, 0.0)  # echo and residual sums of periods that gave no reading
        self._clear()

    def _clear(self) -> None:
        self._far = self._mic = self._clean = 0.0
        self._active = 0  # samples counted
        self._since = 0

    def add(self, mic: np.ndarray, far: np.ndarray, clean: np.ndarray, caller_p: float) -> None:
        self._since += mic.size
        far_power = power(far)
        if far_power <= FAR_ACTIVE or caller_p >= QUIET_CALLER:
            return
        self._far += far_power
        self._mic += power(mic)
        self._clean += power(clean)
        self._active += mic.size

    def report(self) -> EchoReading | None:
        """The last period's reading, once a period has passed; None before that."""
        if self._since < self.period:
            return None
        ratio = _ratio_db(self._far, self._mic) if self._active else None
        erl = ratio if self._active * 2 >= self.period else None
        echo = erl is not None and erl < self.no_echo_erl_db
        # The sums take every frame with echo in it, a reply's first and last frames too: a
        # period too short of far end for a reading keeps what came back and what was left
        # for the next reading, which adds them if it finds an echo path and drops them if it
        # finds none (in a noisy room with no echo, the quiet end of a reply over the room's
        # noise would read as poorly cancelled echo). The first reply's start, before the
        # canceller has converged, is where most of a call's residual is.
        echo_sum = residual_sum = 0.0
        if erl is not None:
            if echo:
                echo_sum = self._mic + self._waiting[0]
                residual_sum = self._clean + self._waiting[1]
            self._waiting = (0.0, 0.0)
        elif ratio is not None and ratio < self.no_echo_erl_db:
            self._waiting = (self._waiting[0] + self._mic, self._waiting[1] + self._clean)
        reading = EchoReading(
            erl_db=erl,
            erle_db=_ratio_db(self._mic, self._clean) if echo else None,
            echo_sum=echo_sum,
            residual_sum=residual_sum,
        )
        self._clear()
        return reading
