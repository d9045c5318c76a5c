"""Scenario files: the contract parsed strictly, errors in one line naming file and key."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voicecli.audio.wavfile import write_wav
from voicecli.bench.scenario import (
    ScenarioError,
    load_scenarios,
    parse_scenario,
    shipped_scenarios,
)

GOOD = """
name = "order-status"
description = "caller asks about an order, pauses mid-number"
tags = ["order"]

[caller]
echo_gain_db = -6.0
echo_delay_ms = 40
echo_reverb_ms = 0
noise_dbfs = -55.0

[[order]]
id = "4219"
status = "delayed"
eta = "tomorrow"
carrier = "UPS"

[[turn]]
audio = "clips/where.wav"
text = "where is my order number four two one nine"
start = "after_reply"
delay_s = 0.8
kind = "turn"
pauses = [[1.4, 0.7]]
expect = ["4219", "tomorrow"]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_wav(tmp_path / "clips" / "where.wav", np.zeros(16000, np.float32), 16000)
    return tmp_path


def write(folder: Path, text: str, name: str = "s.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_the_documented_example_parses(folder: Path) -> None:
    scenario = parse_scenario(write(folder, GOOD))
    assert scenario.name == "order-status" and scenario.tags == ("order",)
    assert scenario.caller.echo_gain_db == -6.0 and scenario.caller.noise_dbfs == -55.0
    assert scenario.orders == (
        {"id": "4219", "status": "delayed", "eta": "tomorrow", "carrier": "UPS"},
    )
    [turn] = scenario.turns
    assert turn.audio == folder / "clips" / "where.wav"
    assert turn.pauses == ((1.4, 0.7),) and turn.expect == ("4219", "tomorrow")


def test_defaults(folder: Path) -> None:
    scenario = parse_scenario(write(folder, 'name = "x"\n[[turn]]\naudio = "clips/where.wav"\n'))
    [turn] = scenario.turns
    assert (turn.start, turn.delay_s, turn.kind, turn.text) == ("after_reply", 0.8, "turn", "")
    assert scenario.caller.echo_gain_db is None, "absent echo gain means headphones"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('start = "after_reply"', 'strat = "after_reply"'),
            "unknown key 'turn[1].strat'; did you mean 'start'?",
        ),
        (
            ("echo_delay_ms = 40", "echo_dealy_ms = 40"),
            "unknown key 'caller.echo_dealy_ms'; did you mean 'echo_delay_ms'?",
        ),
        (('tags = ["order"]', 'tagz = ["order"]'), "unknown key 'tagz'; did you mean 'tags'?"),
        (
            ('start = "after_reply"', 'start = "later"'),
            "turn[1].start 'later' must be one of at, after_reply, during_reply",
        ),
        (
            ('kind = "turn"', 'kind = "cough"'),
            "turn[1].kind 'cough' must be one of turn, barge_in, backchannel",
        ),
        (
            ('audio = "clips/where.wav"', 'audio = "clips/missing.wav"'),
            "turn[1].audio 'clips/missing.wav' not found",
        ),
        (("pauses = [[1.4, 0.7]]", "pauses = [1.4, 0.7]"), "turn[1].pauses must be a list"),
        (("delay_s = 0.8", 'delay_s = "soon"'), "turn[1].delay_s must be a number"),
        (('name = "order-status"', ""), "name is missing"),
    ],
)
def test_malformed_scenarios_fail_in_one_line(folder: Path, change, message: str) -> None:
    path = write(folder, GOOD.replace(*change))
    with pytest.raises(ScenarioError) as err:
        parse_scenario(path)
    text = str(err.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_a_bad_file_does_not_stop_the_others(folder: Path) -> None:
    write(folder, GOOD, "a.toml")
    write(
        folder,
        GOOD.replace("order-status", "second")
        .replace("strat", "x")
        .replace('start = "after_reply"', 'strat = "x"'),
        "b.toml",
    )
    write(folder, GOOD.replace("order-status", "third"), "c.toml")
    scenarios, errors = load_scenarios([folder])
    assert [s.name for s in scenarios] == ["order-status", "third"]
    assert len(errors) == 1 and "b.toml" in errors[0] and "turn[1].strat" in errors[0]


def test_duplicate_names_are_rejected(folder: Path) -> None:
    write(folder, GOOD, "a.toml")
    write(folder, GOOD, "b.toml")
    scenarios, errors = load_scenarios([folder])
    assert len(scenarios) == 1 and "already used" in errors[0]


def test_shipped_scenarios_cover_the_required_cases() -> None:
    scenarios, errors = load_scenarios([shipped_scenarios()])
    assert errors == []
    assert len(scenarios) >= 8
    tags = {tag for s in scenarios for tag in s.tags}
    assert {
        "plain",
        "order",
        "pauses",
        "long",
        "barge-in",
        "backchannel",
        "echo",
        "noise",
        "human",
    } <= tags
    kinds = {t.kind for s in scenarios for t in s.turns}
    assert kinds == {"turn", "barge_in", "backchannel"}
    assert any(s.orders and any(t.expect for t in s.turns) for s in scenarios)
