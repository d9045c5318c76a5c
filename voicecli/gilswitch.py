"""How soon a Python thread holding the interpreter must let a waiting one run.

Every stage of `talk` is a Python thread, and so are the sound card's callbacks: PortAudio
calls them from the device's own thread (JACK's real-time process thread), and they need the
interpreter lock before they can copy a block. A thread running Python code gives the lock up
only when asked, after the switch interval (5 ms by default); with several stages busy on two
cores a callback can wait more than one interval, and a 20 ms period then goes by unserved:
the device reports an xrun. The models' threads do not hold the lock while they compute; what
holds it is Python code (a stage between model calls, the bench's simulator). Measured on the
JACK rig with the product's callbacks and no models (scripts/jack-xrun-causes, 2 x 15 s): one
thread running Python beside them made the server report 450 xruns at Python's 5 ms and none
at 1 ms; two such threads 406 and 84. Busy threads that let the lock go, or two other busy
programs, gave 8-51 at either interval: those are the machine's (on this virtual machine a
real-time thread does not always get a core within a 20 ms period when both are busy).
`[session] switch_interval_ms` sets the interval (0, the default: Python's own; at 1 ms the
first long call of a process grew past its 50 MB bound, config.toml).
"""

from __future__ import annotations

import sys

PYTHON_DEFAULT_S = 0.005


def set_switch_interval(ms: float) -> float:
    """Set the interpreter's switch interval to `ms` (0: Python's default); return it in s."""
    seconds = ms / 1000.0 if ms > 0 else PYTHON_DEFAULT_S
    sys.setswitchinterval(seconds)
    return sys.getswitchinterval()
