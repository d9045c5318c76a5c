"""What the rig tests share: a scenario written in the test, and the `talk` command they run."""

from __future__ import annotations

import sys
from pathlib import Path

from voicecli.bench.scenario import Scenario, load_scenarios, shipped_scenarios


def scenario_from(text: str, folder: Path) -> Scenario:
    """A scenario from TOML text whose `{clips}` are the shipped clips."""
    path = folder / "scenario.toml"
    path.write_text(text.format(clips=shipped_scenarios() / "clips"))
    (scenario,), errors = load_scenarios([path])
    assert not errors, errors
    return scenario


def talk_command(log: Path, *options: str) -> list[str]:
    """`voicecli talk` as a user starts it (no --input: the default sound card)."""
    return [sys.executable, "-m", "voicecli", "talk", "--plain", "--log", str(log), *options]
