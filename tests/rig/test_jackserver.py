"""The rig's JACK server: started under a name only its users see, and never leaking jackd's
registry slots, even when killed the way the device fault test kills it."""

from __future__ import annotations

import subprocess

from voicecli.sim.jackserver import JackServer


def test_a_server_is_reachable_by_its_name_while_running_and_gone_after() -> None:
    with JackServer() as server:
        check = ["jack_wait", "--server", server.name, "--check"]
        running = subprocess.run(check, capture_output=True, text=True, check=False)
        assert "not running" not in running.stdout and "running" in running.stdout
        assert server.env()["JACK_DEFAULT_SERVER"] == server.name
    stopped = subprocess.run(check, capture_output=True, text=True, check=False)
    assert "not running" in stopped.stdout


def test_killed_servers_do_not_use_up_jackds_eight_registry_slots() -> None:
    for _ in range(10):  # more than the registry's 8 slots
        server = JackServer()
        server.start()
        server.kill()
        server.stop()
    with JackServer() as server:
        assert server.running
