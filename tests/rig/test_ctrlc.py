"""The rig's Ctrl-C reaches the agent even when the rig itself was started in the background."""

from __future__ import annotations

import signal
import subprocess
import sys

from voicecli.sim.ctrlc import ctrl_c_as_at_a_terminal

REPORT = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"


def _child_takes_ctrl_c() -> bool:
    child = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True)
    return child.stdout.strip() == "True"


def test_an_agent_started_by_a_rig_with_sigint_ignored_still_takes_ctrl_c() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `nohup` or `cmd &` leave it
    try:
        assert not _child_takes_ctrl_c()  # what the long call on the rig met
        ctrl_c_as_at_a_terminal()
        assert _child_takes_ctrl_c()
    finally:
        signal.signal(signal.SIGINT, previous)
