"""A probe process stopped by a signal from outside (SIGSTOP) is not given the 60 s a slow
start may take (review18p M3): a spare stopped before the pick, or during its head start,
made the pick wait 60 s (FIRST_CALL_ALLOWANCE) whatever the Timeout field said (3 s), and
then said "did not answer within 3 s". A process found stopped is not importing anything:
the pick's timeout is what it gets. A spare found stopped at the pick is replaced by a
fresh process; one stopped after it fails its head start within the timeout and the file
loads fresh."""

from __future__ import annotations

import os
import signal
import time

import pytest

from fdgui.probe.client import FIRST_CALL_ALLOWANCE, ProbeError
from fdgui.probe.ending import stopped_by_signal
from fdgui.probe.model import open_probe
from fdgui.probe.spare import Spare

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")

TORCH = """
import numpy as np
import torch
theta0 = np.array([0.5, 1.5])
def loss(t):
    return float(torch.sum(torch.as_tensor(t) ** 2))
"""
STOPS_ITSELF = """
import os, signal
import numpy as np
os.kill(os.getpid(), signal.SIGSTOP)  # stopped while its file loads
theta0 = np.array([0.5, 1.5])
def loss(t):
    return float(np.sum(t ** 2))
"""
# far below the first-call allowance, with room for a fresh torch import on a busy machine
BOUND = FIRST_CALL_ALLOWANCE - 20


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def stop_when(spare: Spare, warming: bool, seconds: float = 120.0):
    """The spare's process, SIGSTOPped during its head start or once it is over."""
    process = spare.prepare()
    ends = time.monotonic() + seconds
    while (
        (not process.warming or process.process is None) if warming else (spare._thread.is_alive())
    ):
        assert time.monotonic() < ends
        time.sleep(0.01)
    os.kill(process.process.pid, signal.SIGSTOP)
    while not stopped_by_signal(process.process):  # the signal is taken when it runs next
        assert time.monotonic() < ends
        time.sleep(0.01)
    return process


def test_a_spare_stopped_before_the_pick_is_not_used(tmp_path):
    pytest.importorskip("torch")
    for warming in (False, True):
        spare = Spare()
        try:
            stop_when(spare, warming)
            started = time.monotonic()
            assert spare.take(None, 3.0) is None  # the pick starts its own process
            model = open_probe(write(tmp_path, "t.py", TORCH), None, 3.0)
            assert model.loss(model.theta0()) == pytest.approx(2.5)
            model.close()
            assert time.monotonic() - started < BOUND
        finally:
            spare.end()


def test_a_spare_stopped_after_the_pick_during_its_head_start_costs_the_timeout(tmp_path):
    pytest.importorskip("torch")
    spare = Spare()
    try:
        process = spare.prepare()
        ends = time.monotonic() + 120
        while not process.warming or process.process is None:
            assert time.monotonic() < ends
            time.sleep(0.01)
        taken = spare.take(None, 3.0)
        assert taken is process
        pid = process.process.pid
        os.kill(pid, signal.SIGSTOP)  # after the pick, while torch is being imported
        started = time.monotonic()
        path = write(tmp_path, "t.py", TORCH)
        taken.fit_for(path)
        model = open_probe(path, None, 3.0, taken)
        assert model.process.process.pid != pid  # loaded in a fresh process
        assert model.loss(model.theta0()) == pytest.approx(2.5)
        model.close()
        assert time.monotonic() - started < BOUND
    finally:
        spare.end()


def test_a_load_stopped_by_a_signal_fails_within_the_timeout_in_words(tmp_path):
    started = time.monotonic()
    with pytest.raises(ProbeError) as caught:
        open_probe(write(tmp_path, "stops.py", STOPS_ITSELF), None, 2.0)
    assert time.monotonic() - started < BOUND
    assert "stopped by a signal" in str(caught.value), str(caught.value)
    assert "within 2 s" in str(caught.value), str(caught.value)


def test_a_spare_killed_just_before_its_load_loads_the_file_fresh(tmp_path):
    """review18p L2: a spare killed −9 between the pick and its load: the pick failed
    "killed by SIGKILL" where a fresh process was promised."""
    pytest.importorskip("torch")
    spare = Spare()
    try:
        process = spare.prepare()
        ends = time.monotonic() + 120
        while spare._thread.is_alive():
            assert time.monotonic() < ends
            time.sleep(0.05)
        taken = spare.take(None, 30.0)
        assert taken is process
        pid = process.process.pid
        os.kill(pid, signal.SIGKILL)  # the pick is already made
        model = open_probe(write(tmp_path, "t.py", TORCH), None, 30.0, taken)
        assert model.process.process.pid != pid
        assert model.loss(model.theta0()) == pytest.approx(2.5)
        note = model.process.load_note
        assert "loaded in a fresh process" in note and "killed by SIGKILL" in note, note
        assert "twice" not in note, note  # it never ran in the killed one
        model.close()
    finally:
        spare.end()
