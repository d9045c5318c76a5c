"""`voicecli doctor` loads every engine and reports each one OK with a real result."""

from __future__ import annotations

import os
import subprocess
import sys


def test_doctor_reports_all_five_engines_ok() -> None:
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "voicecli", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {
        line.split("│")[1].strip(): line
        for line in result.stdout.splitlines()
        if line.startswith("│")
    }
    assert set(rows) == {"VAD", "STT", "LLM", "TTS", "AEC"}
    assert all("OK" in row for row in rows.values())
    assert "ill" in rows["STT"].lower() and "young man" in rows["STT"].lower()
    assert "speech 0." in rows["VAD"]
    assert "ERLE" in rows["AEC"]
