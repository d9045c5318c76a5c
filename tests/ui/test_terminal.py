"""The panel in a real terminal (tmux), and session logs that survive kill -9."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voicecli.audio.wavfile import write_wav

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
STATE_LINE = re.compile(r"^\s*[0-9.]+s  \[([a-z ]+)\]$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][AB0-9]|\r")


@pytest.fixture(scope="module")
def question(tmp_path_factory, caller) -> Path:
    path = tmp_path_factory.mktemp("talk") / "question.wav"
    speech = caller.say("What is the capital of France?")
    silence = np.zeros(16000 // 2, dtype=np.float32)
    write_wav(path, np.concatenate([silence, speech, np.zeros(16000 * 5, np.float32)]), 16000)
    return path


def tmux(*args: str, timeout: float = 30) -> str:
    result = subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=True, timeout=timeout
    )
    return result.stdout


def test_panel_updates_through_a_whole_turn_in_tmux(tmp_path: Path, question: Path) -> None:
    assert shutil.which("tmux"), "tmux is missing: run scripts/setup"
    name = f"voicecli-test-{os.getpid()}"
    stream = tmp_path / "pane.log"
    tmux("new-session", "-d", "-s", name, "-x", "110", "-y", "48")
    try:
        tmux("pipe-pane", "-t", name, "-o", f"cat >> {stream}")
        command = (
            f"cd {REPO} && {sys.executable} -m voicecli talk --input {question} --no-log; "
            f"tmux wait-for -S {name}-done"
        )
        tmux("send-keys", "-t", name, command, "Enter")
        tmux("wait-for", f"{name}-done", timeout=240)  # blocks until talk has ended
        final = tmux("capture-pane", "-p", "-t", name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
    shown = ANSI.sub("", stream.read_text(errors="replace"))
    states = [
        m.group(1) for m in re.finditer(r"state (LISTENING|USER SPEAKING|THINKING|SPEAKING)", shown)
    ]
    order = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    assert order[:4] == ["LISTENING", "USER SPEAKING", "THINKING", "SPEAKING"], order
    assert "What is the capital of France?" in shown
    assert "paris" in shown.lower()
    assert "turn 1: endpoint" in final and "TTFA" in final, final


def test_kill_9_loses_no_logged_event(tmp_path: Path, question: Path) -> None:
    log = tmp_path / "session.jsonl"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voicecli",
            "talk",
            "--input",
            str(question),
            "--plain",
            "--log",
            str(log),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    printed = []
    assert process.stdout is not None
    for line in process.stdout:  # blocks on the child's output, line by line
        printed.append(line)
        if " you: " in line:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    kinds = [r["kind"] for r in records]
    committed = [r for r in records if r["kind"] == "turn_committed"]
    assert committed and committed[0]["text"] in printed[-1]
    assert kinds[0] == "session_started"
    printed_states = [m.group(1) for line in printed if (m := STATE_LINE.match(line))]
    logged_states = [r["state"] for r in records if r["kind"] == "state_changed"]
    assert printed_states and logged_states[: len(printed_states)] == printed_states
    assert "session_ended" not in kinds, "the process died before it could say goodbye"
    report = subprocess.run(
        [sys.executable, "-m", "voicecli", "report", str(log)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert report.returncode == 0, report.stderr
    assert "the log ends without session_ended" in report.stdout
    assert f"turn 1 (“{committed[0]['text']}”) was committed; its reply never ended" in (
        report.stdout
    )
