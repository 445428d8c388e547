"""The ε sweep of a noisy probe entry: a reference whose bar is as wide as the calculator's
"Wrong" band confirms nothing (review9m HIGH-1, issue 9). A 1 % bug under a noise of σ =
1e-4 (Richardson ± 1.7 %) was "Gradient correct (confirmed by the Richardson reference)",
exit 0: a gradient off by 1 % or more would lie within twice that bar, so the sweep cannot
tell it from a correct one and must say so (too coarse: the loss's noise). Where the bar
is narrow the bug stays wrong and the correct gradient stays correct."""

from __future__ import annotations

import pytest

from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.probe.model import open_probe
from tests.probe.probe_checks import write_probe

SOURCE = """
import numpy as np
_noise = np.random.default_rng({seed})
theta0 = np.linspace(-1.0, 1.0, 6)
def loss(t):
    return float(np.sum(np.sin(t) + 0.5 * t * t) + {sigma} * _noise.standard_normal())
def grad(t):
    g = np.cos(t) + t
    g[2] *= 1 + {bug}
    return g
"""


def sweep(tmp_path, sigma, bug, seed=3):
    name = f"noisy_{sigma:g}_{bug:g}_{seed}.py"
    path = write_probe(tmp_path, SOURCE.format(sigma=sigma, bug=bug, seed=seed), name=name)
    model = open_probe(str(path))
    try:
        return diagnose(run_sweep(EntryObjective(model, 2)))
    finally:
        model.close()


@pytest.mark.parametrize("seed", [3, 4])
def test_a_bar_as_wide_as_the_wrong_band_confirms_no_gradient(tmp_path, seed):
    diagnosis = sweep(tmp_path, 1e-4, 1e-2, seed)
    assert diagnosis.kind != "correct", (diagnosis.case, diagnosis.facts)
    assert diagnosis.facts.get("limit") == "noise", diagnosis.facts


def test_a_narrow_bar_still_finds_the_bug_and_confirms_the_twin(tmp_path):
    assert sweep(tmp_path, 1e-6, 1e-2).kind == "wrong"
    assert sweep(tmp_path, 1e-6, 0.0).kind == "correct"
