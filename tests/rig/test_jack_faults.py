"""A sound card that goes away mid-call: the JACK server killed while the agent is replying.

The agent must end the session itself with one line naming the device and exit code 1 (not
hang on a device that will never call back again), and its session log must be valid JSON to
its last event, which says how the session ended.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.conftest import Ran, assert_one_line
from tests.rig.conftest import scenario_from, talk_command
from voicecli.bench.rigcall import call_on_rig
from voicecli.sim.jackserver import JackServer

pytestmark = pytest.mark.slow

STORY = """
name = "story"
description = "one request for a long reply"
[[turn]]
audio = "{clips}/story-request.wav"
text = "tell me a long story about a brave little cat"
start = "at"
delay_s = 1.0
"""


def test_the_server_killed_during_a_reply_ends_the_session_with_one_line(tmp_path: Path) -> None:
    log = tmp_path / "talk.jsonl"
    killed: list[bool] = []

    def unplug(server: JackServer) -> None:
        server.kill()
        killed.append(True)

    scenario = scenario_from(STORY, tmp_path)
    run = call_on_rig(
        scenario, talk_command(log), log, echo_gain_db=None, during_first_reply=unplug
    )
    assert killed, "no reply began"
    assert_one_line(Ran(run.returncode, run.stdout, run.stderr), 1, "audio input device")
    events = run.events
    assert events[0]["kind"] == "session_started"
    assert any(e["kind"] == "playout_started" for e in events), "it was replying"
    assert events[-1]["kind"] == "session_ended" and events[-1]["reason"] == "error"
