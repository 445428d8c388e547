"""The probe's own failures during a sweep's reference phase (the measured round-off floor and
Richardson's steps) are the sweep's failure at once (review9l HIGH-1): a kill, a crash, a
timeout or an exception in the person's code is never read as "no reference here" with the
process restarted quietly, and a hang costs one timeout, not two plus a reload."""

from __future__ import annotations

import os
import signal
import textwrap
import time

import pytest

from fdgui.core.sweep import engine
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

# misbehaves (as the armed flag file says) at any point but θ0; counts its loads
PROBE = """
import os, signal
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "loads.txt"), "a") as handle:
    handle.write("x")
theta0 = np.linspace(-1, 1, 12)
T0 = theta0.copy()
def loss(t):
    flag = os.path.join(HERE, "armed")
    if os.path.exists(flag) and np.any(t != T0):
        what = open(flag).read()
        if what == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if what == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        if what == "hang":
            while True:
                pass
        if what == "raise":
            raise RuntimeError("the user's own failure")
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""


@pytest.fixture
def probe(tmp_path):
    path = tmp_path / "refphase.py"
    path.write_text(textwrap.dedent(PROBE))
    model = open_probe(str(path), timeout=1.5)
    model.loss_precision()  # learned before the flag is armed (it has its own rules)
    yield model, tmp_path
    model.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
@pytest.mark.parametrize(
    ("what", "words"),
    [
        ("kill", "killed by SIGKILL"),
        ("segv", "crashed"),
        ("hang", "did not answer within 1.5 s"),
        ("raise", "RuntimeError: the user's own failure"),
    ],
)
@pytest.mark.parametrize("phase", ["measured_floor", "richardson"])
def test_a_failure_in_the_reference_phase_is_the_sweeps_failure(probe, monkeypatch, what,
                                                                 words, phase):  # fmt: skip
    model, folder = probe
    original = getattr(engine, phase)

    def armed(*args, **kwargs):
        (folder / "armed").write_text(what)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, phase, armed)
    engine.REFERENCE_CACHE.entries.clear()
    started = time.perf_counter()
    with pytest.raises(ProbeError) as caught:
        engine.run_sweep(EntryObjective(model, 4))
    elapsed = time.perf_counter() - started
    assert words in caught.value.message, caught.value.message
    assert (folder / "loads.txt").read_text() == "x"  # never restarted and reloaded
    if what == "hang":
        assert elapsed < 1.5 * 2, elapsed  # one timeout, not two plus a reload
    if what == "raise":
        assert "refphase.py" in caught.value.details


def test_a_sweep_that_fails_in_the_reference_phase_runs_again_after_the_fix(probe, monkeypatch):
    model, folder = probe
    original = engine.measured_floor

    def armed(*args, **kwargs):
        (folder / "armed").write_text("kill")
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "measured_floor", armed)
    engine.REFERENCE_CACHE.entries.clear()
    with pytest.raises(ProbeError):
        engine.run_sweep(EntryObjective(model, 4))
    monkeypatch.setattr(engine, "measured_floor", original)
    os.remove(folder / "armed")
    model.refresh()
    result = engine.run_sweep(EntryObjective(model, 4))
    assert any(reference.method == "Richardson" for reference in result.references)
