"""Ctrl-C for the processes the rig and the tests start, as a user at a terminal gives it."""

from __future__ import annotations

import signal


def ctrl_c_as_at_a_terminal() -> None:
    """Let this process, and so the agent it starts, take SIGINT as a terminal gives it.

    A process started in the background by a non-interactive shell (`nohup`, `cmd &`) has
    SIGINT ignored (POSIX), its children inherit that, and Python then keeps it ignored: the
    agent would never hear the rig's Ctrl-C and the call would end in a timeout (a long call
    on the rig did)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
