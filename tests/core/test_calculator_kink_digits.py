"""A kink at w or inside the step makes the derivative the forward or the backward
difference, known only to that difference's own ± from the typed digits, which is up to
twice the central difference's. With L+ − L = L − L− to the typed digits the curvature read
"0 ± 2e8" and left no room, and the exact right-hand slope of a relu at w, inside the
forward difference's ±, was "Wrong" (rev20c C1: 71 of 20,000 random rows of such a kink,
and 60 of 20,000 exact derivatives beside a kink inside the step; 0 of each after)."""

from __future__ import annotations

import random
from decimal import Decimal

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import verdict_text, verdict_title


def _estimate(loss, plus, minus, epsilon, backprop):
    texts = {"loss": loss, "loss_plus": plus, "loss_minus": minus, "epsilon": epsilon,
             "backprop": backprop}  # fmt: skip
    inputs, errors = parse_inputs(texts)
    assert inputs is not None, errors
    return estimate(inputs)


def _verdict(loss, plus, minus, epsilon, backprop) -> str:
    return _estimate(loss, plus, minus, epsilon, backprop).comparison.verdict.key


def test_the_right_hand_slope_inside_the_forward_differences_digits_is_not_wrong():
    # L(w) = 10.3003568 − 7.5·w + 4·relu(w) at w = 0, ε = 1e-7, typed to 8 digits
    assert _verdict("10.300357", "10.300356", "10.300358", "1e-7", "-3.5") != "wrong"
    # a claim beyond both one-sided differences' ± (−10 ± 10) still is
    assert _verdict("10.300357", "10.300356", "10.300358", "1e-7", "3.5") == "wrong"


def test_the_exact_derivative_beside_a_kink_inside_the_step_is_not_wrong():
    # L = c0 − 7.5·w − 0.483·relu(w − 5.43e-8) at w = 0, ε = 7.1e-8: L'(0) = −7.5 exactly,
    # the backward difference, within its ± 0.14 of the typed −7.606 (curvature "0 ± 4e6")
    row = ("1.030000000e+1", "1.029999946e+1", "1.030000054e+1", "7.1e-8")
    result = _estimate(*row, "-7.50000000000")
    assert result.comparison.verdict.key == "inconclusive"
    assert result.comparison.too_few == "one-sided"
    words = verdict_text(result.comparison, result.uncertainty, inputs=result.inputs)
    assert "Type L, L+ and L− with more digits" in words
    assert "kink" in verdict_title(result)
    # beyond the forward and backward differences' ± (and the central's ± 0.07) it is wrong
    assert _verdict(*row, "-7.3") == "wrong"


def _typed(value: Decimal, digits: int) -> str:
    return f"{value:.{digits - 1}e}"


def test_one_sided_slopes_of_a_relu_at_w_are_never_wrong_and_far_claims_are():
    rng = random.Random(20)
    far_wrong = 0
    for _ in range(300):
        digits = rng.randint(4, 10)
        epsilon = Decimal(_typed(Decimal(10) ** Decimal(rng.uniform(-9, -2)), 2))
        base = Decimal("10.3") + Decimal(rng.random()) * Decimal(10) ** rng.randint(-9, -3)
        plus, minus = base - Decimal("3.5") * epsilon, base + Decimal("7.5") * epsilon
        row = (_typed(base, digits), _typed(plus, digits), _typed(minus, digits), str(epsilon))
        for claim in ("-3.5", "-7.5", "-5.5"):  # both one-sided slopes and one between
            assert _verdict(*row, claim) != "wrong", (row, claim)
        far_wrong += _verdict(*row, "7.5") == "wrong"  # outside both: a bug where resolved
    assert far_wrong >= 40, far_wrong  # 50 (51 before: 1 far claim is now too coarse)
