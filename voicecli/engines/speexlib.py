"""A ctypes binding to libspeexdsp: the echo canceller and the preprocessor that follows it.

The PyPI binding `speexdsp` 0.1.1 wraps only the echo canceller (no residual echo suppression,
which needs the preprocessor linked to the echo state) and imports `imp`, gone in Python 3.12.
The C library (Debian's libspeexdsp1) is small and stable; this module calls it directly.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import numpy as np

from voicecli.errors import VoicecliError

ECHO_SET_SAMPLING_RATE = 24
PREPROCESS_SET_DENOISE = 0
PREPROCESS_SET_AGC = 2
PREPROCESS_SET_DEREVERB = 8
PREPROCESS_SET_NOISE_SUPPRESS = 18
PREPROCESS_SET_ECHO_SUPPRESS = 20
PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE = 22
PREPROCESS_SET_ECHO_STATE = 24

_int16_p = ctypes.POINTER(ctypes.c_int16)


@cache
def library() -> ctypes.CDLL:
    """libspeexdsp, loaded once, with its function signatures declared."""
    name = ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        raise VoicecliError(
            "libspeexdsp is not installed; install Debian's libspeexdsp1 (scripts/setup does), "
            "or run with --no-aec"
        ) from None
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_echo_state_reset.argtypes = [ctypes.c_void_p]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p, _int16_p, _int16_p, _int16_p]
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_preprocess_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_preprocess_run.argtypes = [ctypes.c_void_p, _int16_p]
    lib.speex_preprocess_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    return lib


def _ptr(array: np.ndarray) -> ctypes._Pointer:  # type: ignore[type-arg]
    return array.ctypes.data_as(_int16_p)


class EchoState:
    """SpeexEchoState: an adaptive filter from far end (played) to near end (mic)."""

    def __init__(self, frame_size: int, filter_length: int, sample_rate: int) -> None:
        self.lib = library()
        self.frame_size = frame_size
        self.handle = self.lib.speex_echo_state_init(frame_size, filter_length)
        rate = ctypes.c_int(sample_rate)
        self.lib.speex_echo_ctl(self.handle, ECHO_SET_SAMPLING_RATE, ctypes.byref(rate))
        # the frames pass through buffers made once, with their C pointers (a pointer made per
        # call cost more than the C call)
        self._mic, self._far, self._out = (np.zeros(frame_size, dtype=np.int16) for _ in "mfo")
        self._pointers = (_ptr(self._mic), _ptr(self._far), _ptr(self._out))

    def cancel(self, mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        self._mic[:] = mic
        self._far[:] = far
        self.lib.speex_echo_cancellation(self.handle, *self._pointers)
        return self._out.copy()

    def reset(self) -> None:
        self.lib.speex_echo_state_reset(self.handle)

    def __del__(self) -> None:
        handle = getattr(self, "handle", None)
        if handle:
            self.lib.speex_echo_state_destroy(handle)
            self.handle = None


class Preprocessor:
    """SpeexPreprocessState used for residual echo suppression after the echo canceller."""

    def __init__(
        self,
        echo: EchoState,
        sample_rate: int,
        suppress_db: int,
        suppress_active_db: int,
        noise_suppress_db: int,
    ) -> None:
        self.lib = library()
        self.handle = self.lib.speex_preprocess_state_init(echo.frame_size, sample_rate)
        self._set(PREPROCESS_SET_ECHO_STATE, ctypes.c_void_p(echo.handle))
        self._set(PREPROCESS_SET_ECHO_SUPPRESS, ctypes.c_int(suppress_db))
        self._set(PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE, ctypes.c_int(suppress_active_db))
        # Speex applies its spectral gain — residual echo suppression included — only with
        # denoising on (measured: without it the echo suppression does nothing).
        self._set(PREPROCESS_SET_DENOISE, ctypes.c_int(1))
        self._set(PREPROCESS_SET_NOISE_SUPPRESS, ctypes.c_int(noise_suppress_db))
        self._set(PREPROCESS_SET_AGC, ctypes.c_int(0))
        self._set(PREPROCESS_SET_DEREVERB, ctypes.c_int(0))
        self._frame = np.zeros(echo.frame_size, dtype=np.int16)
        self._pointer = _ptr(self._frame)

    def _set(self, request: int, value: ctypes._SimpleCData) -> None:  # type: ignore[type-arg]
        if isinstance(value, ctypes.c_void_p):
            self.lib.speex_preprocess_ctl(self.handle, request, value)
        else:
            self.lib.speex_preprocess_ctl(self.handle, request, ctypes.byref(value))

    def run(self, frame: np.ndarray) -> np.ndarray:
        """Suppress what is left of the echo in an echo-cancelled frame (in place on a copy)."""
        self._frame[:] = frame
        self.lib.speex_preprocess_run(self.handle, self._pointer)
        return self._frame.copy()

    def __del__(self) -> None:
        handle = getattr(self, "handle", None)
        if handle:
            self.lib.speex_preprocess_state_destroy(handle)
            self.handle = None
