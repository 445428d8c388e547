"""The ε sweep of a float64 loss whose only path to w runs through float32 (review13p C2).

``np.tanh(z.astype(np.float32)).astype(np.float64)`` inside a float64 loss: while w ± ε does
not move the float32 input the loss does not move at all (L+ = L = L− exactly), though
float64 would show the slope the larger ε show by a million ulps. The sweep read that
stretch as a derivative of 0 that "settled" — an honest gradient "Gradient wrong" (3 of 6
numpy entries, 7 of 14 torch ones) — or its end as a kink on a smooth model. The loss is
resolved only to its inner format's rounding: its run of unchanged ε is no measurement, and
the larger ε, which resolve the derivative, still find a 10 % bug.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_text
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.inner_format import inner_quantum
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.probe.model import open_probe
from tests.probe.probe_checks import write_probe

NET = """
import numpy as np
r = np.random.default_rng({seed})
x = r.normal(size=(16, 5)); y = r.normal(size=(16, 3))
W1 = r.normal(size=(5, 8)) * 0.7; b1 = r.normal(size=8) * 0.3
W2 = r.normal(size=(8, 3)) * 0.7; b2 = r.normal(size=3) * 0.1
theta0 = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])
names = [("W1", (5, 8)), ("b1", (8,)), ("W2", (8, 3)), ("b2", (3,))]

def split(t):
    return t[:40].reshape(5, 8), t[40:48], t[48:72].reshape(8, 3), t[72:75]

def loss(t):
    a, b, c, d = split(np.asarray(t, float))
    h = np.tanh((x @ a + b).astype(np.float32)).astype(np.float64)
    return float(0.5 * np.mean(np.sum((h @ c + d - y) ** 2, 1)))

def true_grad(t):
    a, b, c, d = split(np.asarray(t, float))
    h = np.tanh((x @ a + b).astype(np.float32)).astype(np.float64)
    go = (h @ c + d - y) / x.shape[0]
    gz = go @ c.T * (1 - h * h)
    return np.concatenate([(x.T @ gz).ravel(), gz.sum(0), (h.T @ go).ravel(), go.sum(0)])
"""

# entries of W1 and b1 (the float32 layer's inputs): W1[4, 7], W1[1, 5], b1[5] were
# "Gradient wrong" and W1[2, 3], b1[1] "Kink at w" (seed 0)
ENTRIES = [39, 13, 45, 19, 41]


def _sweep(tmp_path, entry, bug):
    path = write_probe(tmp_path, NET.format(seed=0), bug, name=f"inner_{entry}_{bug!r:.8}.py")
    model = open_probe(str(path))
    try:
        return diagnose(run_sweep(EntryObjective(model, entry)))
    finally:
        model.close()


@pytest.mark.parametrize("entry", ENTRIES)
def test_an_honest_gradient_through_a_float32_layer_is_neither_wrong_nor_a_kink(tmp_path, entry):
    diagnosis = _sweep(tmp_path, entry, "pass")
    assert diagnosis.kind not in ("wrong", "kink"), (diagnosis.case, diagnosis.facts)
    # and it says why the smallest ε measure nothing
    assert "the loss does not change at all" in diagnosis_text(diagnosis)


@pytest.mark.parametrize("entry", ENTRIES[:3])
def test_a_ten_percent_bug_through_a_float32_layer_is_wrong(tmp_path, entry):
    diagnosis = _sweep(tmp_path, entry, f"g[{entry}] *= 1.1")
    assert diagnosis.kind == "wrong", (diagnosis.case, diagnosis.facts)


def _result(plus, minus, epsilons):
    n = epsilons.size
    return SimpleNamespace(
        kind="computed", epsilons=epsilons, loss=1.0, loss_values=np.ones(n),
        loss_plus=1.0 + plus, loss_minus=1.0 + minus, vanished=np.zeros(n, bool),
        unit_roundoff=2.0**-53,
    )  # fmt: skip


def test_an_inner_formats_rounding_is_read_and_a_flat_stretchs_edges_are_not():
    epsilons = np.logspace(-14, -1, 300)
    rng = np.random.default_rng(1)
    # a slope of 0.5 seen through rounding of 1e-9 that freezes below ε = 1e-9
    noise = rng.uniform(-1e-9, 1e-9, (2, 300)) * (epsilons > 1e-9)
    rounded = _result(0.5 * epsilons * (epsilons > 1e-9) + noise[0],
                      -0.5 * epsilons * (epsilons > 1e-9) + noise[1], epsilons)  # fmt: skip
    assert 1e-9 <= inner_quantum(rounded) <= 4e-9
    # a loss exactly flat between two kinks 1e-9 and 3e-9 away: its derivative is 0, and
    # the flat stretch is the measurement (flat.py), no rounding
    kinks = _result(0.5 * np.maximum(epsilons - 1e-9, 0),
                    0.7 * np.maximum(epsilons - 3e-9, 0), epsilons)  # fmt: skip
    assert inner_quantum(kinks) is None
    # nor is a dead side (a relu past its kink on one side only)
    dead = _result(0.5 * np.maximum(epsilons - 1e-9, 0) + noise[0], 0 * epsilons, epsilons)
    assert inner_quantum(dead) is None
    # nor float64's own staircase: 1 + w³ at 0 is unchanged up to ε ~ 5e-6, its slope above
    # is far larger, but its even parts are float64's rounding only
    cubic = _result((1.0 + epsilons**3) - 1.0, (1.0 - epsilons**3) - 1.0, epsilons)
    assert inner_quantum(cubic) is None
