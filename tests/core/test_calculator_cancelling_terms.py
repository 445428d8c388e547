"""Binary losses made of large terms whose slopes cancel (review15c C3): the float32 sum of
five confident binary cross-entropies softplus(z) − y·z (|z| up to 24, a loss of 0.13) rounds
terms near 20 that neither |L|, 1, the slope nor the losses' grid shows, and its exact
gradient was "Wrong … almost certainly wrong" from one row. Terms of order one are now taken
up to 2, not 1 (``terms.ORDER_ONE``), and a one-row "Wrong"
of binary losses states the premise it rests on — how large the loss's terms would have to
be to explain it — instead of "almost certainly wrong"."""

from __future__ import annotations

from decimal import Decimal

from fdgui.core.calculator.schemes import Inputs, estimate
from fdgui.core.report.calculator import calculator_report

_F32 = Decimal(2) ** -24
# h/bce.py seed 121: float32, w ± 2^-12 exact; the exact secant of these float32 points
_BCE = Inputs(
    loss_plus=Decimal("0.13407644629478455"),
    loss_minus=Decimal("0.13405448198318481"),
    epsilon=Decimal("0.000244140625"),
    backprop=Decimal("0.043869986544932124"),
    loss_roundoff=_F32,
)
_BCE_SECANT = Decimal("0.0438717")
# 1000·(atan(w) − atan(1.0078125·w)) in float32 at 0.75, ε = 2^-10: terms of 640 for a loss
# of 3.7 and a slope of 1.3, beyond any allowance one row could make without refuting nothing
_ATAN = Inputs(
    loss_plus=Decimal("-3.7407875061035156"),
    loss_minus=Decimal("-3.7381649017333984"),
    epsilon=Decimal("0.0009765625"),
    loss=Decimal("-3.739476203918457"),
    backprop=Decimal("-1.3781550958576204"),
    loss_roundoff=_F32,
)


def test_confident_cross_entropies_exact_gradient_is_not_wrong():
    result = estimate(_BCE)
    assert result.comparison.verdict.key != "wrong"
    assert abs(result.central - _BCE_SECANT) <= result.terms_uncertainty


def test_a_bug_the_same_row_resolves_is_still_wrong():
    # calc20: without L no row refutes (a kink inside the step could explain it): with L
    # (the float32 midway between L+ and L−) the +30 % bug is "Wrong"; without it, undecided
    row = {**_BCE.__dict__, "backprop": Decimal("0.0585")}  # +30 %
    bug = estimate(Inputs(**{**row, "loss": Decimal("0.13406546413898468")}))
    assert bug.comparison.verdict.key == "wrong"
    alone = estimate(Inputs(**row)).comparison
    assert (alone.verdict.key, alone.too_few) == ("inconclusive", "kink")


# the same row with a +50 % bug: beyond what one row's premise leaves at ε = 2^-10 (a unit up
# to 10 times as steep as the gradient: 10·|g|·ε/s, about 10 %)
_ATAN_BUG = Inputs(**{**_ATAN.__dict__, "backprop": Decimal("-2.0672326437864306")})


def test_a_binary_wrong_names_the_terms_it_assumes_not_certainty():
    # the exact gradient (2.6 % from the central difference: terms of 640 rounded) is within
    # what one row's premise leaves at this ε, so it is no longer "Wrong" at all (it was,
    # with these words; review16c C1/C2's rule): the words are checked on a +50 % bug
    assert estimate(_ATAN).comparison.verdict.key != "wrong"
    result = estimate(_ATAN_BUG)
    assert result.comparison.verdict.key == "wrong"  # one row cannot see terms of 640
    text = calculator_report(result)
    assert "almost certainly wrong" not in text
    assert "terms larger than" in text
    typed = calculator_report(estimate(Inputs(**{**_ATAN_BUG.__dict__, "loss_roundoff": None})))
    # typed digits bound the losses; the words state the premise about what one row cannot see
    assert "almost certainly wrong" not in typed
    assert "unless the loss has such a feature" in typed.replace("\n  ", " ")


def test_the_premise_words_work_with_any_roundoff():
    # a round-off that is not a power of two (repr of 2^-24): the quotient does not end
    row = Inputs(**{**_ATAN_BUG.__dict__, "loss_roundoff": Decimal(repr(2.0**-24))})
    assert "terms larger than" in calculator_report(estimate(row))
