# ruff: noqa: E501  (the probe sources below are the reviewer's, line for line)
"""An entry left undecided never hides a bug its own differences resolve, and a float32 part
inside a float64 model never fails a correct gradient (review12n C3, C4, C8).

C3: a numpy MLP with a term 1e8·θ[j] (|L| ≈ 4e7: one loss value rounds at 1e-8, the first
window is ≥ |a|/2 at some entries): a 30 % bug in an entry of the same tensor (or, with a
relu and 1e9·θ[j], another tensor) stayed "Undecided" — the kink search's refined step could
not tell — and the check passed (exit 0), though a step of 1e-3 resolves it to 1e-5.
C8: a torch MLP whose middle Linear runs in float32, the backward of one entry scaled by 1.3
(an identity autograd.Function): "Undecided (disagrees)" and a pass, though its central
differences at 1e-3 … 1e-2 resolve the slope to 1e-4.
C4: the activation alone computed in float32 (torch, and numpy with an exact float64
backward): correct gradients were "Wrong at every ε" / "at its own scale", the round-off of
the float32 part along those entries' own axes wider than the one measured along the
tensors' lines.
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import failing, full_check, write_probe

NUMPY_NET = """
import numpy as np
SEED = {seed}; D, H, C, B = 4, 6, 3, 16
ACT = "{act}"; EXTRA = "lin"; K = {K}; REL = {rel}; BIGW = 0.0
rng = np.random.default_rng(SEED)
X = rng.standard_normal((B, D)); Y = rng.integers(0, C, B)
names = [("W1", (D, H)), ("b1", (H,)), ("W2", (H, C)), ("b2", (C,))]
theta0 = np.concatenate([rng.standard_normal(D * H) / np.sqrt(D), 0.1 * rng.standard_normal(H),
                         rng.standard_normal(H * C) / np.sqrt(H), 0.1 * rng.standard_normal(C)])
N = theta0.size
J = int(rng.integers(0, N))
def unpack(t):
    out, s = [], 0
    for _, sh in names:
        n = int(np.prod(sh)); out.append(t[s:s + n].reshape(sh)); s += n
    return out
def act(z):
    if ACT == "tanh": return np.tanh(z), 1 - np.tanh(z) ** 2
    if ACT == "relu": return np.maximum(z, 0), (z > 0).astype(float)
    if ACT == "tanhX": return np.tanh(10*z), 10*(1 - np.tanh(10*z) ** 2)
    if ACT == "sinX": return np.sin(8*z), 8*np.cos(8*z)
    if ACT == "sigmoid":
        s = 1 / (1 + np.exp(-z)); return s, s * (1 - s)
    if ACT == "softplus": return np.logaddexp(z, 0), 1 / (1 + np.exp(-z))
    if ACT == "gelu_t":
        c = np.sqrt(2/np.pi); u = c*(z+0.044715*z**3); th = np.tanh(u)
        return 0.5*z*(1+th), 0.5*(1+th) + 0.5*z*(1-th**2)*c*(1+3*0.044715*z**2)
def fwd(t):
    W1, b1, W2, b2 = unpack(t)
    z = X @ W1 + b1; h, dh = act(z)
    lg = h @ W2 + b2
    sh = lg - lg.max(1, keepdims=True)
    lp = sh - np.log(np.exp(sh).sum(1, keepdims=True))
    return h, dh, lp
def extra(t):
    x = t[J]
    if EXTRA == "none": return 0.0, 0.0
    if EXTRA == "lin": return K * x, K
    if EXTRA == "sq": return K * x * x, 2 * K * x
    if EXTRA == "sin": return K * np.sin(x), K * np.cos(x)
    if EXTRA == "exp": return K * np.exp(x), K * np.exp(x)
    if EXTRA == "offset": return K, 0.0
    if EXTRA == "pole": return 1.0 / (x - (theta0[J] - K)), -1.0 / (x - (theta0[J] - K)) ** 2
    if EXTRA == "log": return np.log(x - (theta0[J] - K)), 1.0 / (x - (theta0[J] - K))
def loss(t):
    return float(-fwd(t)[2][np.arange(B), Y].mean() + extra(t)[0])
def honest(t):
    W1, b1, W2, b2 = unpack(t)
    h, dh, lp = fwd(t)
    d = np.exp(lp); d[np.arange(B), Y] -= 1; d /= B
    dW2 = h.T @ d; db2 = d.sum(0)
    dhid = (d @ W2.T) * dh
    dW1 = X.T @ dhid; db1 = dhid.sum(0)
    g = np.concatenate([dW1.ravel(), db1, dW2.ravel(), db2])
    g[J] += extra(t)[1]
    return g
_g0 = honest(theta0)
_offs = np.cumsum([0] + [int(np.prod(sh)) for _, sh in names])
_tj = int(np.searchsorted(_offs, J, side="right") - 1)
_cand = [i for i in range(N) if i != J and abs(_g0[i]) > 0.001 and ({same} == 0 or _offs[_tj] <= i < _offs[_tj + 1])]
BUGIDX = int(rng.choice(_cand)) if _cand else -1
def grad(t):
    g = honest(t)
    if REL and BUGIDX >= 0: g[BUGIDX] *= (1 + REL)
    return g"""

TORCH_NET = """
import torch, torch.nn.functional as F
from fdgui.probe import torch_probe
VARIANT = "{variant}"; ACT = "{act}"; REL = {rel}; SEED = {seed}
torch.manual_seed(SEED)
A = dict(tanh=torch.tanh, sigmoid=torch.sigmoid, gelu=F.gelu, silu=F.silu, relu=F.relu)[ACT]
class Net(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.a = torch.nn.Linear(6, 10); s.m = torch.nn.Linear(10, 8); s.b = torch.nn.Linear(8, 3)
    def forward(s, x):
        if VARIANT == "mid32":
            h = A(s.a(x)); h = A(F.linear(h.float(), s.m.weight.float(), s.m.bias.float()).double()); return s.b(h)
        if VARIANT == "first32":
            h = A(F.linear(x.float(), s.a.weight.float(), s.a.bias.float()).double()); h = A(s.m(h)); return s.b(h)
        if VARIANT == "act32":
            h = A(s.a(x).float()).double(); h = A(s.m(h)); return s.b(h)
        if VARIANT == "ln32":
            h = A(s.a(x)); h = F.layer_norm(h.float(), (10,)).double(); h = A(s.m(h)); return s.b(h)
        if VARIANT == "soft32":
            h = A(s.m(A(s.a(x)))); return torch.log_softmax(s.b(h).float(), -1).double()
net = Net()
x, y = torch.randn(24, 6), torch.randint(0, 3, (24,))
LOSS = F.cross_entropy if VARIANT != "soft32" else F.nll_loss
g = torch.Generator().manual_seed(1000 + SEED)
params = list(net.named_parameters())
PI = int(torch.randint(0, len(params), (1,), generator=g))
PNAME, P = params[PI]
EI = int(torch.randint(0, P.numel(), (1,), generator=g))
class _Bug(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w): return w.clone()
    @staticmethod
    def backward(ctx, g):
        g = g.clone(); g.view(-1)[EI] *= (1 + REL); return g
_orig = torch.nn.Module.__getattr__
def _ga(self, name):
    v = _orig(self, name)
    if REL and self is _OWNER and name == _ATTR and torch.is_tensor(v) and v.requires_grad: return _Bug.apply(v)
    return v
_OWNER = net.get_submodule(PNAME.rsplit(".", 1)[0]); _ATTR = PNAME.rsplit(".", 1)[1]
torch.nn.Module.__getattr__ = _ga
probe = torch_probe(net, LOSS, (x, y))
"""

NUMPY_ACTIVATION32 = """import numpy as np
rng = np.random.default_rng({seed})
D, H, C, B = 6, 10, 3, 24
X = rng.standard_normal((B, D)); Y = rng.integers(0, C, B)
names = [("W1", (D, H)), ("b1", (H,)), ("W2", (H, C)), ("b2", (C,))]
theta0 = np.concatenate([rng.standard_normal(D * H) / np.sqrt(D), 0.1 * rng.standard_normal(H),
                         rng.standard_normal(H * C) / np.sqrt(H), 0.1 * rng.standard_normal(C)])
def unpack(t):
    out, s = [], 0
    for _, sh in names:
        n = int(np.prod(sh)); out.append(t[s:s + n].reshape(sh)); s += n
    return out
def fwd(t):
    W1, b1, W2, b2 = unpack(t)
    z = X @ W1 + b1
    h = np.tanh(z.astype(np.float32)).astype(np.float64)   # activation evaluated in float32
    lg = h @ W2 + b2
    sh = lg - lg.max(1, keepdims=True)
    return z, h, sh - np.log(np.exp(sh).sum(1, keepdims=True))
def loss(t):
    return float(-fwd(t)[2][np.arange(B), Y].mean())
def grad(t):   # exact float64 backward of the same net (tanh in float64)
    W1, b1, W2, b2 = unpack(t)
    z, h32, lp = fwd(t); h = np.tanh(z)
    d = np.exp(lp); d[np.arange(B), Y] -= 1; d /= B
    dW2 = h32.T @ d; db2 = d.sum(0); dz = (d @ W2.T) * (1 - h ** 2)
    return np.concatenate([(X.T @ dz).ravel(), dz.sum(0), dW2.ravel(), db2])
"""


def _bugged(space) -> tuple[str, int]:
    """(tensor, flat index) of the probe's bugged entry."""
    index, start = space["BUGIDX"], 0
    for name, shape in space["names"]:
        size = int(np.prod(shape))
        if index < start + size:
            return name, index - start
        start += size
    raise AssertionError(index)


@pytest.mark.parametrize(
    ("act", "seed", "K", "same"),
    [("tanh", 20, "1e8", 1), ("softplus", 2, "1e8", 1), ("relu", 70, "1e9", 0)],
)
def test_a_30_percent_bug_beside_a_big_term_fails_at_its_entry(tmp_path, act, seed, K, same):
    text = NUMPY_NET.format(seed=seed, act=act, K=K, rel=0.3, same=same)
    path = write_probe(tmp_path, text, name=f"big_{act}_{seed}.py")
    space: dict = {}
    exec(text, space)
    report = full_check(path)
    assert report.verdict == "fail" and not report.inconclusive, verdict_in_words(report)
    assert _bugged(space) in failing(report), verdict_in_words(report)


@pytest.mark.parametrize("rel", [0.3, 0.1])
def test_a_bug_in_a_model_with_a_float32_middle_layer_fails_at_its_entry(tmp_path, rel):
    text = TORCH_NET.format(variant="mid32", act="tanh", rel=rel, seed=0)
    report = full_check(write_probe(tmp_path, text, name="mid32.py"))
    assert report.verdict == "fail" and not report.inconclusive, verdict_in_words(report)
    assert ("a.bias", 9) in failing(report), verdict_in_words(report)


@pytest.mark.parametrize(("act", "seed"), [("tanh", 0), ("sigmoid", 1)])
def test_a_float32_activation_never_fails_a_correct_torch_gradient(tmp_path, act, seed):
    text = TORCH_NET.format(variant="act32", act=act, rel=0.0, seed=seed)
    report = full_check(write_probe(tmp_path, text, name=f"act32_{act}_{seed}.py"))
    assert not failing(report), verdict_in_words(report)


def test_a_float32_activation_never_fails_a_correct_numpy_gradient(tmp_path):
    report = full_check(write_probe(tmp_path, NUMPY_ACTIVATION32.format(seed=0), name="a32.py"))
    assert not failing(report), verdict_in_words(report)
