"""A file loaded again in a fresh process after the spare's head start (it changed what
torch reads as it starts; or its load failed in the warmed process) has run its
module-level code twice: that is said where the file's description is (review18p L1: a
file that set OMP_NUM_THREADS ran twice in the window, once in the CLI, with no word).
A file the spare serves runs once and carries no such note."""

from __future__ import annotations

import time

import pytest

from fdgui.probe.model import open_probe
from fdgui.probe.spare import Spare

pytest.importorskip("torch", reason="the head start imports torch where it is installed")

COUNTED = """
import os
{first}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ran"), "a") as f:
    f.write("x")
import numpy as np
import torch
theta0 = np.array([0.5, 1.5])
def loss(t):
    return float(torch.sum(torch.as_tensor(t) ** 2))
"""


def warmed(spare: Spare, seconds: float = 120.0):
    process = spare.prepare()
    ends = time.monotonic() + seconds
    while spare._thread.is_alive():
        assert time.monotonic() < ends, "the head start did not finish"
        time.sleep(0.05)
    return process


@pytest.mark.parametrize(("first", "runs"), [("", 1), ('os.environ["OMP_NUM_THREADS"] = "3"', 2)])
def test_a_file_loaded_twice_says_so(tmp_path, first, runs):
    path = tmp_path / "counted.py"
    path.write_text(COUNTED.format(first=first))
    spare = Spare()
    try:
        warmed(spare)
        model = open_probe(str(path), None, 30.0, spare.take(None, 30.0))
        try:
            assert (tmp_path / "ran").read_text() == "x" * runs
            note = model.process.load_note
            if runs == 1:
                assert note == ""
            else:
                assert "counted.py" in note and "twice" in note, note
                assert "OMP_NUM_THREADS" in note or "environment" in note, note
        finally:
            model.close()
    finally:
        spare.end()


HANGS = """
import os
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ran"), "a") as f:
    f.write("x")
import time
import numpy as np
import torch
time.sleep({sleep})
theta0 = np.array([0.5, 1.5])
def loss(t):
    return float(torch.sum(torch.as_tensor(t) ** 2))
"""


def test_a_load_that_hangs_in_the_warmed_process_is_not_run_again(tmp_path, monkeypatch):
    """A load that takes longer than it may (a module-level endless loop) failed, was run
    again in a fresh process and waited the whole allowance a second time (db38cd7)."""
    from fdgui.probe import client
    from fdgui.probe.client import ProbeError

    monkeypatch.setattr(client, "FIRST_CALL_ALLOWANCE", 4.0)
    path = tmp_path / "hangs.py"
    path.write_text(HANGS.format(sleep=1000))
    spare = Spare()
    try:
        warmed(spare)
        with pytest.raises(ProbeError, match="loading the file"):
            open_probe(str(path), None, 2.0, spare.take(None, 2.0))
        assert (tmp_path / "ran").read_text() == "x"  # once
    finally:
        spare.end()


def test_a_failed_reload_of_a_file_the_spare_served_runs_once(tmp_path):
    """Only the first load meets the warmed process: a later reload (the file changed and
    now raises) is in a fresh process already and was run a second time (db38cd7)."""
    from fdgui.probe.client import ProbeError

    path = tmp_path / "counted.py"
    path.write_text(COUNTED.format(first=""))
    spare = Spare()
    try:
        warmed(spare)
        model = open_probe(str(path), None, 30.0, spare.take(None, 30.0))
        try:
            assert (tmp_path / "ran").read_text() == "x"
            path.write_text(COUNTED.format(first="") + "raise RuntimeError('broken')\n")
            with pytest.raises(ProbeError, match="broken"):
                model.refresh()
            assert (tmp_path / "ran").read_text() == "xx"  # once more, not twice
            assert model.process.load_note == ""
        finally:
            model.close()
    finally:
        spare.end()
