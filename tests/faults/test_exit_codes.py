"""Exit codes follow convention: 0 a normal end, 1 an error, 2 usage, 130 Ctrl-C — and an
unforeseen failure is one line too, its traceback kept in a crash report."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from tests.faults.conftest import REAL_STORE, SAMPLE
from voicecli.audio.wavfile import read_wav, write_wav


@pytest.fixture
def call(tmp_path: Path) -> Path:
    """The sample question, then a minute of quiet: a session that is still running."""
    path = tmp_path / "call.wav"
    question = read_wav(SAMPLE, 16000)
    write_wav(path, np.concatenate([question, np.zeros(60 * 16000, np.float32)]), 16000)
    return path


def start_talk(tmp_path: Path, call: Path, log: Path) -> subprocess.Popen[str]:
    env = {"HOME": str(tmp_path), "VOICECLI_MODELS": str(REAL_STORE), "PATH": "/usr/bin:/bin"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voicecli",
            "talk",
            "--input",
            str(call),
            "--plain",
            "--log",
            str(log),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )


def interrupt_when(process: subprocess.Popen[str], seen: str) -> tuple[int, str, str]:
    """Send Ctrl-C once the process has printed a line holding `seen`; its exit and output."""
    assert process.stdout is not None
    printed = []
    for line in process.stdout:  # blocks on the child's own output, line by line
        printed.append(line)
        if seen in line:
            process.send_signal(signal.SIGINT)
            break
    out, err = process.communicate(timeout=60)
    return process.returncode, "".join(printed) + out, err


def test_ctrl_c_in_a_session_exits_130_and_the_log_says_so(tmp_path: Path, call: Path) -> None:
    log = tmp_path / "session.jsonl"
    code, _out, err = interrupt_when(start_talk(tmp_path, call, log), " you: ")
    assert code == 130, err
    assert "Traceback" not in err and err.strip().splitlines() == ["interrupted (Ctrl-C)"]
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[-1]["kind"] == "session_ended" and records[-1]["reason"] == "interrupted"


def test_ctrl_c_while_the_models_load_exits_130(tmp_path: Path, call: Path) -> None:
    log = tmp_path / "session.jsonl"
    code, _out, err = interrupt_when(start_talk(tmp_path, call, log), "loading models")
    assert code == 130, err
    assert "Traceback" not in err and err.strip().splitlines() == ["interrupted (Ctrl-C)"]
    assert not log.exists(), "a session that never began leaves no empty log"


def test_ctrl_c_while_the_libraries_import_exits_130(monkeypatch, capsys) -> None:
    class Interrupted(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "voicecli.cli", Interrupted("voicecli.cli"))
    from voicecli.entry import main

    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 130
    assert capsys.readouterr().err == "interrupted (Ctrl-C)\n"


def test_an_unforeseen_failure_is_one_line_and_a_crash_report(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    import voicecli.modelcli
    from voicecli.cli import run_cli

    def broken(*_args: object) -> None:
        raise ValueError("a bug nobody foresaw")

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(voicecli.modelcli, "list_models", broken)
    code = run_cli(["models", "list"])
    err = capsys.readouterr().err
    assert code == 1
    ran_lines = [line for line in err.splitlines() if line.strip()]
    assert len(ran_lines) == 1 and "Traceback" not in err
    line = ran_lines[0]
    assert "internal error (ValueError: a bug nobody foresaw); this is a bug — report" in line
    report = Path(line.rsplit(" ", 1)[-1])
    assert report.is_file() and "Traceback" in report.read_text()
    assert str(tmp_path) in str(report)
