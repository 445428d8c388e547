"""The own-round-off recheck's ladder may call a relu entry wrong only from a pair no kink was
crossed up to (review17n C3's remaining Fails, M2).

A torch relu net with zero biases and four input rows of size 1e-4 has kinks 1e-6 … 1e-4 from
w on both sides of a bias entry. The recheck (``own_roundoff_recheck``) climbed its ladder
from ε and decided at the pair with the narrowest bar, beyond kinks on both sides, where
both one-sided slopes exclude a correct gradient: b0[7] "Wrong (estimate's bar)" 0.01822 ±
1.4e-4 for 0.02126 beside a float32 branch (the right side's slopes at 3e-6 … 3e-5 read
0.02124 … 0.02127); at |w| = 1e8 (b0 stored as b + 1e8) −0.02555 ± 3e-5 for −0.013648 (both
sides' slopes at 1e-7 … 1e-5 read −0.0136475, a kink 2e-5 away). Such entries are left open,
never wrong (the wide window's rule, ``wide_kinks``)."""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import failing, full_check, write_probe

pytest.importorskip("torch")

NET = """
import numpy as np, torch
SEED, BESIDE, BIG, BUG, BIDX = {seed}, {beside}, {big}, {bug}, {bidx}
torch.manual_seed(SEED)
l1 = torch.nn.Linear(5, 10).double(); l2 = torch.nn.Linear(10, 3).double()
x = torch.randn(16, 5, dtype=torch.float64); y = torch.randn(16, 3, dtype=torch.float64)
with torch.no_grad():
    l1.bias.zero_(); l2.bias.zero_(); x[:4] *= 1e-4
params = [("W0", l1.weight), ("b0", l1.bias), ("W1", l2.weight), ("b1", l2.bias)]
names = [(n, tuple(p.shape)) for n, p in params]
theta0 = np.concatenate([p.detach().numpy().ravel() for _, p in params])
theta0[50:60] += BIG
def f(t):
    P, k = {{}}, 0
    for n, s in names:
        m = int(np.prod(s)); P[n] = t[k:k + m].reshape(s); k += m
    h = x @ P["W0"].T + (P["b0"] - BIG)
    a = torch.relu(h)
    if BESIDE:  # a float32 tanh branch, straight-through (the float64 model's derivative)
        t32 = torch.tanh(h)
        a = a + 0.5 * (t32 + (t32.to(torch.float32).to(torch.float64) - t32).detach())
    return 0.5 * ((a @ P["W1"].T + P["b1"] - y) ** 2).sum() / 48
def loss(theta):
    with torch.no_grad():
        return float(f(torch.tensor(np.asarray(theta, dtype=np.float64))))
def grad(theta):
    t = torch.tensor(np.asarray(theta, dtype=np.float64), requires_grad=True)
    f(t).backward(); g = t.grad.numpy().copy()
    g[BIDX] *= 1 + BUG
    return g
"""


def _rows(report):
    return [(e.tensor, e.index, e.numeric, e.analytic, e.note) for e in report.worst[:4]]


@pytest.mark.parametrize(("seed", "beside", "big"), [(0, 1, 0.0), (1, 0, 1e8)])
def test_a_relu_net_with_kinks_on_both_sides_of_its_biases_never_fails(tmp_path, seed, beside,
                                                                        big):  # fmt: skip
    source = NET.format(seed=seed, beside=beside, big=big, bug=0.0, bidx=0)
    report = full_check(write_probe(tmp_path, source))
    assert not failing(report), _rows(report)


def test_a_sign_flip_there_still_fails(tmp_path):
    """b0[7] of the float32-branch net flipped: 0.0213 against −0.0213."""
    source = NET.format(seed=0, beside=1, big=0.0, bug=-2.0, bidx=57)
    report = full_check(write_probe(tmp_path, source))
    assert report.verdict == "fail" and ("b0", 7) in failing(report), _rows(report)
