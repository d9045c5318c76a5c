"""The audio format every layer agrees on: the capture timeline's rate and the VAD frame.

The bottom floor: engines, audio devices, the core and the stages all import it; it imports
nothing.
"""

from __future__ import annotations

CAPTURE_RATE = 16000  # Hz: the microphone timeline, Silero's and Whisper's rate
FRAME_SAMPLES = 512  # one Silero VAD frame (32 ms at 16 kHz)
FRAME_S = FRAME_SAMPLES / CAPTURE_RATE
