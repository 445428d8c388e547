"""The window as a process: --smoke, --screenshot, and what happens with no display."""

import json
import os
import struct
import subprocess
import sys

APP = [sys.executable, "-m", "fdgui"]


def env(**changes):
    environment = dict(os.environ)
    for key, value in changes.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment


def test_smoke_starts_the_real_window_and_computes_the_example():
    out = subprocess.run(
        [*APP, "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env(QT_QPA_PLATFORM="offscreen"),
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ok"] is True
    assert result["gradient"] == "0.5"
    assert 0 < result["startup_ms"] < 60_000


def test_smoke_can_open_every_panel():
    out = subprocess.run(
        [*APP, "--smoke", "--all-panels"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env(QT_QPA_PLATFORM="offscreen"),
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ok"] is True, result
    assert result["panels"]["calculator"] == "ok"


def test_screenshot_saves_a_png_of_the_window(tmp_path):
    path = tmp_path / "window.png"
    out = subprocess.run(
        [*APP, "--screenshot", str(path), "--size", "1280x800"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env(QT_QPA_PLATFORM="offscreen"),
    )
    assert out.returncode == 0, out.stderr
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (1280, 800)


def test_no_display_prints_one_clear_sentence_instead_of_aborting():
    out = subprocess.run(
        APP,
        capture_output=True,
        text=True,
        timeout=60,
        env=env(QT_QPA_PLATFORM=None, DISPLAY=None, WAYLAND_DISPLAY=None),
    )
    assert out.returncode == 2
    message = out.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "display" in message and "fdgui-cli" in message
    assert "Traceback" not in message and "abort" not in message.lower()


def test_smoke_without_display_falls_back_to_offscreen():
    out = subprocess.run(
        [*APP, "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env(QT_QPA_PLATFORM=None, DISPLAY=None, WAYLAND_DISPLAY=None),
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])["ok"] is True
