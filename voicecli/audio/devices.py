"""Sound card I/O through sounddevice (PortAudio): mic → capture ring, playout ring → speaker.

The callbacks only copy samples: the input callback appends the first channel to the capture
ring, the output callback fills its block from the playout ring (silence when it is empty).
Each stream's sample 0 is mapped onto the one clock from PortAudio's ADC/DAC timestamps.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from voicecli.audio.blockresampler import BlockResampler
from voicecli.audio.io import Recorded
from voicecli.audio.playout import PlayoutRing
from voicecli.audio.ring import SampleRing
from voicecli.audioformat import CAPTURE_RATE
from voicecli.errors import VoicecliError

STALL_S = 2.0  # a microphone silent this long (no callbacks at all) has gone away

try:
    import sounddevice as sd
except OSError as err:  # PortAudio library missing
    sd = None
    _IMPORT_ERROR = str(err)
else:
    _IMPORT_ERROR = ""


def _sd() -> Any:
    if sd is None:
        raise VoicecliError(
            f"PortAudio is not available ({_IMPORT_ERROR}); install libportaudio2 "
            "(scripts/setup does) or use --input FILE.wav"
        )
    return sd


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device."""

    index: int
    name: str
    host_api: str
    inputs: int
    outputs: int
    default_rate: float
    is_default_input: bool
    is_default_output: bool


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio sees (an empty list on a machine without a sound card)."""
    lib = _sd()
    apis = lib.query_hostapis()
    default_in, default_out = lib.default.device
    return [
        DeviceInfo(
            index=i,
            name=d["name"],
            host_api=apis[d["hostapi"]]["name"],
            inputs=d["max_input_channels"],
            outputs=d["max_output_channels"],
            default_rate=d["default_samplerate"],
            is_default_input=i == default_in,
            is_default_output=i == default_out,
        )
        for i, d in enumerate(lib.query_devices())
    ]


def _device_arg(device: str | None) -> int | str | None:
    if device is None or device == "":
        return None
    return int(device) if device.isdigit() else device


def resolve_input(
    device: str | None, preferred: int = CAPTURE_RATE
) -> tuple[int | str | None, int]:
    """The input device and the rate to capture at: `preferred` (the recogniser's 16 kHz) if
    the device takes it, else the device's own rate (a JACK server or most laptop cards run at
    48 kHz only), which DeviceIO resamples; one clear line if it can capture at neither."""
    lib = _sd()
    arg = _device_arg(device)
    try:
        info = lib.query_devices(arg, kind="input")
        rate = preferred
        try:
            lib.check_input_settings(device=arg, channels=1, samplerate=rate, dtype="float32")
        except lib.PortAudioError:
            rate = int(info["default_samplerate"])
            lib.check_input_settings(device=arg, channels=1, samplerate=rate, dtype="float32")
    except (lib.PortAudioError, ValueError) as err:
        if device is None:
            raise VoicecliError(
                "no audio input device found (PortAudio sees none); talk from a file with "
                "`voicecli talk --input question.wav`, or pick a device with --input-device "
                "(see `voicecli devices`)"
            ) from None
        raise VoicecliError(
            f"input device '{device}' cannot capture mono audio at {preferred} Hz or its own "
            f"rate ({err}); see `voicecli devices` or use --input FILE.wav"
        ) from None
    return arg, rate


def choose_output_rate(device: str | None, preferred: int) -> tuple[int | str | None, int]:
    """The output device and the rate to play at: the voice's rate if possible, else its own."""
    lib = _sd()
    arg = _device_arg(device)
    try:
        info = lib.query_devices(arg, kind="output")
    except (lib.PortAudioError, ValueError):
        which = f"'{device}'" if device else "device"
        raise VoicecliError(
            f"no audio output {which} found; use --output FILE.wav with --input, "
            "or pick one with --output-device (see `voicecli devices`)"
        ) from None
    try:
        lib.check_output_settings(device=arg, channels=1, samplerate=preferred, dtype="float32")
        return arg, preferred
    except lib.PortAudioError:
        return arg, int(info["default_samplerate"])


class DeviceIO:
    """A PortAudio input stream into the capture ring and an output stream from the playout ring."""

    def __init__(
        self,
        capture: SampleRing,
        playout: PlayoutRing,
        input_device: int | str | None,
        output_device: int | str | None,
        clock: Callable[[], float] = time.monotonic,
        device_in_rate: int = CAPTURE_RATE,
        block_s: float = 0.02,
        far: SampleRing | None = None,
    ) -> None:
        self.capture = capture
        self.far = far
        # Both sides reach the capture rate at once, through the same filter (a soxr stream
        # would hold back up to a block: audio/blockresampler.py).
        self._far_resampler = BlockResampler(playout.rate, CAPTURE_RATE)
        self._mic_resampler = (
            BlockResampler(device_in_rate, CAPTURE_RATE) if device_in_rate != CAPTURE_RATE else None
        )
        self.playout = playout
        self.clock = clock
        self.in_rate = CAPTURE_RATE  # the capture ring's timeline, whatever the device's rate
        self.device_in_rate = device_in_rate
        self.out_rate = playout.rate
        self.input_done = threading.Event()  # a live mic never runs out
        self.started_at = 0.0
        self.t0_in = 0.0
        self.t0_out = 0.0
        self.overflows = 0
        self.underflows = 0
        self.error: str = ""
        lib = _sd()
        try:
            self._input = lib.InputStream(
                device=input_device,
                channels=1,
                samplerate=device_in_rate,
                dtype="float32",
                blocksize=round(device_in_rate * block_s),
                callback=self._on_input,
            )
            self._output = lib.OutputStream(
                device=output_device,
                channels=1,
                samplerate=self.out_rate,
                dtype="float32",
                blocksize=round(self.out_rate * block_s),
                callback=self._on_output,
            )
        except lib.PortAudioError as err:
            raise VoicecliError(
                f"cannot open the audio device ({err}); check `voicecli devices`, or talk "
                "from a file with --input FILE.wav"
            ) from None
        self._block = round(CAPTURE_RATE * block_s)  # a device period on the capture timeline
        self._in_samples = 0
        self._last_input = 0.0
        self._out_samples = 0
        self._far_started = False

    def _on_input(self, indata: np.ndarray, frames: int, info: Any, status: Any) -> None:
        if self._in_samples == 0:
            age = max(0.0, info.currentTime - info.inputBufferAdcTime) if info.currentTime else 0.0
            self.t0_in = self.clock() - age
        if status.input_overflow:
            self.overflows += 1
            self.capture.mark_break(before=self._block)
        block = indata[:, 0]
        if self._mic_resampler is not None:
            block = self._mic_resampler(block)
        self._last_input = self.clock()
        self.capture.write(block, made_by=self._last_input)  # it is here, so it was made
        self._in_samples += frames

    def _on_output(self, outdata: np.ndarray, frames: int, info: Any, status: Any) -> None:
        if self._out_samples == 0:
            lead = (
                max(0.0, info.outputBufferDacTime - info.currentTime) if info.currentTime else 0.0
            )
            self.t0_out = self.clock() + lead
        if status.output_underflow:
            self.underflows += 1
            self.capture.mark_break(before=self._block)  # the echo path jumps as well
        self.playout.read_into(outdata[:, 0])
        self._feed_far(outdata[:, 0])
        self._out_samples += frames

    def _feed_far(self, block: np.ndarray) -> None:
        """Hand what this block plays to the echo canceller, on the microphone's timeline: far
        sample i is what played at `t0_in + i / in_rate`. Nothing goes in before the microphone
        has started (its timeline starts with it), and the first block that does is placed by
        the time it plays, so the order in which the two streams first call back (which
        PortAudio does not promise: JACK may run the output first) does not matter."""
        if self.far is None or not self.t0_in:
            return
        if not self._far_started:
            plays_at = self.t0_out + self._out_samples / self.out_rate
            lead = round((plays_at - self.t0_in) * self.in_rate)
            if lead > 0:
                self.far.write(np.zeros(lead, dtype=np.float32))
            self._far_started = True
        self.far.write(self._far_resampler(block))

    def start(self) -> None:
        self.started_at = self.clock()
        self._input.start()
        self._output.start()

    @property
    def t0(self) -> float:
        """When the streams were started (each stream's own start is t0_in / t0_out)."""
        return self.started_at

    @property
    def input_seconds(self) -> float:
        return float("inf")  # a live microphone never runs out

    def recorded(self) -> Recorded | None:
        return None  # a sound card session keeps no recording

    def stop(self) -> None:
        failure = self.failure()
        if failure:
            # The device is gone (its JACK server quit, the card was pulled): stopping or
            # closing its streams, or PortAudio's own clean-up at exit, would wait for it
            # forever. Leave them; the process is about to end.
            self.error = failure
            atexit.unregister(_sd()._exit_handler)  # sounddevice's Pa_Terminate at exit
            self.capture.close()
            return
        for stream in (self._input, self._output):
            try:
                stream.stop()
                stream.close()
            except Exception as err:  # report, but always finish closing both
                self.error = str(err)
        self.capture.close()

    def in_time(self, sample: int) -> float:
        return self.t0_in + sample / self.in_rate

    def out_time(self, device_sample: int) -> float:
        return self.t0_out + device_sample / self.out_rate

    def stats(self) -> tuple[int, int, int]:
        return self.capture.overruns, self.playout.underruns, self.overflows + self.underflows

    def failure(self) -> str:
        """A device that stopped calling back (its server quit, the card was unplugged)."""
        if not self.started_at:
            return ""
        since = self._last_input or self.started_at
        quiet = self.clock() - since
        if quiet > STALL_S and not self._input.active:
            return "the audio input device went away (its stream stopped); check `voicecli devices`"
        if quiet > STALL_S:
            return (
                f"the audio input device stopped delivering sound ({quiet:.1f} s without a "
                "block); check `voicecli devices`"
            )
        return ""
