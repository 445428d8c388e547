"""A steep unit whose zero lies inside the step, L given (rev19c H1, calc21).

An odd jump J of L'' (u·|u|, softsign u/(1 + |u|)) at c = w ± t·ε shows in the row's
curvature as J·(t − t²/2) while it moves the central difference by J·(1 − t)²·ε/4, however
steep the unit: a row of such a unit is the row of a parabola, and its exact gradient reads
as a bug of up to 90 % of the central difference. Following the advice "Type L" made 11 of
754 such exact gradients (zero 0.05–0.1·ε from w, units 24× to 8e11× the gradient) "Wrong".
A refutation now clears (1 − t)²/(t·(2 − t)) rooms of the curvature the losses resolve for
every zero at least 0.05·ε from w (``verdicts.STEEP_UNIT_ROOMS``); a nearer one is left to
the premise, as before. Truths: mpmath at 80 digits."""

from __future__ import annotations

import itertools

import mpmath as mp

from fdgui.core.calculator.schemes import estimate, parse_inputs


def _key(f, w, eps, claim, digits=30):
    mp.mp.dps = 80

    def text(x):
        return mp.nstr(x, digits, min_fixed=-100, max_fixed=100)

    texts = {
        "loss": text(f(w)),
        "loss_plus": text(f(w + eps)),
        "loss_minus": text(f(w - eps)),
        "epsilon": mp.nstr(eps, 5),
        "backprop": text(claim),
    }
    inputs, errors = parse_inputs(texts)
    assert not errors, errors
    return estimate(inputs).comparison.verdict.key


def test_the_exact_gradient_beside_a_steep_unit_inside_the_step_is_never_wrong():
    mp.mp.dps = 80
    wrong = []
    cases = itertools.product(
        ("uabs", "softsign"),
        (5, 60, 700),  # the unit's scale K
        (0.06, 0.07, 0.1, 0.15, 0.3, 0.6),  # its zero at w ± t·ε (0.05: the boundary)
        (-1, 1),
        ("1e-3", "1e-4"),
    )
    for unit, scale, t, side, eps_text in cases:
        w, eps = mp.mpf("0.4"), mp.mpf(eps_text)
        zero = w + side * mp.mpf(t) * eps
        K = mp.mpf(scale)

        def f(x, unit=unit, zero=zero, K=K):
            u = x - zero
            steep = K * u * abs(u) if unit == "uabs" else K * 30 * u / (1 + abs(30 * u))
            return mp.sin(x) + steep

        exact = mp.diff(f, w)
        if _key(f, w, eps, exact) == "wrong":
            wrong.append((unit, scale, t, side, eps_text))
    assert not wrong


def test_a_bug_on_a_smooth_loss_is_still_wrong():
    mp.mp.dps = 80
    for eps in ("1e-4", "1e-5"):  # (at 1e-3 the premise leaves 10 % of the gradient)
        for factor in ("1.05", "0.9", "-1"):
            w = mp.mpf("0.4")
            assert _key(mp.sin, w, mp.mpf(eps), mp.cos(w) * mp.mpf(factor)) == "wrong"
