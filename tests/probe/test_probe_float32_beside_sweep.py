"""The ε sweep of a float64 loss with a float32 part BESIDE a float64 path (review14p C1, C2).

``a = h + tanh(h.astype(float32)).astype(float64)``: at ε too small to move the float32
input only the float64 path h moves, so L± keep changing (L+ = L = L− never holds) and the
central differences settle, over many decades, on the float64 path's slope alone (1 where
the derivative is 2 − tanh²). The sweep read that plateau as converged and called honest
gradients "Gradient wrong" (relative errors 0.13–1.0), or the first ε that moves the float32
part a kink. A pure float32 step whose run of unchanged ε is cut short by one inner value
next to its rounding edge (the loss moves by a quantum thousands of times smaller than the
rest's rounding) was "wrong" too (C2). The loss is resolved only to its inner format's
rounding: below it the differences measure nothing; the larger ε, which resolve the
derivative, judge — and still find a 10 % bug.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_text
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.inner_format import inner_frozen, inner_quantum
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.probe.model import open_probe
from tests.probe.probe_checks import write_probe

NET = """
import numpy as np
r = np.random.default_rng({seed})
X = r.normal(size=(16, 5)); Y = r.normal(size=(16, 3))
shapes = [("W1", (7, 5)), ("b1", (7,)), ("W2", (3, 7))]
names = shapes
theta0 = np.concatenate([r.normal(scale=0.7, size=s).ravel() for _, s in shapes])

def split(t):
    return t[:35].reshape(7, 5), t[35:42], t[42:63].reshape(3, 7)

def act(h):
    t = np.tanh(h.astype(np.float32)).astype(np.float64)
    return {act}

def loss(t):
    w1, b1, w2 = split(np.asarray(t, float))
    o = act(X @ w1.T + b1) @ w2.T
    return float(0.5 * np.mean((o - Y) ** 2))

def true_grad(t):
    w1, b1, w2 = split(np.asarray(t, float))
    h = X @ w1.T + b1
    a = act(h)  # the forward's own activations, as autograd uses them
    go = (a @ w2.T - Y) / (Y.size)
    gh = (go @ w2) * ({slope})
    return np.concatenate([(gh.T @ X).ravel(), gh.sum(0), (go.T @ a).ravel()])
"""
BESIDE = {"act": "h + t", "slope": "2.0 - np.tanh(h) ** 2"}  # float32 part beside float64 path
ALONE = {"act": "t", "slope": "1.0 - np.tanh(h) ** 2"}  # a pure float32 step
# a backward that forgets the float32 part (its derivative 1 − tanh² left out, as a detach()
# would): the very slope the smallest ε show
OMITTED = {"act": "h + t", "slope": "1.0 + 0.0 * h"}

# seed 0: W1[1, 2], b1[2], b1[5] were "Gradient wrong" (0.19, 3.3 times, ...), W1[0, 0]
# "Kink inside the ε range"
ENTRIES = [7, 37, 40, 0]


def _sweep(tmp_path, entry, bug, seed=0, kind=None):
    kind = BESIDE if kind is None else kind
    source = NET.format(seed=seed, **kind)
    name = f"beside_{entry}_{seed}_{len(kind['act'])}_{len(kind['slope'])}.py"
    path = write_probe(tmp_path, source, bug, name=name)
    model = open_probe(str(path))
    try:
        return run_sweep(EntryObjective(model, entry))
    finally:
        model.close()


@pytest.mark.parametrize("entry", ENTRIES)
def test_an_honest_gradient_beside_a_float64_path_is_neither_wrong_nor_a_kink(tmp_path, entry):
    result = _sweep(tmp_path, entry, "pass")
    diagnosis = diagnose(result)
    assert diagnosis.kind not in ("wrong", "kink"), (diagnosis.case, diagnosis.facts)
    assert inner_frozen(result)
    # and it says why the smallest ε measure nothing: the float64 path alone moves there
    assert "only the rest of the loss moves" in diagnosis_text(diagnosis)


@pytest.mark.parametrize("entry", ENTRIES[:2])
def test_a_ten_percent_bug_beside_a_float64_path_is_wrong(tmp_path, entry):
    diagnosis = diagnose(_sweep(tmp_path, entry, f"g[{entry}] *= 1.1"))
    assert diagnosis.kind == "wrong", (diagnosis.case, diagnosis.facts)


@pytest.mark.parametrize("entry", [7, 40])  # seed 0: both "Kink inside the ε range", rc 0
def test_a_backward_that_forgets_the_float32_part_is_wrong(tmp_path, entry):
    # main read the smallest ε's plateau (the float64 path's slope alone) as converged: this
    # bug's value; the larger ε resolve the part's derivative and refute it
    diagnosis = diagnose(_sweep(tmp_path, entry, "pass", kind=OMITTED))
    assert diagnosis.kind == "wrong", (diagnosis.case, diagnosis.facts)


def test_a_run_cut_short_by_one_inner_value_at_its_edge_still_reads_the_rounding(tmp_path):
    # pure float32 step, seed 1, W1[0, 0]: one tanh input sits next to its float32 rounding
    # edge, so the loss moves by ~1e-13 from ε = 1.8e-11 while the rest round by ~1e-8; the
    # "curvature" read at a thousand hidden changes was that rounding (review14p C2: "settle
    # near −0.0252767, relative error 5.4e-5")
    result = _sweep(tmp_path, 0, "pass", seed=1, kind=ALONE)
    assert inner_quantum(result) is not None and inner_quantum(result) > 1e-9
    diagnosis = diagnose(result)
    assert diagnosis.kind not in ("wrong", "kink"), (diagnosis.case, diagnosis.facts)


def _result(plus, minus, epsilons):
    n = epsilons.size
    return SimpleNamespace(
        kind="computed", epsilons=epsilons, loss=1.0, loss_values=np.ones(n),
        loss_plus=1.0 + plus, loss_minus=1.0 + minus, vanished=np.zeros(n, bool),
        unit_roundoff=2.0**-53,
    )  # fmt: skip


def test_a_frozen_parts_rounding_is_read_and_smooth_or_kinked_losses_are_not():
    epsilons = np.logspace(-14, -1, 300)
    rng = np.random.default_rng(1)
    # a float64 slope of 1 beside a part of slope 0.5: sixteen inner values rounded to a
    # grid of 1e-8, weighted, which do not move below ε ≈ 1e-9 (the differences show 1
    # there, not 1.5)
    offsets, slopes = rng.uniform(0, 1, 16), rng.uniform(0.5, 1.5, 16)
    weights = 0.5 / np.sum(slopes) * np.ones(16)

    def part(x):
        inner = np.round(offsets[:, None] + slopes[:, None] * np.atleast_1d(x) / 1e-8) * 1e-8
        return weights @ inner

    frozen = _result(epsilons + part(epsilons) - part(0.0),
                     -epsilons + part(-epsilons) - part(0.0), epsilons)  # fmt: skip
    assert inner_frozen(frozen)
    assert 1e-10 <= inner_quantum(frozen) <= 4e-9
    # a smooth float64 loss (slope 1, curvature 3) rounded as float64: no coarser part
    smooth = _result((1.0 + epsilons + 1.5 * epsilons**2) - 1.0,
                     (1.0 - epsilons + 1.5 * epsilons**2) - 1.0, epsilons)  # fmt: skip
    assert inner_quantum(smooth) is None
    # nor a fine structure: sin(w) + 1e-11·sin(1e6·w) near 0.7 (its even parts grow
    # smoothly as ε², then swing once its period is crossed)
    w = 0.7

    def f(x):
        return np.sin(x) + 1e-11 * np.sin(1e6 * x)

    fine = _result(f(w + epsilons) - f(w), f(w - epsilons) - f(w), epsilons)
    assert inner_quantum(fine) is None
    # nor a kink beside a float64 slope: the even part piecewise linear past it
    kinked = _result(epsilons + 0.5 * np.maximum(epsilons - 1e-9, 0),
                     -epsilons + 0.7 * np.maximum(epsilons - 3e-9, 0), epsilons)  # fmt: skip
    assert inner_quantum(kinked) is None
    # nor many kinks beside a float64 slope (a relu layer's units at distances 1e-9 … 1e-3,
    # their slope changes of either sign): a sum of hinges grows continuously
    distances = 10 ** rng.uniform(-9, -3, (2, 40))
    changes = rng.choice([-1.0, 1.0], (2, 40)) * 10 ** rng.uniform(-2, 0, (2, 40))
    hinges = [
        (changes[k][:, None] * np.maximum(epsilons - distances[k][:, None], 0)).sum(0)
        for k in (0, 1)
    ]
    assert inner_quantum(_result(epsilons + hinges[0], -epsilons + hinges[1], epsilons)) is None


NET16 = """
import numpy as np
r = np.random.default_rng(100)
X = r.normal(size=(12, 4)); Y = r.normal(size=(12, 2))
names = [("W1", (6, 4)), ("b1", (6,)), ("W2", (2, 6))]
theta0 = np.concatenate([r.normal(scale=0.6, size=s).ravel() for _, s in names])

def split(t):
    return t[:24].reshape(6, 4), t[24:30], t[30:42].reshape(2, 6)

def sig(z):
    return 1 / (1 + np.exp(-z))

def act(h):
    return np.logaddexp(0, h) + 0.3 * sig(h.astype(np.float16)).astype(np.float64)

def loss(t):
    w1, b1, w2 = split(np.asarray(t, float))
    return float(np.mean((act(X @ w1.T + b1) @ w2.T - Y) ** 2))

def true_grad(t):
    w1, b1, w2 = split(np.asarray(t, float))
    h = X @ w1.T + b1
    a = act(h)
    go = 2 * (a @ w2.T - Y) / Y.size
    gh = (go @ w2) * (sig(h) + 0.3 * sig(h) * (1 - sig(h)))
    return np.concatenate([(gh.T @ X).ravel(), gh.sum(0), (go.T @ a).ravel()])
"""


@pytest.mark.parametrize("entry", [23])  # W1[5, 3]: "Gradient wrong" (relative error 0.012)
def test_a_float16_part_beside_softplus_is_read_past_the_paths_own_curvature(tmp_path, entry):
    # the float64 path's even parts grow as L''·ε² (far above u·|L|) long before the
    # float16 sigmoid moves at ε ≈ 1.5e-5; past its first step the even parts drift by
    # J·L'·ε (a step J in a squared loss), a few millionths of themselves per grid step
    path = write_probe(tmp_path, NET16, "pass", name=f"beside16_{entry}.py")
    model = open_probe(str(path))
    try:
        result = run_sweep(EntryObjective(model, entry))
    finally:
        model.close()
    assert inner_frozen(result)
    diagnosis = diagnose(result)
    assert diagnosis.kind not in ("wrong", "kink"), (diagnosis.case, diagnosis.facts)
