"""A caller who talks for more than a minute, through `voicecli talk --input` as a user runs it:
the turn is transcribed in full past Whisper's 30 s window, and it is answered."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.faults.conftest import REAL_STORE
from voicecli.audio.wavfile import write_wav
from voicecli.wer import word_error_rate

pytestmark = pytest.mark.slow

MONOLOGUE = [
    "Let me tell you about my weekend, because it was a long one.",
    "On Saturday morning I got up early and walked down to the market by the river.",
    "I bought apples, a loaf of bread, some cheese and a bunch of flowers for my sister.",
    "Then I took the train to the next town to visit my grandmother, who turned ninety last month.",
    "She still bakes every Sunday, and she made a plum cake that was far too sweet, but I ate "
    "two pieces anyway.",
    "In the afternoon we looked at old photographs of the family farm, the horses, and the "
    "little school where she taught for thirty years.",
    "On the way home the train was late, so I read a book about the history of Rome and the "
    "emperors who built its roads and bridges.",
    "By the time I got home it was dark and raining, and I made myself a cup of tea.",
    "On Sunday I stayed in and cleaned the kitchen, which took most of the morning because the "
    "oven had not been cleaned since the spring.",
    "After lunch my neighbour came over with his dog, a very old and very friendly spaniel, and "
    "we talked for an hour about his garden and the tomatoes he grows every summer.",
    "In the evening I called my brother, who lives abroad and works as a nurse in a big hospital.",
    "He told me he is planning a trip next year and wants to see the old cities of Europe.",
    "Anyway, that reminded me of something I wanted to ask you.",
    "What is the capital of Italy?",
]
RATE = 16000


def test_a_monologue_of_over_a_minute_is_heard_whole_and_answered(tmp_path: Path, caller) -> None:
    parts = [np.zeros(RATE // 2, np.float32)]
    for sentence in MONOLOGUE:
        parts += [caller.say(sentence), np.zeros(int(0.15 * RATE), np.float32)]
    speech_s = sum(p.size for p in parts) / RATE
    assert speech_s > 60.0
    clip = tmp_path / "monologue.wav"
    write_wav(clip, np.concatenate([*parts, np.zeros(8 * RATE, np.float32)]), RATE)
    log = tmp_path / "session.jsonl"
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "voicecli",
            "talk",
            "--input",
            str(clip),
            "--plain",
            "--log",
            str(log),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={"HOME": str(tmp_path), "VOICECLI_MODELS": str(REAL_STORE), "PATH": "/usr/bin:/bin"},
    )
    assert ran.returncode == 0, ran.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    committed = [r for r in records if r["kind"] == "turn_committed"]
    # a loaded machine may commit at a pause and take it back when the caller goes on (the
    # reply is cancelled unheard): what counts is one turn, answered once, at its end
    taken_back = {r["cancelled_gen"] for r in records if r["kind"] == "turn_reopened"}
    kept = [r for r in committed if r["gen"] not in taken_back]
    assert len(kept) == 1 and {r["turn"] for r in committed} == {1}, [
        r["text"][:80] for r in committed
    ]
    heard = kept[0]["text"]
    spoken = [r for r in records if r["kind"] == "assistant_turn" and r["text"]]
    assert all(r["t"] > kept[0]["t"] for r in spoken), "the agent never spoke over the caller"
    assert word_error_rate([" ".join(MONOLOGUE)], [heard]) < 0.08, heard
    assert heard.lower().rstrip(" ?.").endswith("capital of italy"), heard
    replies = [r["text"] for r in records if r["kind"] == "assistant_turn"]
    assert replies and "rome" in replies[0].lower(), replies
    growing = [len(r["stable"].split()) for r in records if r["kind"] == "transcript"]
    assert max(growing) >= len(heard.split()) - 5, "the live transcript kept growing to the end"
