"""Float32 checks: a bug the entry's own differences resolve fails; a kink needs evidence.

A torch model checked in float32 passed 1 % and 3 % bugs "only loosely" (review9k
CRITICAL-3): the first window is float32's blanket atol (5e-4) though central differences
of the bugged entry at a few times ε resolve it to ~1e-6. And a float32 numpy tanh net (no
kink anywhere) excused a 3 % bug as "Kink (explained)" while 1.5 %…6 % failed (review9k
HIGH-5): a refined step agreeing by chance is no evidence of a kink.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from tests.probe.probe_checks import failing, full_check, write_probe

NUMPY32 = """
import numpy as np
rng = np.random.default_rng({seed})
n0, n1, n2, B = 6, 8, 4, 16
X = rng.standard_normal((B, n0)); Y = rng.integers(0, n2, B)
names = [("W1", (n0, n1)), ("b1", (n1,)), ("W2", (n1, n2)), ("b2", (n2,))]
theta0 = np.concatenate([rng.standard_normal(n0 * n1) / np.sqrt(n0), 0.1 * rng.standard_normal(n1),
                         rng.standard_normal(n1 * n2) / np.sqrt(n1),
                         0.1 * rng.standard_normal(n2)]).astype(np.float32)

def unpack(t, dtype):
    out, s = [], 0
    for _, sh in names:
        k = int(np.prod(sh)); out.append(np.asarray(t[s:s + k]).reshape(sh).astype(dtype)); s += k
    return out

def loss(t):
    W1, b1, W2, b2 = unpack(t, np.float32)
    lg = np.tanh(X.astype(np.float32) @ W1 + b1) @ W2 + b2
    sh = lg - lg.max(axis=1, keepdims=True)
    lp = sh - np.log(np.exp(sh).sum(axis=1, keepdims=True))
    return float(-lp[np.arange(B), Y].mean())

def true_grad(t):
    W1, b1, W2, b2 = unpack(t, float)
    h = np.tanh(X @ W1 + b1); lg = h @ W2 + b2
    p = np.exp(lg - lg.max(axis=1, keepdims=True)); p /= p.sum(axis=1, keepdims=True)
    dl = p.copy(); dl[np.arange(B), Y] -= 1; dl /= B
    dz = (dl @ W2.T) * (1 - h * h)
    return np.concatenate([(X.T @ dz).ravel(), dz.sum(0), (h.T @ dl).ravel(), dl.sum(0)])
"""


@pytest.mark.parametrize("bug", [0.015, 0.03, 0.06])
def test_a_smooth_float32_net_excuses_no_bug_as_a_kink(tmp_path, bug):
    # review9k HIGH-5's net (seed 31, W1[5, 3] = flat 43): every size of bug fails there
    path = write_probe(tmp_path, NUMPY32.format(seed=31), f"g[43] *= {1 + bug}")
    report = full_check(path)
    assert report.verdict == "fail" and not report.inconclusive, report.worst[:2]
    assert ("W1", 43) in failing(report)
    assert all(e.note != "kink" for e in report.worst if (e.tensor, e.index) == ("W1", 43))


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_correct_float32_numpy_nets_pass(tmp_path, seed):
    report = full_check(write_probe(tmp_path, NUMPY32.format(seed=seed), "pass"))
    assert report.verdict == "pass", report.worst[:2]


TORCH32 = """
import torch
from fdgui.probe import torch_probe
BUG = {bug!r}
torch.manual_seed({seed})
class Bug(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        return x @ w.t() + b
    @staticmethod
    def backward(ctx, go):
        x, w = ctx.saved_tensors
        gw = (go.t() @ x).clone()
        gw[1, 2] = gw[1, 2] * (1 + BUG)
        return go @ w, gw, go.sum(0)
class Lin(torch.nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(o, i) / i**0.5)
        self.bias = torch.nn.Parameter(0.1 * torch.randn(o))
    def forward(self, x):
        return Bug.apply(x, self.weight, self.bias)
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.first = torch.nn.Linear(10, 16)
        self.mid = Lin(16, 16)
        self.last = torch.nn.Linear(8, 3)
    def forward(self, x):
        h = torch.{act}(self.mid(torch.{act}(self.first(x))))
        return self.last(h[:, :8])
x, y = torch.randn(32, 10), torch.randint(0, 3, (32,))
probe = torch_probe(Net(), torch.nn.functional.cross_entropy, (x, y), dtype=torch.float32)
"""


def _resolution(path) -> tuple[float, float]:
    """(the float64 gradient of mid.weight[1, 2], the largest error of float32 central
    differences of that entry at 0.05, 0.025, 0.0125 and their Richardson)."""
    import copy
    import importlib.util

    import torch

    spec = importlib.util.spec_from_file_location("probe_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    probe, params = module.probe, module.probe.parameters()
    wide = copy.deepcopy(probe.module).to(torch.float64)
    value = torch.nn.functional.cross_entropy(wide(module.x.to(torch.float64)), module.y)
    grads = dict(zip([n for n, _ in wide.named_parameters()],
                     torch.autograd.grad(value, list(wide.parameters())), strict=True))  # fmt: skip
    truth = grads["mid.weight"][1, 2].item()

    def at(d):
        q = {k: np.array(v, copy=True) for k, v in params.items()}
        q["mid.weight"][1, 2] += d
        return probe.loss(q)

    cs = {h: (at(h) - at(-h)) / (2 * h) for h in (0.05, 0.025, 0.0125)}
    rich = cs[0.025] + (cs[0.025] - cs[0.05]) / 3
    return truth, max(abs(c - truth) for c in [*cs.values(), rich])


MISSED = [
    pytest.mark.xfail(
        strict=True,
        reason="16 times the float32 differences' error here, but under two of the wider "
        "step's bars: the loss's measured round-off (5 u·|L|) over h ≤ 0.03 is the bar's floor",
    ),
    pytest.mark.skipif(
        not os.environ.get("FDGUI_KNOWN_MISSES"),
        reason="a known miss (strict xfail) that costs 80 s of the suite's 10 minutes: "
        "FDGUI_KNOWN_MISSES=1 runs it, to learn whether a change resolved it",
    ),
]


@pytest.mark.parametrize(
    ("seed", "bug"),
    [
        (5, 0.03),
        pytest.param(5, 0.01, marks=MISSED),
        (8, 0.01),
    ],
)
def test_a_resolvable_bug_in_a_float32_torch_model_fails(tmp_path, seed, bug):
    pytest.importorskip("torch", reason="the model is a torch module")
    twin = tmp_path / "correct.py"  # the float64 truth: the same module without the bug
    twin.write_text(TORCH32.format(seed=seed, bug=0.0, act="tanh"))
    truth, error = _resolution(twin)
    path = tmp_path / "probe.py"
    path.write_text(TORCH32.format(seed=seed, bug=bug, act="tanh"))
    if abs(truth) * bug < 8 * error:
        pytest.skip(f"a {bug:.0%} bug is under 8 times what float32 resolves here")
    report = full_check(path)
    assert report.verdict == "fail" and not report.inconclusive, report.worst[:3]
    assert ("mid.weight", 1 * 16 + 2) in failing(report), report.worst[:3]


@pytest.mark.parametrize("seed", [5, 6])
def test_a_correct_float32_torch_model_passes(tmp_path, seed):
    pytest.importorskip("torch", reason="the model is a torch module")
    path = tmp_path / "probe.py"
    path.write_text(TORCH32.format(seed=seed, bug=0.0, act="tanh"))
    report = full_check(path)
    # never wrong; a pass, or (netcheck.fit_look, review19n C1) inconclusive where an entry far
    # below its tensor's gradients agreed only loosely and its least-squares slope resolves it
    # to a bar under |a|/2 but not |a|/16 (seed 5's mid.weight[5, 14], |a| = 7e-6)
    assert not failing(report), report.worst[:3]
    assert report.verdict == "pass" or report.inconclusive, report.worst[:3]
    if report.inconclusive:
        assert all(e.note == "fit-open" for e in report.worst if e.note.endswith("open"))


@pytest.mark.parametrize("seed", [7, 8])
def test_a_correct_float32_torch_relu_model_is_never_wrong(tmp_path, seed):
    """The loose ladder called 24 (seed 7) and 3 (seed 8) correct first-layer entries wrong:
    its wider steps crossed relu kinks (``ladder_kinks``). Entries with a kink within ε stay
    open (the second look's small steps cannot resolve them in float32): no pass, no fail."""
    pytest.importorskip("torch", reason="the model is a torch module")
    path = tmp_path / "probe.py"
    path.write_text(TORCH32.format(seed=seed, bug=0.0, act="relu"))
    report = full_check(path)
    assert not failing(report), report.worst[:3]
    assert report.verdict == "pass" or report.inconclusive, report.worst[:3]
