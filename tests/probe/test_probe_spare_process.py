"""The spare probe process (issue 9, pick to first result): started before the pick with a
head start (torch imported where the interpreter has it), it serves the pick, runs no file
before it, ends when idle, is replaced when it died, and never changes what the person's
file meets (a file that edits its environment loads in a fresh process; a file that does not
name torch never waits for torch's import)."""

from __future__ import annotations

import math
import os
import signal
import time

import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe
from fdgui.probe.spare import Spare

pytest.importorskip("torch", reason="the head start imports torch where it is installed")

# module-level code that leaves a mark (the file ran) and says whether torch was imported then
MARKED = """
import os, sys
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "ran"), "a") as f:
    f.write("imported " if "tor" + "ch" in sys.modules else "plain ")  # the word not named
theta0 = np.array([0.3, -0.7, 1.1])
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""
ENVIRON = """
import os
os.environ["OMP_NUM_THREADS"] = "3"  # read by torch's OpenMP as it starts
import numpy as np
import torch
theta0 = np.array([0.5, 1.5])
def loss(t):
    return float(torch.sum(torch.as_tensor(t) ** 2))
"""
TORCH = """
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "1"  # as importing JAX does: not a variable of torch's
import numpy as np
import torch
theta0 = np.array([0.5, 1.5])
def loss(t):
    return float(torch.sum(torch.as_tensor(t) ** 2))
"""


def warmed(spare: Spare, seconds: float = 120.0):
    """The picker opens (``prepare``): the spare's process once its head start is over."""
    process = spare.prepare()
    ends = time.monotonic() + seconds
    while spare._thread.is_alive():
        assert time.monotonic() < ends, "the head start did not finish"
        time.sleep(0.05)
    return process


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_the_pick_is_served_by_the_spare_and_no_file_ran_before_it(tmp_path):
    spare = Spare()
    try:
        path = write(tmp_path, "marked.py", MARKED)
        process = warmed(spare)
        assert process.head_start["torch"] is True, process.head_start
        pid = process.process.pid
        time.sleep(0.3)
        assert not (tmp_path / "ran").exists()  # the spare ran nothing of the person's
        assert process.load_request is None
        taken = spare.take(None, 7.0)
        assert taken is process and spare.process is None and taken.timeout == 7.0
        model = open_probe(path, None, 7.0, taken)
        assert model.process.process.pid == pid  # the spare's own process, not a new one
        assert (tmp_path / "ran").read_text() == "imported "  # the head start, then the file
        expected = math.fsum(map(math.sin, (0.3, -0.7, 1.1)))
        assert model.loss(model.theta0()) == pytest.approx(expected)
        model.close()
    finally:
        spare.end()


def test_a_file_that_sets_its_environment_loads_in_a_fresh_process(tmp_path):
    spare = Spare()
    try:
        process = warmed(spare)
        pid = process.process.pid
        model = open_probe(write(tmp_path, "environ.py", ENVIRON), None, 30.0,
                           spare.take(None, 30.0))  # fmt: skip
        assert model.process.process.pid != pid  # loaded again where torch sees its variable
        assert model.loss(model.theta0()) == pytest.approx(2.5)
        model.close()
        process = warmed(spare)  # a torch.py of the person's, beside the file, comes first
        pid = process.process.pid
        write(tmp_path, "torch.py", "raise ImportError('the torch of the folder')\n")
        with pytest.raises(ProbeError, match="the torch of the folder"):
            open_probe(write(tmp_path, "shadowed.py", TORCH), None, 30.0, spare.take(None, 30))
        os.remove(tmp_path / "torch.py")
        process = warmed(spare)  # a sympy.py of the folder: the head start imported sympy
        pid = process.process.pid
        write(tmp_path, "sympy.py", "FOLDER = True\n")
        sympy_user = write(tmp_path, "sympy_user.py", TORCH + "import sympy\nK = sympy.FOLDER\n")
        model = open_probe(sympy_user, None, 30.0, spare.take(None, 30))
        assert model.process.process.pid != pid  # the folder's sympy, as a fresh process meets
        model.close()
        os.remove(tmp_path / "sympy.py")
        process = warmed(spare)  # a plain torch file keeps the spare's process
        pid = process.process.pid
        plain = write(tmp_path, "plain_torch.py", TORCH)
        model = open_probe(plain, None, 30.0, spare.take(None, 30))
        assert model.process.process.pid == pid
        model.close()
    finally:
        spare.end()


def test_a_file_not_naming_torch_never_waits_for_the_head_start(tmp_path):
    spare = Spare()
    try:
        process = spare.prepare()
        ends = time.monotonic() + 60
        while not process.warming:  # picked while torch is being imported
            assert time.monotonic() < ends
            time.sleep(0.005)
        taken = spare.take(None, 30.0)
        taken.fit_for(write(tmp_path, "marked.py", MARKED))
        model = open_probe(str(tmp_path / "marked.py"), None, 30.0, taken)
        assert (tmp_path / "ran").read_text() == "plain "  # a fresh process: no torch in it
        model.close()
    finally:
        spare.end()


def test_a_spare_killed_from_outside_is_replaced_without_an_error(tmp_path):
    spare = Spare()
    try:
        process = warmed(spare)
        pid = process.process.pid
        os.kill(pid, signal.SIGKILL)
        process.process.wait(timeout=10)
        again = warmed(spare)  # the picker opens again
        assert again is not process and again.alive and again.process.pid != pid
        os.kill(again.process.pid, signal.SIGKILL)
        again.process.wait(timeout=10)
        assert spare.take(None, 30.0) is None  # the pick starts its own process
        model = open_probe(write(tmp_path, "marked.py", MARKED), None, 30.0)
        assert model.loss(model.theta0()) < 1
        model.close()
    finally:
        spare.end()


def test_an_unpicked_spare_ends_after_its_idle_time_and_there_is_only_one():
    spare = Spare(idle=1.0)
    try:
        process = spare.prepare()
        assert spare.prepare() is process  # the picker again: the same spare, never two
        assert warmed(spare) is process
        assert process.alive
        ends = time.monotonic() + 20
        while process.alive:
            assert time.monotonic() < ends, "the idle spare did not end"
            time.sleep(0.1)
        assert spare.process is None
        assert spare.take(None, 30.0) is None
    finally:
        spare.end()


def test_the_spare_of_another_python_is_not_used(tmp_path):
    spare = Spare()
    try:
        process = spare.prepare()
        other = os.path.join(tmp_path, "no-such-python")
        assert spare.take(other, 30.0) is None  # the field names another interpreter
        assert process.cancelled
    finally:
        spare.end()
