"""Window sizes from --size are bounded: a huge one is refused in words, never a crash."""

import os
import subprocess
import sys

import pytest

from fdgui.app import MAX_SIDE, MIN_SIDE, parse_size


@pytest.mark.parametrize(
    "text, size",
    [("1280x800", (1280, 800)), (" 860X600 ", (860, 600)), (f"{MAX_SIDE}x{MIN_SIDE}", None)],
)
def test_sizes_inside_the_bounds_are_read(text, size):
    got, problem = parse_size(text)
    assert got == (size or (MAX_SIDE, MIN_SIDE)) and problem == ""


@pytest.mark.parametrize(
    "text", ["100000x100000", "0x0", "abc", "1280", "-5x7", "9" * 5000 + "x1", "1e4x800"]
)
def test_sizes_outside_the_bounds_are_refused_in_words(text):
    got, problem = parse_size(text)
    assert got is None and problem and len(problem) < 200


@pytest.mark.parametrize("flag", [["--smoke"], ["--screenshot", "never-written.png"]])
def test_a_huge_size_ends_in_a_message_not_a_crash(flag, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "fdgui", *flag, "--size", "100000x100000"],
        capture_output=True,
        text=True,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "8192" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "never-written.png").exists()
