"""A disagreement the check's own estimate resolves is never a Pass (review9i C3).

A torch MLP with every parameter × 1e-4 (small init) and a 1 % bug on one bias: the check's
windows carry ten times the round-off, rounded up, so the disagreement (a few 1e-9) was
"undecided" — or, a kink suspected on a smooth loss, "explained" — and the check passed,
while its own no-grad estimate (Richardson, bar from the measured round-off) put the bug
ten bars away. Each test first shows, with that estimate, that the bug is resolvable.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.netcheck.numeric import numeric_gradient_report
from fdgui.core.report.netcheck import verdict_in_words
from fdgui.probe.model import open_probe

pytest.importorskip("torch", reason="the small-init network is a torch model")

TORCH = """
import torch
from fdgui.probe import torch_probe
torch.manual_seed({seed})
x, y = torch.randn(32, 8), torch.randint(0, 4, (32,))
net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Tanh(), torch.nn.Linear(16, 4))
with torch.no_grad():
    [p.mul_(1e-4) for p in net.parameters()]
probe = torch_probe(net, torch.nn.functional.cross_entropy, (x, y))
"""

BUGGED = """
class _Bug:
    def __init__(self, p): self.p = p
    def __getattr__(self, k): return getattr(self.p, k)
    def gradient(self, params):
        g = {{k: v.copy() for k, v in self.p.gradient(params).items()}}
        g[{tensor!r}].reshape(-1)[{index}] {change}
        return g
probe = _Bug(probe)
"""

NUMPY = """
import numpy as np
rng = np.random.default_rng(126)
X = rng.normal(size=(12, 4)); Y = rng.normal(size=(12, 2))
S = [9.8e-09, 3.4e-08, 1.1e-06, 7868.8]; R = [9.8e-09, 3.4e-08, 1.0, 1.0]; Ls = 756.5
shapes = [(4, 3), (3,), (3, 2), (2,)]
vals = [rng.normal(size=sh) * s for sh, s in zip(shapes, S)]
theta0 = np.concatenate([v.ravel() for v in vals])
names = [("W1", (4, 3)), ("b1", (3,)), ("W2", (3, 2)), ("g", (2,))]

def split(t):
    t = np.asarray(t, float); out = []; i = 0
    for sh in shapes:
        n = int(np.prod(sh)); out.append(t[i:i + n].reshape(sh)); i += n
    return out

def loss(t):
    W1, b1, W2, g = split(t)
    h = np.tanh(X @ (W1 / R[0]) + b1 / R[1]); e = h @ (W2 / R[2]) - Y
    return float(Ls * (0.5 * np.sum(e * e) + np.sum(np.log1p((g / R[3]) ** 2))))

def true_grad(t):
    W1, b1, W2, g = split(t)
    h = np.tanh(X @ (W1 / R[0]) + b1 / R[1]); e = h @ (W2 / R[2]) - Y
    dW2 = h.T @ e / R[2]; dh = e @ (W2 / R[2]).T
    dA = dh * (1 - h * h)
    dW1 = X.T @ dA / R[0]; db1 = dA.sum(0) / R[1]
    dg = 2 * (g / R[3]) / (1 + (g / R[3]) ** 2) / R[3]
    return Ls * np.concatenate([dW1.ravel(), db1, dW2.ravel(), dg])
"""


def run(path, gradient=True):
    model = open_probe(str(path))
    try:
        if gradient:
            return run_to_completion(CheckSettings(None, engine="forward"), model=model)
        return numeric_gradient_report(model, CheckSettings(None, engine="forward"))
    finally:
        model.close()


def estimate(tmp_path, source, tensor, index):
    path = tmp_path / "estimate.py"
    path.write_text(source)
    found = {t.name: t for t in run(path, gradient=False).tensors}[tensor]
    k = int(np.flatnonzero(np.asarray(found.indices) == index)[0])
    return float(found.values[k]), float(found.error_bars[k])


def failing(result):
    return {(entry.tensor, entry.index) for entry in result.worst if entry.failing}


@pytest.mark.parametrize(
    ("tensor", "index", "change", "seed"),
    [("0.bias", 5, "*= 1.01", 1), ("0.weight", 37, "*= 1.01", 2), ("2.bias", 1, "*= 1.01", 3)],
)
def test_small_init_torch_bug_resolved_by_the_estimate_fails(tmp_path, tensor, index, change, seed):
    source = textwrap.dedent(TORCH).format(seed=seed)
    value, bar = estimate(tmp_path, source, tensor, index)
    assert 0.01 * abs(value) > 4 * bar  # resolvable by the check's own estimate
    path = tmp_path / "probe.py"
    path.write_text(source + textwrap.dedent(BUGGED).format(tensor=tensor, index=index,
                                                            change=change))  # fmt: skip
    result = run(path)
    assert result.verdict == "fail" and not result.inconclusive, verdict_in_words(result)
    assert (tensor, index) in failing(result)


def test_small_init_torch_correct_gradient_passes(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(TORCH).format(seed=1))
    result = run(path)
    assert result.verdict == "pass" and not result.inconclusive, verdict_in_words(result)


@pytest.mark.parametrize("grad", ["pass", "g[0] *= 1.01"], ids=["correct", "p1"])
def test_reparametrised_numpy_net(tmp_path, grad):
    source = textwrap.dedent(NUMPY)
    path = tmp_path / "probe.py"
    path.write_text(
        source + "\ndef grad(t):\n    g = true_grad(t).copy()\n    " + grad + "\n    return g\n"
    )
    result = run(path)
    if grad == "pass":
        assert result.verdict != "fail" or result.inconclusive, verdict_in_words(result)
        return
    value, bar = estimate(tmp_path, source, "W1", 0)
    assert 0.01 * abs(value) > 4 * bar
    assert result.verdict == "fail" and not result.inconclusive, verdict_in_words(result)
    assert ("W1", 0) in failing(result)
