"""The rig's JACK server says which client made an xrun: the bench's trace names it."""

from __future__ import annotations

import threading
import time

import jack

from voicecli.sim.jackserver import JackServer


def test_a_late_client_is_named_in_the_servers_xrun_report() -> None:
    with JackServer() as server:
        client = jack.Client("late-client", servername=server.name)
        periods = [0]
        xrun = threading.Event()

        def process(frames: int) -> None:
            periods[0] += 1
            if periods[0] == 10:
                time.sleep(0.2)  # the fault: ten periods late, once

        client.set_process_callback(process)
        client.set_xrun_callback(lambda delay: xrun.set())
        client.activate()
        try:
            assert xrun.wait(timeout=10)
        finally:
            client.deactivate()
            client.close()
        reports = server.xrun_reports()
        assert any("late-client" in line for line in reports), reports
        assert not any("late-client" in line for line in server.xrun_reports())  # given once
