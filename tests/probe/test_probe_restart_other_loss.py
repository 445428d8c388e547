"""A probe process that restarts (killed from outside, Cancel) loads the file again; a probe
whose θ0 is fixed but whose data batch is drawn without a seed then computes another loss
at the same θ0 (rev19p C1: the explorer read the old process's gradient against the new
process's losses and said "Gradient wrong", 3 of 3). The new process's L(θ0) is compared
with the old one's, bit for bit: the same, and nothing is dropped; another, and every cache
keyed by the model's ``cache_key`` is dropped (between runs, with a note), or the run stops
with "run again" (during a run: its answers would mix two losses)."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.probe.model import ProbeRestarted, open_probe
from tests.probe.probe_checks import write_probe

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

# θ0 fixed; the batch drawn from the process id: each process its own data, as an unseeded
# generator gives (and deterministic within one process, so each run alone is honest)
UNSEEDED = """
import os
import numpy as np
theta0 = np.array([0.7, -0.4, 1.1, 0.3])
_rng = np.random.default_rng(os.getpid())
X = _rng.normal(size=(40, 4)) * _rng.uniform(0.5, 3.0)
y = _rng.normal(size=40)
def loss(t):
    r = X @ t - y
    return float(r @ r / len(y))
def grad(t):
    return 2.0 * X.T @ (X @ t - y) / len(y)
"""
SEEDED = UNSEEDED.replace("default_rng(os.getpid())", "default_rng(3)")


def _kill(model) -> None:
    worker = model.process.process
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _swept(model):
    from fdgui.core.requests import sweep_request

    objective = EntryObjective(model, 2)
    return diagnose(run_sweep(objective, sweep_request({}, point=objective.point)))


def test_between_runs_another_loss_at_the_same_theta0_drops_what_was_computed(tmp_path):
    model = open_probe(str(write_probe(tmp_path, UNSEEDED)), timeout=20)
    try:
        assert _swept(model).kind != "wrong"
        key = model.cache_key
        _kill(model)
        note = model.refresh()
        assert "different loss at the same θ0" in note, note
        assert "seed" in note, note
        assert model.cache_key != key  # the old gradient and references are not reused
        assert _swept(model).kind != "wrong"  # the explorer's sweep 3 → Esc → 3 (rev19p C1)
    finally:
        model.close()


def test_during_a_run_another_loss_stops_the_run(tmp_path):
    model = open_probe(str(write_probe(tmp_path, UNSEEDED)), timeout=20)
    try:
        theta = model.theta0()
        model.loss(theta)
        _kill(model)
        with pytest.raises(ProbeRestarted, match="run again"):
            model.losses(np.stack([theta, theta + 1e-3]))
        assert model.refresh() == ""  # the next run starts from the new process, said above
    finally:
        model.close()


def test_a_reproducible_probe_keeps_its_caches_and_its_run_goes_on(tmp_path):
    model = open_probe(str(write_probe(tmp_path, SEEDED)), timeout=20)
    try:
        theta = model.theta0()
        first = model.loss(theta)
        key = model.cache_key
        _kill(model)
        assert model.refresh() == ""
        assert model.cache_key == key
        _kill(model)
        got = model.losses(np.stack([theta, theta + 1e-3]))  # restarted within the run
        assert got[0] == first
        assert model.cache_key == key
    finally:
        model.close()
