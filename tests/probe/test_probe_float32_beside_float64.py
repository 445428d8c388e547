"""A float32 part beside a float64 path never fails a correct gradient, and its staircase
never excuses a bug as a kink (review14p C3, C4).

The activation a = h + tanh(h in float32): moving an entry by a step below the spacing at
which the float32 tanh's input moves leaves that part frozen, so the central differences
there measure the float64 path h alone (slope 1 where the gradient's is 2 − tanh²) — smooth,
following the h² law, and far from the gradient. Read as the truth by the look at the
entry's own scale (and by Richardson at its narrowest step), a correct gradient was "Wrong
at its own scale" (numpy 4 of 8 seeds, torch 2 of 8, JAX 1 of 4); a small step of the second
look whose difference landed by chance on a 10 % bug among the staircase's jumps "refuted"
the disagreement as a kink's (torch 3 of 12 bugs passed)."""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import NET_HEAD, failing, full_check, write_probe

MIX = (
    """
import numpy as np
SEED = {seed}; BUG = {bug}; BI, BJ = {bi}, {bj}
"""
    + NET_HEAD
    + """
def act(h):
    return h + np.tanh(h.astype(np.float32)).astype(np.float64)
def loss(theta):
    p = split(np.asarray(theta, dtype=np.float64))
    o = act(X @ p["W1"].T + p["b1"]) @ p["W2"].T
    return float(0.5 * np.mean((o - Y) ** 2))
def grad(theta):
    p = split(np.asarray(theta, dtype=np.float64))
    h = X @ p["W1"].T + p["b1"]
    a = act(h)
    go = (a @ p["W2"].T - Y) / (16 * 3)
    gh = (go @ p["W2"]) * (2 - np.tanh(h) ** 2)
    gW1 = gh.T @ X
    gW1[BI, BJ] *= 1 + BUG
    return np.concatenate([gW1.ravel(), gh.sum(0), (go.T @ a).ravel()])
"""
)


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_correct_gradient_beside_float32_part_never_fails(tmp_path, seed):
    path = write_probe(tmp_path, MIX.format(seed=seed, bug=0.0, bi=1, bj=2))
    report = full_check(path)
    assert not failing(report), [(e.tensor, e.index, e.numeric, e.analytic) for e in report.worst]


TORCH_MIX = """
import torch
from fdgui.probe import torch_probe
SEED, BUG, BI, BJ = {seed}, {bug}, {bi}, {bj}
torch.manual_seed(SEED)
class Bug(torch.autograd.Function):  # y = x @ W.T + b, dW[BI, BJ] scaled by 1 + BUG
    @staticmethod
    def forward(ctx, x, W, b):
        ctx.save_for_backward(x, W)
        return x @ W.T + b
    @staticmethod
    def backward(ctx, g):
        x, W = ctx.saved_tensors
        gW = (g.T @ x).clone()
        gW[BI, BJ] = gW[BI, BJ] * (1 + BUG)
        return g @ W, gW, g.sum(0)
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(5, 9)
        self.l2 = torch.nn.Linear(9, 3)
    def forward(self, x):
        h = Bug.apply(x, self.l1.weight, self.l1.bias)
        a = h + torch.tanh(h.float()).to(h.dtype)
        return self.l2(torch.nn.functional.softplus(a))
x = torch.randn(24, 5); y = torch.randn(24, 3)
probe = torch_probe(Net(), torch.nn.functional.mse_loss, (x, y))
"""


@pytest.mark.parametrize(("seed", "at"), [(1, (1, 2)), (3, (8, 4))])
def test_bug_beside_float32_part_is_no_kink(tmp_path, seed, at):
    pytest.importorskip("torch")
    path = write_probe(tmp_path, TORCH_MIX.format(seed=seed, bug=0.1, bi=at[0], bj=at[1]))
    report = full_check(path)
    assert not report.passed
    assert ("l1.weight", at[0] * 5 + at[1]) in failing(report)


def test_bug_beside_float32_part_is_no_kink_of_the_first_look(tmp_path):
    # the first look's refined step (ε/16) landed on the bug within a window of 0.2 against
    # a miss of 0.22, its one-sided slopes split by the staircase's jumps, not a kink's
    path = write_probe(tmp_path, MIX.format(seed=6, bug=0.1, bi=1, bj=2))
    report = full_check(path)
    assert not report.passed
    assert ("W1", 7) in failing(report)
