"""Faults around session logs: one file per session, and `voicecli report` on files that are
not logs, or that a crash cut short."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.faults.conftest import SAMPLE, assert_one_line, voicecli
from voicecli.events import (
    SessionEnded,
    SessionStarted,
    TurnCommitted,
    TurnOpened,
    TurnTimings,
)
from voicecli.sessionlog import open_default_log
from voicecli.trace import TraceWriter


def test_two_sessions_started_in_the_same_second_get_two_logs(tmp_path: Path) -> None:
    first = open_default_log(tmp_path, stamp="20261201-120000")
    second = open_default_log(tmp_path, stamp="20261201-120000")
    assert first.path != second.path
    assert {first.path.name, second.path.name} == {
        "20261201-120000.jsonl",
        "20261201-120000-2.jsonl",
    }
    first.close()
    second.close()


def test_a_log_folder_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "state"
    a_file.write_text("not a folder")
    config = tmp_path / "config.toml"
    config.write_text(f'[session]\nlog_dir = "{a_file}/sessions"\n')
    (tmp_path / "in.wav").write_bytes(SAMPLE.read_bytes())
    ran = voicecli("--config", str(config), "talk", "--input", "in.wav", cwd=tmp_path)
    assert_one_line(ran, 1, "cannot write session logs there", "--no-log")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "the file is empty"),
        (b"root:x:0:0:root:/root:/bin/bash\n", "not a voicecli log (no line is JSON)"),
        (b'{"name": "x"}\n[1, 2]\n', "not a voicecli log (none of its lines is a voicecli event)"),
        (SAMPLE.read_bytes(), "not a text file"),
    ],
    ids=["empty", "text", "foreign-json", "a-wav"],
)
def test_report_on_a_file_that_is_not_a_log(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "thing.jsonl"
    path.write_bytes(content)
    ran = voicecli("report", str(path), cwd=tmp_path)
    assert_one_line(ran, 1, str(path), words, "voicecli talk")


def test_report_on_a_folder_or_nothing(tmp_path: Path) -> None:
    assert_one_line(voicecli("report", str(tmp_path), cwd=tmp_path), 1, "is a folder")
    assert_one_line(voicecli("report", "gone.jsonl", cwd=tmp_path), 1, "gone.jsonl: no such file")


def _timings(turn: int) -> TurnTimings:
    return TurnTimings(2.0, turn, turn, 300.0, 280.0, 90.0, 240.0, 150.0, 780.0, "hi", "hello")


def test_report_on_a_log_cut_before_any_turn_finished(tmp_path: Path) -> None:
    path = tmp_path / "killed.jsonl"
    log = TraceWriter(path)
    log.write(SessionStarted(0.0, "streaming", {}, 16000, 22050, 0.0))
    log.write(TurnOpened(1.0, 1, 0))
    log.write(TurnCommitted(2.0, 1, 1, "What is the capital of France?", "complete", 0, 250.0))
    log.close()
    ran = voicecli("report", str(path), cwd=tmp_path)
    assert ran.code == 0 and "Traceback" not in ran.stderr, ran.stderr
    assert "session: 0 turn(s) answered; the log ends without session_ended" in ran.stdout
    assert "turn 1 (“What is the capital of France?”) was committed; its reply never ended" in (
        ran.stdout
    )


def test_report_shows_where_each_session_of_a_file_begins(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    log = TraceWriter(path)
    for _ in range(2):
        log.write(SessionStarted(0.0, "streaming", {}, 16000, 22050, 0.0))
        log.write(_timings(1))
        log.write(SessionEnded(3.0, "end of input"))
    log.close()
    ran = voicecli("report", str(path), cwd=tmp_path)
    assert ran.code == 0, ran.stderr
    assert "2 sessions in this file" in ran.stdout
    assert "session 1: 1 turn(s) answered; ended: end of input" in ran.stdout
    assert "session 2: 1 turn(s) answered; ended: end of input" in ran.stdout
    rows = [line for line in ran.stdout.splitlines() if "│ hi " in line]
    assert [row.split("│")[1].strip() for row in rows] == ["1", "2"]  # the session column


def test_a_named_log_is_one_session_never_appended(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"kind": "session_started"}) + "\n")
    (tmp_path / "in.wav").write_bytes(SAMPLE.read_bytes())
    ran = voicecli("talk", "--input", "in.wav", "--log", str(path), cwd=tmp_path)
    assert_one_line(ran, 1, f"--log {path}: already exists", "--overwrite")
    assert path.read_text().count("session_started") == 1
