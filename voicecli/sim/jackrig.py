"""The agent's acoustic world on a JACK server: a caller in its microphone, its own voice back.

A JACK client beside the agent's (PortAudio's) ports. Every period it takes the block the
agent's speaker played, hands it to the caller (a `MicSignal`: the bench's simulated caller,
which listens for the agent's replies to time its turns), and sends the caller's block into
the agent's microphone together with the speaker's block at `echo_gain_db`, `echo_delay_s`
later — an echo path through a real, clocked device. It records both sides on its own timeline:
sample k of either happened k / rate after the rig's sample 0, the first period after the
agent was connected, whose clock time is `t0`.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from voicecli.audio.blockresampler import BlockResampler
from voicecli.audio.recording import GrowingRecording
from voicecli.audio.virtual import MicSignal
from voicecli.audioformat import CAPTURE_RATE
from voicecli.errors import VoicecliError

AGENT = "PortAudio"  # the client name PortAudio's JACK host API registers
SOUND = 1e-3  # a speaker sample louder than this is the agent speaking


class JackRig:
    """A caller and an echo path between the agent's speaker and microphone on a JACK server."""

    def __init__(
        self,
        server_name: str,
        caller: MicSignal,
        echo_gain_db: float | None = -6.0,
        echo_delay_s: float = 0.01,
    ) -> None:
        import jack

        self.server_name = server_name
        self.caller = caller
        self.echo_gain = 0.0 if echo_gain_db is None else 10.0 ** (echo_gain_db / 20.0)
        self._client = jack.Client("voicecli-rig", servername=server_name, no_start_server=True)
        self.rate: int = self._client.samplerate
        self._echo_delay = round(echo_delay_s * self.rate)
        self._speaker = self._client.inports.register("speaker")
        self._mic = self._client.outports.register("mic")
        # the caller's 16 kHz voice up to the card's rate, whole to 7.4 kHz and none held back
        # (cubic interpolation alone took 3 dB off an "s"): 1.3 ms late against its placement
        self._up = BlockResampler(CAPTURE_RATE, self.rate)
        self._pending = np.zeros(0, dtype=np.float32)  # caller audio resampled, not yet sent
        self._history = np.zeros(self._echo_delay, dtype=np.float32)  # the echo's delay line
        self._live = False
        self._blocks = 0
        self._caller_samples = 0
        self._played = GrowingRecording(self.rate)
        self._sent = GrowingRecording(self.rate)
        self.t0 = 0.0
        self.xruns: list[float] = []  # when the server reported one, on the rig's timeline
        self.finished = threading.Event()  # the caller has nothing more to say
        self.server_gone = threading.Event()
        self._agent_ports = threading.Event()
        self._heard = threading.Condition()
        self._last_sound_block = -1
        self._client.set_process_callback(self._process)
        self._client.set_xrun_callback(self._on_xrun)
        self._client.set_shutdown_callback(self._on_shutdown)
        self._client.set_port_registration_callback(self._on_port, only_available=False)

    # -- set-up ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start processing (silence into the microphone until the agent is connected)."""
        self._client.activate()

    def connect_agent(self, timeout_s: float) -> None:
        """Wait for the agent's ports, wire speaker → rig → microphone, start the caller."""
        deadline = time.monotonic() + timeout_s
        while True:
            outs = self._client.get_ports(f"{AGENT}:out", is_audio=True, is_output=True)
            ins = self._client.get_ports(f"{AGENT}:in", is_audio=True, is_input=True)
            if outs and ins:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise VoicecliError(f"the agent's ports did not appear within {timeout_s:.0f} s")
            self._agent_ports.wait(timeout=min(left, 1.0))
            self._agent_ports.clear()
        self._client.connect(outs[0], self._speaker)
        self._client.connect(self._mic, ins[0])
        self._live = True

    def stop(self) -> None:
        """Deactivate and close the client (idempotent; quiet when the server is gone)."""
        try:
            self._client.deactivate()
            self._client.close()
        except Exception:  # the server may already be gone: nothing left to release
            pass

    def wait_for_sound(self, after_s: float, timeout_s: float) -> bool:
        """Wait until the agent's speaker plays something after rig time `after_s`."""
        period_s = self._client.blocksize / self.rate
        with self._heard:
            return self._heard.wait_for(
                lambda: (self._last_sound_block + 1) * period_s > after_s, timeout=timeout_s
            )

    def wait_for_reply(self, after_s: float, quiet_s: float, timeout_s: float) -> bool:
        """Wait until the agent has spoken after rig time `after_s` and then been quiet for
        `quiet_s` (its reply is over); False if that did not happen within `timeout_s`."""
        period_s = self._client.blocksize / self.rate

        def replied() -> bool:
            last = self._last_sound_block
            spoke = last >= 0 and (last + 1) * period_s > after_s
            return spoke and (self._blocks - last - 1) * period_s >= quiet_s

        with self._heard:
            return (
                self._heard.wait_for(
                    lambda: replied() or self.server_gone.is_set(), timeout=timeout_s
                )
                and replied()
            )

    # -- what it recorded ----------------------------------------------------------------------

    def played(self) -> np.ndarray:
        """What the agent's speaker played, at the rig's rate, from rig sample 0."""
        return self._played.array()

    def sent(self) -> np.ndarray:
        """What went into the agent's microphone (caller and echo), at the rig's rate."""
        return self._sent.array()

    # -- the JACK thread ---------------------------------------------------------------------

    def _process(self, frames: int) -> None:
        out = self._mic.get_array()
        if not self._live:
            out.fill(0.0)
            return
        if self._blocks == 0:
            self.t0 = time.monotonic()
        played = self._speaker.get_array().copy()
        end = round((self._blocks + 1) * frames * CAPTURE_RATE / self.rate)
        caller = self.caller.read(self._caller_samples, end - self._caller_samples, played)
        self._caller_samples = end
        self._pending = np.concatenate([self._pending, self._up(caller)])
        block = np.zeros(frames, dtype=np.float32)
        n = min(frames, self._pending.size)
        block[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        if self.echo_gain:
            line = np.concatenate([self._history, played])
            block += self.echo_gain * line[:frames]
            self._history = line[frames:]
        out[:] = block
        self._played.append(played)
        self._sent.append(block)
        with self._heard:
            if np.abs(played).max(initial=0.0) > SOUND:
                self._last_sound_block = self._blocks
            self._blocks += 1
            self._heard.notify_all()
        if self.caller.finished(end):
            self.finished.set()

    def _on_xrun(self, delay_usecs: float) -> None:
        self.xruns.append(time.monotonic() - self.t0 if self.t0 else 0.0)

    def _on_shutdown(self, status: Any, reason: str) -> None:
        self.server_gone.set()
        self.finished.set()

    def _on_port(self, port: Any, register: bool) -> None:
        self._agent_ports.set()
