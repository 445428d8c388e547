"""`sweep --probe` on a loss that varies on a scale far shorter than Richardson's first steps
(review9g #6, #7): sin(A·x) with A ~ 1e3, tanh(B·x) with B ~ 1e6 beside its centre.

The central differences resolve the derivative to ~1e-8 there. A Richardson reference whose
bar is 5 % wide (round-off read from losses that were only curving) confirmed 1–5 % bugs;
one whose bar missed the truth by three bars called the correct gradient wrong. A wide bar
never outvotes differences that resolve the derivative, and a bar that does not bound never
judges. Truths: 50-digit mpmath of the same float constants."""

from __future__ import annotations

import json

import mpmath
import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([W, 0.7, -0.4])
    def V(x, M):
        return EXPR
    def loss(t):
        t = np.asarray(t, dtype=float)
        return float(V(t[0], np) + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2)
    def grad(t):
        return np.array([GRAD, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """

# (the loss's fast term in x, in numpy "M." and mpmath form, w)
CASES = {
    "sin 1.3e3 at 0.02": ("M.sin(1.3e3*x + 0.2)", lambda x: mpmath.sin(1.3e3 * x + 0.2), 0.02),
    "sin 800 at 0": ("M.sin(800.0*x)", lambda x: mpmath.sin(800.0 * x), 0.0),
    "cos 2e3 at 0.3": ("M.cos(2e3*x)", lambda x: mpmath.cos(2e3 * x), 0.3),
}
TANH = {
    "tanh 1e6 at 1.5e-6": ("M.tanh(1e6*x)", lambda x: mpmath.tanh(1e6 * x), 1.5e-6),
    "tanh 4e5 at -5e-6": ("M.tanh(4e5*x)", lambda x: mpmath.tanh(4e5 * x), -5e-6),
    "tanh 2e6 shifted": (
        "M.tanh(2e6*(x - 1e-6))",
        lambda x: mpmath.tanh(2e6 * (x - mpmath.mpf(1e-6))),
        1.8e-6,
    ),
}


def _truth(function, w: float) -> float:
    with mpmath.workdps(50):
        return float(mpmath.diff(function, mpmath.mpf(w)))


def _run(tmp_path, case, factor, json_output=False):
    expression, function, w = case
    grad = _truth(function, w) * factor
    body = BODY.replace("EXPR", expression).replace("W", repr(w)).replace("GRAD", repr(grad))
    return sweep_probe(tmp_path / "fast.py", body, 0, *(["--json"] if json_output else []))


@pytest.mark.parametrize("name", [*CASES, *TANH])
def test_the_correct_gradient_is_not_wrong_and_a_judging_reference_bounds_it(tmp_path, name):
    case = {**CASES, **TANH}[name]
    out = _run(tmp_path, case, 1.0, json_output=True)
    assert out.returncode == 0, shown(out)
    truth = _truth(case[1], case[2])
    for reference in json.loads(out.stdout)["references"]:
        if reference.get("method") == "probe" or reference.get("status") != "ok":
            continue
        assert abs(reference["value"] - truth) <= reference["error"], (reference, truth)


@pytest.mark.parametrize("name", [*CASES, *TANH])
def test_a_five_per_cent_bug_is_wrong(tmp_path, name):
    out = _run(tmp_path, {**CASES, **TANH}[name], 1.05)
    assert out.returncode == 1, shown(out)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("factor", [1.01, 0.999])
def test_a_small_bug_is_never_confirmed(tmp_path, name, factor):
    out = _run(tmp_path, CASES[name], factor)
    assert out.returncode != 0, shown(out)
