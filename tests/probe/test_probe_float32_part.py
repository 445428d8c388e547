"""A float64 loss with one PART computed in float32 (review9m CRITICAL-1).

A cross-entropy in float64 plus an L2 penalty computed on ``np.float32(w)`` returns a float64
number, so its precision reads as float64. But the penalty moves only in whole float32
quanta: at the check's small steps it stands still (its derivative missing) or jumps by a
quantum, while the rest is float64-smooth. Read as float64, the check called correct
gradients "wrong at their own scale" (62 of 63 entries), and the no-grad bars missed the
truth by up to 1e6 bars. The loss's resolution is measured (the part's quantum, read from
the jumps along the round-off lines), so a correct gradient is never wrong, a real bug is
still found at its entry, and every no-grad bar holds the truth.
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.netcheck.roundoff import part_quantum
from tests.probe.probe_checks import failing, full_check, no_grad_estimates, write_probe

NET = """
import numpy as np
rng = np.random.default_rng({seed})
d0, d1, d2, B = 7, 9, 4, 12
X = rng.standard_normal((B, d0)); Y = rng.integers(0, d2, B)
W1 = rng.standard_normal((d0, d1)) / np.sqrt(d0); b1 = 0.1 * rng.standard_normal(d1)
W2 = rng.standard_normal((d1, d2)) / np.sqrt(d1); b2 = 0.1 * rng.standard_normal(d2)
theta0 = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])
names = [("W1", (d0, d1)), ("b1", (d1,)), ("W2", (d1, d2)), ("b2", (d2,))]
LAM = 0.01

def split(t):
    out, i = [], 0
    for _, s in names:
        n = int(np.prod(s)); out.append(t[i:i + n].reshape(s)); i += n
    return out

def forward(t):
    w1, c1, w2, c2 = split(np.asarray(t, float))
    h = np.{act}(X @ w1 + c1)
    o = h @ w2 + c2
    p = np.exp(o - o.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    return w1, c1, w2, h, p

def loss(t):
    w1, _, _, _, p = forward(t)
    ce = -np.mean(np.log(p[np.arange(B), Y]))
    return float(ce + float(np.float32(LAM) * np.sum(np.float32(w1) ** 2)))

def true_grad(t):
    w1, _, w2, h, p = forward(t)
    do = p.copy(); do[np.arange(B), Y] -= 1; do /= B
    dz = do @ w2.T * {dact}
    gw1 = X.T @ dz + 2 * LAM * w1
    return np.concatenate([gw1.ravel(), dz.sum(0), (h.T @ do).ravel(), do.sum(0)])

def largest(lo, hi):  # the entry a bug goes to: the largest |g| in [lo, hi)
    return lo + int(np.argmax(np.abs(true_grad(theta0)[lo:hi])))
"""

ACTIVATIONS = {"tanh": "(1 - h ** 2)", "sin": "np.cos(X @ w1 + split(t)[1])"}


def _source(seed: int, act: str) -> str:
    return NET.format(seed=seed, act=act, dact=ACTIVATIONS[act])


@pytest.mark.parametrize(("seed", "act"), [(5, "tanh"), (12, "tanh"), (3, "sin")])
def test_a_correct_gradient_of_a_loss_with_a_float32_penalty_passes(tmp_path, seed, act):
    path = write_probe(tmp_path, _source(seed, act), "pass")
    report = full_check(path)
    assert report.verdict == "pass", [(w.tensor, w.index, w.note) for w in report.worst[:3]]


@pytest.mark.parametrize(
    ("bug", "where"),
    [("g[k] = -g[k]", (0, 63)), ("g[k] *= 1.1", (0, 63)), ("g[k] *= 1.01", (72, 108))],
)
def test_a_bug_beside_a_float32_penalty_is_found_at_its_entry(tmp_path, bug, where):
    path = write_probe(tmp_path, _source(5, "tanh"), f"k = largest{where}; {bug}")
    space: dict = {}
    exec(path.read_text(), space)
    entry = space["largest"](*where)
    report = full_check(path)
    assert report.verdict == "fail", report.summary
    offsets = {"W1": 0, "b1": 63, "W2": 72, "b2": 108}
    assert {offsets[t] + i for t, i in failing(report)} == {entry}


def test_the_no_grad_bars_of_a_loss_with_a_float32_penalty_hold_the_truth(tmp_path):
    path = write_probe(tmp_path, _source(5, "tanh"))
    values, bars, truth = no_grad_estimates(path)
    missed = np.flatnonzero(~(np.abs(values - truth) <= bars))
    assert missed.size == 0, [(int(i), values[i], bars[i], truth[i]) for i in missed[:5]]
    # and they are usefully narrow: the step for the part's rounding, not float64's (whose
    # differences carry the part's quantum over ε: 7 % bars where 1e-4 is reachable)
    assert np.median(bars / np.abs(truth)) < 1e-2


def test_a_parts_quantum_is_read_from_jumps_and_not_from_kinks_or_a_smooth_loss():
    rng = np.random.default_rng(0)
    k = np.arange(-6, 7, dtype=float)
    spacing = 6e-7
    lines = []
    for _ in range(3):
        x = 0.4 + k * spacing * rng.uniform(0.5, 2)
        smooth = np.tanh(x) + 0.3 * x**2
        part = 0.01 * (np.float32(x) ** 2 + np.float32(9)).astype(np.float64)
        lines.append(smooth + part)
    quantum = 0.01 * float(np.spacing(np.float32(9)))
    floor = 8 * 2.0**-53 * 2
    assert part_quantum(np.array(lines), floor) == pytest.approx(quantum, rel=0.05)
    smooth = np.array([np.tanh(0.4 + k * spacing * s) for s in (0.7, 1.0, 1.3)])
    assert part_quantum(smooth, floor) == 0
    # three relu kinks crossed (slope changes of unrelated sizes) are no quantum
    x = k * spacing
    kinks = np.array(
        [np.maximum(x - d, 0) * c for d, c in ((1e-7, 0.3), (-2.2e-6, 1.7), (7e-7, 0.9))]
    )
    assert part_quantum(kinks.sum(0, keepdims=True) + 1.0, floor) == 0


def test_kinks_at_the_point_and_a_single_jump_are_no_parts_quantum():
    k = np.arange(-6, 7, dtype=float)
    x = k * 6e-7
    floor = 8 * 2.0**-53 * 2
    # relu units a hair from 0 at θ0: their kinks sit at the middle point of every line
    at_point = [np.maximum(x - d, 0) * c for d, c in ((1e-9, 0.7), (-2e-9, 1.3), (3e-10, 0.4))]
    assert part_quantum(np.array(at_point) + 1.0, floor) == 0
    # one step of the loss beside θ0 (on one side): a jump, not a staircase
    jump = 1.0 + 0.3 * x + np.where(x > 1.1e-6, 1e-8, 0.0)
    assert part_quantum(jump[None, :], floor) == 0


def _sweep(even_part):
    """The fields of a computed sweep part_quantum reads, with L = 1 and L+ = L− = L + ½ of
    ``even_part(ε)`` (its even part exactly that)."""
    from types import SimpleNamespace

    epsilons = np.logspace(-12, -1, 200)
    half = np.array([even_part(e) for e in epsilons]) / 2
    return SimpleNamespace(
        kind="computed", epsilons=epsilons, loss=1.0, loss_values=np.ones(200),
        loss_plus=1.0 + half, loss_minus=1.0 + half, vanished=np.zeros(200, bool),
        unit_roundoff=2.0**-53,
    )  # fmt: skip


def test_the_sweeps_part_quantum_comes_and_goes_and_a_jump_stays():
    from fdgui.core.sweep.quantum import part_quantum as sweep_part_quantum

    q = 1e-9
    stairs = lambda e: -0.6 * e**2 + q * (int(e * 1e7) % 3 == 1)  # noqa: E731
    assert sweep_part_quantum(_sweep(stairs)) == pytest.approx(q, rel=0.05)
    jump = lambda e: -0.6 * e**2 + q * (e > 3e-7)  # noqa: E731
    assert sweep_part_quantum(_sweep(jump)) is None
    assert sweep_part_quantum(_sweep(lambda e: -0.6 * e**2 + 3e-3 * e**4)) is None
