"""A sound card that goes away mid-call: the JACK server killed while the agent is replying.

The agent must end the session itself with one line naming the device and exit code 1 (not
hang on a device that will never call back again), and its session log must be valid JSON to
its last event, which says how the session ended.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import Ran, assert_one_line
from voicecli.bench.scenario import load_scenarios
from voicecli.bench.simulator import CallerSimulator
from voicecli.sim.jackrig import JackRig
from voicecli.sim.jackserver import JackServer

pytestmark = pytest.mark.slow

CLIPS = Path(__file__).parents[2] / "voicecli" / "bench" / "scenarios" / "clips"
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
    path = tmp_path / "story.toml"
    path.write_text(STORY.format(clips=CLIPS))
    (scenario,), errors = load_scenarios([path])
    assert not errors, errors
    log = tmp_path / "talk.jsonl"
    with JackServer(rate=48000) as server:
        caller = CallerSimulator(scenario, server.rate, seed=0)
        rig = JackRig(server, caller, echo_gain_db=None)
        rig.start()
        talk = subprocess.Popen(
            [sys.executable, "-m", "voicecli", "talk", "--plain", "--log", str(log)],
            env={**server.env(), "COLUMNS": "200"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            rig.connect_agent(timeout_s=300)
            question_end = 1.0 + caller.clips[0].duration_s
            assert rig.wait_for_sound(after_s=question_end, timeout_s=120), "no reply began"
            server.kill()
            stdout, stderr = talk.communicate(timeout=60)
        finally:
            if talk.poll() is None:
                talk.kill()
                talk.wait()
            rig.stop()
    assert_one_line(Ran(talk.returncode, stdout, stderr), 1, "audio input device")
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert events[0]["kind"] == "session_started"
    assert any(e["kind"] == "playout_started" for e in events), "it was replying"
    assert events[-1]["kind"] == "session_ended" and events[-1]["reason"] == "error"
