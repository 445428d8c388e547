"""`sweep --probe` on a loss that never changes because a float32 part drops the term
(review9k HIGH-4): float(np.float32(a·σ(u)) + np.float32(C)) + 0.3 rounds a·σ(u) away at
every ε up to 1 (float32's spacing near C is far above a), and the float64 "+ 0.3" hides that
format. Richardson over those losses gave "0 ± 2.1e-10" (float64's u·|L|/ε) and the correct
gradient was "wrong … look for a bug in the derivative". A loss that never changes bounds the
derivative only by what a coarser part could round away over the largest ε: a claim inside
that is too coarse to judge, never wrong, and the no-grad bar holds the true derivative. A
loss exactly constant where a claimed slope would show even in bfloat16 still refutes it."""

from __future__ import annotations

import json
import math

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([@W@, 0.5])
    def part(x):
        u = np.float32(3) * np.float32(x) + np.float32(0.43)
        return np.float32(@A@) * np.float32(1 / (1 + np.exp(-u))) + np.float32(@C@)
    def loss(t):
        return @FORM@
    def true_grad(t):
        u = 3 * t[0] + 0.43
        return np.array([@A@ * 3 * np.exp(-u) / (1 + np.exp(-u)) ** 2, 0.0])
    @GRAD@
    """

FORMS = {
    "float64 sum": "float(part(t[0])) + 0.3",
    "float of float32": "float(part(t[0]))",
    "float32 returned": "part(t[0])",
}
DROPPED = [(1e-6, 1e4, 0.84), (3e-9, 0.7, -0.2), (2e-4, 3e3, 1.7)]


def _run(tmp_path, form, a, c, w, grad=True):
    body = BODY.replace("@FORM@", FORMS[form]).replace("@A@", repr(a)).replace("@C@", repr(c))
    body = body.replace("@W@", repr(w))
    body = body.replace("@GRAD@", "def grad(t):\n        return true_grad(t)" if grad else "")
    return sweep_probe(tmp_path / "dropped.py", body, 0, "--json")


def _truth(a, w):
    u = 3 * w + 0.43
    return a * 3 * math.exp(-u) / (1 + math.exp(-u)) ** 2


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize(("a", "c", "w"), DROPPED[:2])
def test_a_correct_gradient_of_a_loss_that_never_changes_is_not_wrong(tmp_path, form, a, c, w):
    out = _run(tmp_path, form, a, c, w)
    assert out.returncode == 2, shown(out)
    assert "the losses never change" in json.loads(out.stdout)["diagnosis"]["title"], shown(out)


@pytest.mark.parametrize(("a", "c", "w"), DROPPED)
def test_the_estimate_of_a_loss_that_never_changes_bounds_the_derivative(tmp_path, a, c, w):
    out = _run(tmp_path, "float64 sum", a, c, w, grad=False)
    assert out.returncode == 0, shown(out)
    richardson = [r for r in json.loads(out.stdout)["references"] if r["method"] == "Richardson"]
    assert richardson and richardson[0]["value"] == 0.0, shown(out)
    assert richardson[0]["error"] >= abs(_truth(a, w)), shown(out)


def test_a_loss_exactly_constant_still_refutes_a_slope_any_format_would_show(tmp_path):
    body = """
        import numpy as np
        theta0 = np.array([0.84, 0.5])
        def loss(t):
            return float(max(t[0] - 5.0, 0.0) + 0.5)
        def grad(t):
            return np.array([1.0, 0.0])
        """
    out = sweep_probe(tmp_path / "dead.py", body, 0, "--json")
    assert out.returncode == 1, shown(out)


def test_a_float32_part_that_keeps_the_term_still_finds_a_bug(tmp_path):
    out = _run(tmp_path, "float64 sum", 1e-2, 1.0, 0.84, grad=False)
    assert out.returncode == 0, shown(out)
    body = BODY.replace("@FORM@", FORMS["float64 sum"]).replace("@A@", "0.01")
    body = (
        body.replace("@C@", "1.0")
        .replace("@W@", "0.84")
        .replace("@GRAD@", "def grad(t):\n        return 1.1 * true_grad(t)")
    )
    out = sweep_probe(tmp_path / "kept.py", body, 0, "--json")
    assert out.returncode == 1, shown(out)


# a loss that moves only at the top few ε of the range (one float32 quantum of L−, from ε
# ≈ 1.6 up): Richardson's steps (≤ 0.07) lie where it never changes, so its 0 measured
# nothing; its bar was float64's u·|L|/h (6.3e-11) for a derivative of 2.4e-6 (the wider
# default range max(1, |w|) at w = 1.7 reached it: fx17x's revert)
@pytest.mark.parametrize("top", ["1.7", "2.5"])
def test_a_loss_that_moves_only_at_the_top_of_the_range_bounds_the_derivative(tmp_path, top):
    a, c, w = DROPPED[2]
    body = BODY.replace("@FORM@", FORMS["float64 sum"]).replace("@A@", repr(a))
    body = body.replace("@C@", repr(c)).replace("@W@", repr(w)).replace("@GRAD@", "")
    out = sweep_probe(tmp_path / "top.py", body, 0, "--json", "--max", top)
    assert out.returncode == 0, shown(out)
    for reference in json.loads(out.stdout)["references"]:
        if reference["method"] == "Richardson" and reference["status"] == "ok":
            assert abs(reference["value"] - _truth(a, w)) <= reference["error"], shown(out)
    claim = body + "\n    def grad(t):\n        return true_grad(t)\n"
    out = sweep_probe(tmp_path / "top_claim.py", claim, 0, "--json", "--max", top)
    assert out.returncode != 1, shown(out)
