"""What the probe tests share: a probe file written from source text (optionally with a
``grad`` that edits ``true_grad``), a full forward-engine check of it, and the entries a
report fails."""

from __future__ import annotations

import textwrap

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe


def write_probe(tmp_path, source: str, bug: str | None = None, name: str = "probe.py"):
    """``source`` (dedented) as a probe file; with ``bug``, a ``grad`` that applies that
    one line to ``g = true_grad(t).copy()``."""
    text = textwrap.dedent(source)
    if bug is not None:
        text += f"\ndef grad(t):\n    g = true_grad(t).copy()\n    {bug}\n    return g\n"
    path = tmp_path / name
    path.write_text(text)
    return path


def swept(tmp_path, source: str, name: str):
    """(exit code as the CLI's sweep gives it, the diagnosis) of entry 0 of the probe file
    written from ``source``, swept over the default range."""
    from fdgui.core.requests import sweep_request
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import run_sweep
    from fdgui.core.sweep.objectives import EntryObjective
    from fdgui.core.sweep.reading import judges_nothing

    model = open_probe(str(write_probe(tmp_path, source, name=name)))
    try:
        objective = EntryObjective(model, 0)
        result = run_sweep(objective, sweep_request({}, point=objective.point))
    finally:
        model.close()
    diagnosis = diagnose(result)
    return (1 if diagnosis.kind == "wrong" else 2 if judges_nothing(diagnosis) else 0), diagnosis


def full_check(path, settings: CheckSettings | None = None):
    """The report of a full check (forward engine) of the probe file at ``path``."""
    model = open_probe(str(path))
    try:
        return run_to_completion(settings or CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


def failing(report) -> set[tuple[str, int]]:
    """(tensor, flat index) of the worst entries that fail."""
    return {(entry.tensor, entry.index) for entry in report.worst if entry.failing}


def no_grad_estimates(path):
    """(values, bars, truth) of the no-grad estimate of the probe file at ``path``, every
    tensor flattened in order; the truth from the file's own ``true_grad`` at ``theta0``."""
    import numpy as np

    from fdgui.core.netcheck.numeric import numeric_gradient_report

    model = open_probe(str(path))
    try:
        report = numeric_gradient_report(model, CheckSettings(None, engine="forward"))
    finally:
        model.close()
    space: dict = {}
    exec(path.read_text(), space)
    values = np.concatenate([np.asarray(t.values, float) for t in report.tensors])
    bars = np.concatenate([np.asarray(t.error_bars, float) for t in report.tensors])
    return values, bars, space["true_grad"](space["theta0"])


# A float64 net whose hidden layer is ``p64(h) + coarse(h)``: a float64 path beside a coarser
# part (float32 / float16 / bfloat16, or a round(100·h) quantiser "q100"). ``p64`` is "lin",
# "softplus" or "relu" (its kink KOFF, in h, from sample 0's h[0, 1]); BUG scales entry 7's
# gradient (W1[1, 2]) by 1 + BUG; OMIT drops the coarse part's derivative from the backward;
# EXACT_A builds the backward's activations with the exact tanh instead of the coarse part.
# ``loss(t, exact=True)`` is the all-float64 loss. The ε explorer's coarse-part tests
# (test_probe_coarse_part_*_sweep.py) sweep that entry.
# the seeded 16-sample, 5-7-3 network both float64-beside-a-coarser-part probes build on (a
# str.format template: braces doubled); SEED is set by the template before it
NET_HEAD = """r = np.random.default_rng(SEED)
X = r.normal(size=(16, 5)); Y = r.normal(size=(16, 3))
sh = [("W1", (7, 5)), ("b1", (7,)), ("W2", (3, 7))]
names = sh
theta0 = np.concatenate([r.normal(scale=0.7, size=s).ravel() for _, s in sh])
def split(t):
    out, k = {{}}, 0
    for n, s in sh:
        m = int(np.prod(s)); out[n] = t[k:k + m].reshape(s); k += m
    return out
"""

COARSE_PART_NET = """
import numpy as np
import ml_dtypes
PART, SEED, BUG, OMIT, P64, KOFF = {part!r}, {seed}, {bug}, {omit}, {p64!r}, {koff}
EXACT_A = {exact_a}
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
    if PART == "q100":
        return np.tanh(np.round(h * 100.0) / 100.0)
    dt = {{"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16}}[PART]
    return np.tanh(h.astype(dt)).astype(dt).astype(np.float64)

def p64(h):
    if P64 == "softplus":
        return np.logaddexp(0, h)
    return h if P64 == "lin" else np.maximum(h - POFF, 0.0)

def dp64(h):
    if P64 == "softplus":
        return 1 / (1 + np.exp(-h))
    return 1.0 + 0.0 * h if P64 == "lin" else (h > POFF) * 1.0

def loss(t, exact=False):
    w1, b1, w2 = split(np.asarray(t, float))
    h = X @ w1.T + b1
    o = (p64(h) + coarse(h, exact)) @ w2.T
    return float(0.5 * np.mean((o - Y) ** 2))

def grad(t):
    w1, b1, w2 = split(np.asarray(t, float))
    h = X @ w1.T + b1
    a = p64(h) + coarse(h, EXACT_A)
    go = (a @ w2.T - Y) / Y.size
    da = dp64(h) + (0.0 if OMIT else 1.0 - np.tanh(h) ** 2)
    gh = (go @ w2) * da
    g = np.concatenate([(gh.T @ X).ravel(), gh.sum(0), (go.T @ a).ravel()])
    g[7] *= 1.0 + BUG
    return g
"""
COARSE_PART_ENTRY = 7  # W1[1, 2]


def coarse_part_net(
    part: str, seed: int, bug=0.0, omit=0, p64="lin", koff=0.0, exact_a=False
) -> str:
    """COARSE_PART_NET's source with these fields."""
    return COARSE_PART_NET.format(
        part=part, seed=seed, bug=bug, omit=omit, p64=p64, koff=koff, exact_a=exact_a
    )


# θ0 fixed; the batch drawn from SEED (a number, or os.getpid(): each process its own data,
# as an unseeded generator gives, deterministic within one process): the restart tests'
BATCH_PROBE = """
import os
import numpy as np
theta0 = np.array([0.7, -0.4, 1.1, 0.3])
_rng = np.random.default_rng(SEED)
X = _rng.normal(size=(40, 4)) * _rng.uniform(0.5, 3.0)
y = _rng.normal(size=40)
def loss(t):
    r = X @ t - y
    return float(r @ r / len(y))
def grad(t):
    return 2.0 * X.T @ (X @ t - y) / len(y)
"""
