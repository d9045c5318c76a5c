"""The sounddevice path against ALSA plugin devices (this machine has no sound card).

PortAudio reads the ALSA configuration once per process, so each check runs in a child
process whose HOME holds an asoundrc defining a `null` device and a capture-less `file` device.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ASOUNDRC = """
pcm.vc_null {
    type null
    hint { show on description "voicecli null device" }
}
pcm.vc_playback_only {
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "/nonexistent/voicecli.raw"
    format "raw"
    hint { show on description "voicecli playback-only device" }
}
"""
PLAYBACK_ONLY_CONFIG = """
pcm.!default {
    type file
    slave.pcm "null"
    file "/dev/null"
    format "raw"
}
"""


@pytest.fixture
def alsa_home(tmp_path: Path) -> Path:
    (tmp_path / ".asoundrc").write_text(ASOUNDRC)
    return tmp_path


def run_child(home: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_devices_lists_the_alsa_plugin_devices(alsa_home: Path) -> None:
    env = {**os.environ, "HOME": str(alsa_home), "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "voicecli", "devices"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "vc_null" in result.stdout and "vc_playback_only" in result.stdout


def test_streams_open_callbacks_run_and_close_cleanly(alsa_home: Path) -> None:
    result = run_child(
        alsa_home,
        """
        import json, threading
        import numpy as np
        from voicecli.audio.devices import DeviceIO, choose_output_rate, resolve_input
        from voicecli.audio.io import AudioIO
        from voicecli.audio.playout import PlayoutRing
        from voicecli.audio.ring import SampleRing

        capture = SampleRing(16000 * 10)
        device, rate = choose_output_rate("vc_null", 22050)
        playout = PlayoutRing(rate * 5, rate)
        playout.write(np.full(rate // 10, 0.1, dtype=np.float32), gen=1, piece=0, text="hi")
        mic, mic_rate = resolve_input("vc_null", 16000)
        io = DeviceIO(capture, playout, mic, device, device_in_rate=mic_rate)
        io.start()
        got_input = capture.wait_for(16000, timeout=20)
        played = False
        for _ in range(2000):
            span = playout.state().spans[0]
            if span.device_end is not None:
                played = True
                break
            threading.Event().wait(0.01)
        io.stop()
        print(json.dumps({
            "rate": rate, "got_input": got_input, "played": played, "error": io.error,
            "audio_io": isinstance(io, AudioIO), "recorded": io.recorded(), "t0": io.t0 > 0,
            "threads": [t.name for t in threading.enumerate() if t is not threading.main_thread()],
        }))
    """,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["rate"] == 22050
    assert report["got_input"], "the input callback fed the capture ring"
    assert report["played"], "the output callback drained the playout ring"
    assert report["error"] == ""
    assert report["audio_io"] and report["t0"], "the runner needs nothing else from it"
    assert report["recorded"] is None, "a sound card session keeps no recording"


def test_a_device_that_cannot_capture_gives_one_clear_line(alsa_home: Path) -> None:
    result = run_child(
        alsa_home,
        """
        from voicecli.audio.devices import resolve_input
        from voicecli.errors import VoicecliError
        for name in ("vc_playback_only", "no-such-device"):
            try:
                resolve_input(name, 16000)
            except VoicecliError as err:
                print(err)
    """,
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2, result.stdout + result.stderr
    for line, name in zip(lines, ("vc_playback_only", "no-such-device"), strict=True):
        assert f"input device '{name}' cannot capture mono audio" in line
        assert "voicecli devices" in line and "--input FILE.wav" in line


def test_talk_without_an_input_device_says_so_and_suggests_input(tmp_path: Path) -> None:
    # an ALSA configuration whose only device cannot capture: no microphone, whatever the host
    config = tmp_path / "alsa.conf"
    config.write_text(PLAYBACK_ONLY_CONFIG)
    env = {**os.environ, "ALSA_CONFIG_PATH": str(config), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "voicecli", "talk"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "no audio input device" in lines[0] and "--input" in lines[0]
