"""`voicecli talk`, unchanged, on a sound card that keeps real time: a JACK dummy server.

The rig (voicecli/sim/jackrig.py) is the room: it plays a simulated caller into the agent's
microphone and the agent's own speaker back into it at -6 dB (the echo path), through the
server, period by period, and records both sides. The agent is the real product, started as
a user starts it, with no `--input`: PortAudio's default device is the JACK server.

Checks, on the rig's timeline and the session log: every question answered (the first one
right); no turn the caller did not take (phantom) and no pause for nobody, with the agent's
voice in its microphone; a barge-in silences the speaker within 100 ms of the caller's onset.
Without echo cancellation the same call hears itself, which shows the checks can fail; that
call runs on a 44.1 kHz card (the other common rate: both streams are resampled on the way).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rig.conftest import scenario_from, talk_command
from voicecli.bench.rigcall import RigRun, call_on_rig

pytestmark = pytest.mark.slow

SCENARIO = """
name = "rig"
description = "a question, then a story the caller cuts off with another question"
[[turn]]
audio = "{clips}/q-capital-france.wav"
text = "what is the capital of france"
start = "at"
delay_s = 1.0
expect = ["paris"]
[[turn]]
audio = "{clips}/story-request.wav"
text = "tell me a long story about a brave little cat"
start = "after_reply"
delay_s = 1.0
[[turn]]
audio = "{clips}/barge-enough.wav"
text = "okay that is enough what time is it in tokyo"
start = "during_reply"
delay_s = 3.0
kind = "barge_in"
"""


def call(tmp_path: Path, aec: bool, rate: int = 48000) -> RigRun:
    log = tmp_path / "talk.jsonl"
    command = talk_command(log, *([] if aec else ["--no-aec"]))
    return call_on_rig(scenario_from(SCENARIO, tmp_path), command, log, rate)


def test_talk_answers_over_its_own_echo_and_stops_for_a_barge_in(tmp_path: Path) -> None:
    run = call(tmp_path, aec=True)
    assert run.returncode == 130, run.stderr  # ended by Ctrl-C, as a user ends it
    assert len(run.placements) == 3, "the caller said all three turns"
    replies = run.of("assistant_turn")
    commits = run.of("turn_committed")
    assert len(commits) >= 3 and all(r["text"] for r in replies)
    first = next(r for r in replies if r["gen"] == commits[0]["gen"])
    assert "paris" in first["text"].lower()
    assert {c["gen"] for c in commits} <= {r["gen"] for r in replies}, "every turn answered"
    assert run.phantom_turns() == 0
    assert run.pauses_for_nobody() == 0
    stop = run.barge_in_stop_ms()
    assert stop is not None and stop <= 100.0, stop


def test_without_echo_cancellation_the_agent_hears_itself(tmp_path: Path) -> None:
    run = call(tmp_path, aec=False, rate=44100)
    assert run.returncode == 130, run.stderr  # ended by Ctrl-C, as a user ends it
    assert run.rig.rate == 44100 and run.of("turn_committed"), "a call on a 44.1 kHz card"
    assert run.phantom_turns() + run.pauses_for_nobody() > 0
