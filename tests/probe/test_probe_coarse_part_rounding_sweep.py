"""The ε explorer beside a coarser part: the rounding it reads, and relu kinks near w.

A float64 net whose hidden layer is ``p64(h) + coarse(h)`` — a float64 path beside a part
computed in float32 / float16 / bfloat16 (review15x). Two things the explorer must get
right there:

- the part's rounding is read from the leaps the sweep's own even parts L+ + L− − 2L show,
  so it bounds the real rounding of the differences (the coarse loss less the all-float64
  one, computed here) without exceeding it many times over (fx15x read a bfloat16 part's
  about thirty times too large: honest entries "Too coarse to judge");
- an honest gradient with a relu kink 1e-7 … 1e-4 from w beside a float32 part is never
  "Gradient wrong" (below the kink only the float64 path's slope moved the differences, a
  plateau read as converged: review15x X2), and a kink that far away is not "at w" (M1).
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_text
from fdgui.core.requests import sweep_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.core.sweep.reading import judges_nothing
from fdgui.probe.model import open_probe
from tests.probe.probe_checks import write_probe

NET = """
import numpy as np
import ml_dtypes
PART, SEED, BUG, OMIT, P64, KOFF = {part!r}, {seed}, {bug}, {omit}, {p64!r}, {koff}
r = np.random.default_rng(SEED)
X = r.normal(size=(16, 5)); Y = r.normal(size=(16, 3)); r.integers(0, 3, size=16)
shapes = [("W1", (7, 5)), ("b1", (7,)), ("W2", (3, 7))]
names = shapes
theta0 = np.concatenate([r.normal(scale=0.7, size=s).ravel() for _, s in shapes])

def split(t):
    return t[:35].reshape(7, 5), t[35:42], t[42:63].reshape(3, 7)

# the relu's kink sits KOFF (in h) from sample 0's h[0, 1]: KOFF / |X[0, 2]| from w along W1[1, 2]
_w1, _b1, _ = split(theta0)
POFF = float((X @ _w1.T + _b1)[0, 1] - KOFF * np.sign(X[0, 2])) if KOFF else 0.0

def coarse(h, exact=False):
    if exact:
        return np.tanh(h)
    dt = {{"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16}}[PART]
    return np.tanh(h.astype(dt)).astype(dt).astype(np.float64)

def p64(h):
    return h if P64 == "lin" else np.maximum(h - POFF, 0.0)

def dp64(h):
    return 1.0 + 0.0 * h if P64 == "lin" else (h > POFF) * 1.0

def loss(t, exact=False):
    w1, b1, w2 = split(np.asarray(t, float))
    h = X @ w1.T + b1
    o = (p64(h) + coarse(h, exact)) @ w2.T
    return float(0.5 * np.mean((o - Y) ** 2))

def grad(t):
    w1, b1, w2 = split(np.asarray(t, float))
    h = X @ w1.T + b1
    a = p64(h) + coarse(h, True)
    go = (a @ w2.T - Y) / Y.size
    da = dp64(h) + (0.0 if OMIT else 1.0 - np.tanh(h) ** 2)
    gh = (go @ w2) * da
    g = np.concatenate([(gh.T @ X).ravel(), gh.sum(0), (go.T @ a).ravel()])
    g[7] *= 1.0 + BUG
    return g
"""
ENTRY = 7  # W1[1, 2]


def _sweep(tmp_path, part, seed, bug=0.0, omit=0, p64="lin", koff=0.0):
    source = NET.format(part=part, seed=seed, bug=bug, omit=omit, p64=p64, koff=koff)
    path = write_probe(tmp_path, source, name=f"r_{part}_{seed}_{bug}_{omit}_{p64}_{koff}.py")
    model = open_probe(str(path))
    try:
        objective = EntryObjective(model, ENTRY)
        result = run_sweep(objective, sweep_request({}, point=objective.point))
    finally:
        model.close()
    space: dict = {}
    exec(compile(source, str(path), "exec"), space)  # the all-float64 loss, in process
    return result, space


def _true_rounding(result, space) -> float:
    """The largest |(L+ − L−)/2 less the all-float64 loss's| over the sweep's formed ε:
    the rounding the coarser part adds to a central difference's numerator."""
    theta = np.asarray(space["theta0"], dtype=float)
    worst = 0.0
    for eps, plus, minus, gone in zip(
        result.epsilons, result.loss_plus, result.loss_minus, result.vanished, strict=True
    ):
        if gone or not 1e-9 <= eps <= 0.1:
            continue
        up, down = theta.copy(), theta.copy()
        up[ENTRY] += eps
        down[ENTRY] -= eps
        exact = space["loss"](up, True) - space["loss"](down, True)
        worst = max(worst, abs((plus - minus) - exact) / 2.0)
    return worst


@pytest.mark.parametrize(("part", "seed"), [("bf16", 0), ("bf16", 4), ("f16", 2)])
def test_the_rounding_read_bounds_the_real_one_and_is_not_many_times_it(tmp_path, part, seed):
    result, space = _sweep(tmp_path, part, seed)
    diagnosis = diagnose(result)
    read = diagnosis.facts.get("inner_rounding")
    assert read is not None, diagnosis_text(diagnosis)
    real = _true_rounding(result, space)
    assert real <= read <= 8.0 * real, (read, real)


def test_an_honest_gradient_beside_a_bfloat16_part_is_judged(tmp_path):
    """The larger ε resolve it (central differences within 3 % of it at 1e-2 … 6e-2)."""
    diagnosis = diagnose(_sweep(tmp_path, "bf16", 0)[0])
    assert diagnosis.kind in ("correct", "consistent"), diagnosis_text(diagnosis)


@pytest.mark.parametrize(
    ("part", "seed", "bug", "omit"), [("bf16", 0, 0.1, 0), ("bf16", 1, 0.0, 1)]
)
def test_bugs_beside_a_bfloat16_part_still_never_pass(tmp_path, part, seed, bug, omit):
    diagnosis = diagnose(_sweep(tmp_path, part, seed, bug=bug, omit=omit)[0])
    assert diagnosis.kind == "wrong" or judges_nothing(diagnosis), diagnosis_text(diagnosis)


@pytest.mark.parametrize(("koff", "seed"), [(1e-7, 0), (1e-6, 1), (1e-6, 2), (3e-7, 5)])
def test_a_relu_kink_near_w_beside_a_float32_part_is_never_wrong(tmp_path, koff, seed):
    diagnosis = diagnose(_sweep(tmp_path, "f32", seed, p64="relu", koff=koff)[0])
    assert diagnosis.kind != "wrong", diagnosis_text(diagnosis)


@pytest.mark.parametrize(("koff", "seed"), [(1e-5, 0), (1e-4, 1), (3e-5, 6)])
def test_a_kink_away_from_w_is_never_said_to_be_at_w_itself(tmp_path, koff, seed):
    """A kink 1e-5 … 1e-4 (in h) from w beside a float32 part: the part's rounding hides
    the jump at the smaller ε, so "Kink at w" must say within what distance it reads it."""
    result, space = _sweep(tmp_path, "f32", seed, p64="relu", koff=koff)
    diagnosis = diagnose(result)
    text = diagnosis_text(diagnosis)
    assert diagnosis.kind != "wrong", text
    if diagnosis.case == "kink-at":
        distance = koff / abs(space["X"][0, 2])  # along W1[1, 2]
        assert diagnosis.facts.get("kink_within", 0.0) >= distance, text
        assert "at w itself" not in text, text


def test_the_words_name_what_was_measured_not_a_format(tmp_path):
    """A bfloat16 part: the words say what the sweep saw (leaps of the even parts, a grid)
    and that the steps do not tell which format or quantiser made them (review15x L1)."""
    text = diagnosis_text(diagnose(_sweep(tmp_path, "bf16", 1)[0]))
    assert "leap" in text and "not which" in text, text
    assert "float32, float16 or rounding step" not in text, text
