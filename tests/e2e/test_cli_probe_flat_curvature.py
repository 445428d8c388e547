"""`sweep --probe` where the loss's second derivative vanishes at w (x⁴ + c·x at 0): the
one-sided differences part like ε³, three decades per decade, which is no kink (a kink's
jump levels off once ε passes its distance). Read as "Kink inside the ε range", a 0.1 % bug
that the central differences resolve many times over went out with exit 0 (review9k MED-3).
A real kink beside w on the same loss is still named."""

from __future__ import annotations

import json

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

BODY = """
    import numpy as np
    theta0 = np.array([@W@, 0.3])
    def loss(t):
        x = t[0]
        return float(@A@ * x**@P@ + @C@ * x + @KINK@) + float(np.sin(t[1]))
    def grad(t):
        x = t[0]
        return np.array([@FACTOR@ * (@P@ * @A@ * x**(@P@ - 1) + @C@), np.cos(t[1])])
    """


def _run(tmp_path, power, a, c, factor, kink="0.0", w=0.0):
    body = BODY.replace("@P@", str(power)).replace("@A@", repr(a)).replace("@C@", repr(c))
    body = body.replace("@FACTOR@", repr(factor)).replace("@KINK@", kink)
    body = body.replace("@W@", repr(w))
    out = sweep_probe(tmp_path / "flat2.py", body, 0, "--json")
    return out, json.loads(out.stdout)["diagnosis"] if out.stdout.startswith("{") else {}


# (power, a, c): a·x^power + c·x at 0; a claim of 1.001 × the derivative is resolved by the
# central differences, and where c is tiny beside the curvature term the one-sided
# differences cannot tell that claim from a kink of 1e-13 hidden under it (too coarse)
RESOLVED = [(4, 3.0, 2e-7), (4, 0.5, -3e-8)]
HIDDEN = [(4, 1.0, 1e-10), (6, 1.0, 1e-9)]


@pytest.mark.parametrize(("power", "a", "c"), RESOLVED)
def test_a_resolvable_bug_where_the_curvature_vanishes_is_wrong(tmp_path, power, a, c):
    out, diagnosis = _run(tmp_path, power, a, c, 1.001)
    assert out.returncode == 1 and diagnosis.get("kind") == "wrong", shown(out)


@pytest.mark.parametrize(("power", "a", "c"), HIDDEN)
def test_a_bug_there_never_passes_as_a_kink(tmp_path, power, a, c):
    out, diagnosis = _run(tmp_path, power, a, c, 1.001)
    assert out.returncode in (1, 2), shown(out)
    assert "kink inside" not in diagnosis.get("title", "").lower(), shown(out)


@pytest.mark.parametrize(("power", "a", "c"), [*RESOLVED, *HIDDEN])
def test_the_correct_gradient_there_is_correct_and_no_kink(tmp_path, power, a, c):
    out, diagnosis = _run(tmp_path, power, a, c, 1.0)
    assert out.returncode == 0 and diagnosis.get("kind") == "correct", shown(out)
    assert "kink" not in diagnosis.get("title", "").lower(), shown(out)


def test_a_real_kink_beside_w_is_still_named(tmp_path):
    # slope 1e-3 + a kink of 0.05 at 2e-3 beside w, on 0.1·x⁴: the jump levels off past it
    out, diagnosis = _run(tmp_path, 4, 0.1, 1e-3, 1.0, kink="0.05 * max(x - 2e-3, 0.0)")
    assert out.returncode == 0, shown(out)
    assert diagnosis.get("kind") == "kink" and "kink" in diagnosis.get("title", "").lower(), shown(
        out
    )
