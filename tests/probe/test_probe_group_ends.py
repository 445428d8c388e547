"""Processes a probe started end with it (review9j MED-3): when the probe's process ends
normally (closed, the CLI's end) its group is killed before it is reaped, as on a timeout."""

from __future__ import annotations

import os
import time

import pytest

from fdgui.probe.model import open_probe

pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX")

SPAWNS = """
import subprocess, sys
import numpy as np
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(173)"])
open({pidfile!r}, "w").write(str(child.pid))
theta0 = np.zeros(2)
def loss(t):
    return float(t @ t)
"""


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:  # a zombie is not running
        return handle.read().split(")")[-1].split()[0] != "Z"


def test_a_child_the_probe_started_ends_when_the_probe_is_closed(tmp_path):
    pidfile = tmp_path / "child.pid"
    path = tmp_path / "spawns.py"
    path.write_text(SPAWNS.format(pidfile=str(pidfile)))
    model = open_probe(str(path), timeout=30)
    child = int(pidfile.read_text())
    try:
        assert running(child)
    finally:
        model.close()
    ends = time.monotonic() + 5
    while running(child) and time.monotonic() < ends:
        time.sleep(0.05)
    assert not running(child)
