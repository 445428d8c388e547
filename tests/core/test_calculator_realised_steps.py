"""Losses sent from the ε explorer were taken at w ± ε rounded to the dtype: the steps taken,
h+ = (w+ε)_dtype − w and h− = w − (w−ε)_dtype, are not ε (issue 10: 568 of 6,000 sent
readings the explorer calls correct read "Wrong", the calculator dividing by the nominal ε).
With the realised steps the calculator's differences are the secants over the points the
losses were really taken at; typed rows (no steps) are computed as before."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np

from fdgui.core.calculator.schemes import Inputs, estimate, measurement
from fdgui.core.report.calculator import calculator_json, calculator_report

F32 = np.float32


def _sent_float32(w: float, eps: float):
    """5·(w − 3) in float32 at w ± ε rounded to float32: (inputs, h+, h−)."""
    point = F32(w)
    plus, minus = F32(point + F32(eps)), F32(point - F32(eps))

    def loss(x):
        return F32(F32(5) * F32(x - F32(3)))

    steps = (
        Decimal(float(plus)) - Decimal(float(point)),
        Decimal(float(point)) - Decimal(float(minus)),
    )
    inputs = Inputs(
        loss_plus=Decimal(float(loss(plus))),
        loss_minus=Decimal(float(loss(minus))),
        epsilon=Decimal(repr(eps)),
        loss=Decimal(float(loss(point))),
        backprop=Decimal("5.000000000"),
        loss_roundoff=Decimal(repr(2.0**-24)),
    )
    return inputs, steps


def test_the_realised_steps_make_a_correct_sent_gradient_correct():
    inputs, steps = _sent_float32(3.01, 3e-6)
    nominal = estimate(inputs)
    # 5.1657…: ε = 3e-6 was not the step. Not confirmed; not refuted by one row either, since
    # 5·(w − 3) cancels terms near 3 and its losses lie on their grid (calculator.terms)
    assert nominal.comparison.band.key == "wrong"
    assert nominal.comparison.verdict.key == "inconclusive"
    assert nominal.comparison.too_few == "terms"
    sent = estimate(replace(inputs, steps=steps))
    assert sent.central == 5 and sent.forward == 5 and sent.backward == 5
    assert sent.denominator == steps[0] + steps[1]
    assert sent.comparison.verdict.key == "consistent"  # its ± (1e-3) cannot show 7 digits
    report = calculator_report(sent)
    assert "steps taken" in report and "not ε" in report
    data = calculator_json(sent)
    assert data["steps"] == {"plus": str(steps[0]), "minus": str(steps[1])}


def test_typed_rows_are_computed_with_epsilon_as_before():
    inputs, _steps = _sent_float32(3.01, 3e-6)
    typed = estimate(replace(inputs, loss_roundoff=None))
    assert typed.inputs.steps is None
    assert typed.denominator == 2 * inputs.epsilon
    assert "steps taken" not in calculator_report(typed)
    assert "steps" not in calculator_json(typed)


def test_unequal_steps_give_each_difference_its_own_step():
    w, hp, hm = Decimal("1"), Decimal("0.0078125"), Decimal("0.01171875")
    inputs = Inputs(
        loss_plus=(w + hp) ** 2,
        loss_minus=(w - hm) ** 2,
        epsilon=Decimal("0.01"),
        loss=w**2,
        steps=(hp, hm),
    )
    result = estimate(inputs)
    assert result.forward == 2 * w + hp
    assert result.backward == 2 * w - hm
    assert result.central == 2 * w + hp - hm  # the secant over [w − h−, w + h+]
    assert result.curvature == 2  # (forward − backward)·2/(h+ + h−), exact for a parabola
    assert result.truncation == max(hp, hm)  # |L''|·h/2 of the wider side
    # each loss ± δ: the bars bound every difference's change
    delta = Decimal("1e-6")
    moved = replace(inputs, loss_plus=inputs.loss_plus + delta, loss=inputs.loss - delta)
    bars = estimate(replace(inputs, loss_roundoff=Decimal("1e-6")))
    assert abs(estimate(moved).forward - result.forward) <= bars.one_sided_uncertainty
    assert abs(estimate(moved).curvature - result.curvature) <= bars.curvature_uncertainty


def test_a_history_row_of_a_sent_estimate_keeps_its_central_difference():
    inputs, steps = _sent_float32(3.01, 3e-6)
    row = measurement(replace(inputs, steps=steps))
    assert row.central == 5
    assert row.epsilon == (steps[0] + steps[1]) / 2


def _sine_at_a_large_step(backprop: str, reference=None) -> Inputs:
    """sin at 1 with ε = 0.3 (float64 losses): the central difference is 1.5e-2 below cos(1)
    by truncation alone."""
    import math

    return Inputs(
        loss_plus=Decimal(math.sin(1.3)),
        loss_minus=Decimal(math.sin(0.7)),
        epsilon=Decimal("0.3"),
        loss=Decimal(math.sin(1.0)),
        backprop=Decimal(backprop),
        loss_roundoff=Decimal(repr(2.0**-53)),
        reference=reference,
    )


def test_a_sent_rows_own_error_is_not_called_a_wrong_gradient():
    import math

    from fdgui.core.report.calculator import verdict_text, verdict_title

    correct = "0.54030230586813972"
    cosine = (Decimal(math.cos(1.0)), Decimal("1e-17"))
    typed = estimate(_sine_at_a_large_step(correct))
    # a typed row: "wrong"-band, but within the truncation room one row leaves (review11c M1)
    assert typed.comparison.verdict.key == "inconclusive"
    assert typed.comparison.too_few == "truncation"
    sent = estimate(_sine_at_a_large_step(correct, cosine))
    assert sent.comparison.verdict.key == "inconclusive"
    assert sent.comparison.too_few == "this ε"
    assert verdict_title(sent).startswith("Too coarse to judge at this ε")
    words = verdict_text(sent.comparison, sent.uncertainty, inputs=sent.inputs)
    assert "from the ε explorer's reference" in words and "recommended ε" in words
    # a bug larger than the central difference's own error is still wrong (11 % off)
    bug = estimate(_sine_at_a_large_step("0.6", cosine))
    assert bug.comparison.verdict.key == "wrong"


def test_the_explorers_measured_allowance_replaces_the_blanket_one():
    # d/dw w in bfloat16 at −0.6 (ε = 0.0566): the walk finds that backward exact, so
    # 1.0511 is wrong — the blanket 10·u·|g| (3.9 %) called it "limited by bfloat16"
    import ml_dtypes

    bf = ml_dtypes.bfloat16
    w = np.asarray(-0.6).astype(bf)
    plus = (w + np.asarray(0.0566).astype(bf)).astype(bf)
    minus = (w - np.asarray(0.0566).astype(bf)).astype(bf)

    def exact(x):
        return Decimal(float(x))

    inputs = Inputs(
        loss_plus=exact(plus),
        loss_minus=exact(minus),
        epsilon=Decimal("0.0566"),
        loss=exact(w),
        backprop=Decimal("1.051132160094"),
        loss_roundoff=Decimal(repr(2.0**-8)),
        steps=(exact(plus) - exact(w), exact(w) - exact(minus)),
    )
    assert estimate(inputs).central == 1
    # unsent: the blanket allowance and the losses' terms' rounding leave it undecided
    assert estimate(inputs).comparison.verdict.key in ("limited", "inconclusive")
    sent = estimate(replace(inputs, allowance=Decimal("5e-13")))
    # never "limited by bfloat16" once the explorer says the backward is exact; one row of
    # bfloat16 losses cannot bound their terms' rounding, so it may stay undecided (calc25)
    assert sent.comparison.verdict.key in ("wrong", "inconclusive")
    assert sent.comparison.too_few in ("", "terms", "resolve")
    # a claim within the measured allowance is "limited" with the explorer's words
    from fdgui.core.report.calculator import verdict_text

    within = estimate(replace(inputs, allowance=Decimal("0.06")))
    assert within.comparison.verdict.key in ("limited", "inconclusive")
    if within.comparison.verdict.key == "inconclusive":  # the terms' rounding: too coarse
        assert within.comparison.too_few == "losses"
    else:
        words = verdict_text(within.comparison, within.uncertainty, inputs=within.inputs)
        assert "the rounding bfloat16 leaves in a computed gradient, as the ε explorer" in words
