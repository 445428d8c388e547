"""One row's room for its central difference's truncation near an inflection point
(review12c C2): |L''|·ε/2 vanishes where L'' does while |L'''|·ε²/6 does not, so a correct
derivative was "Wrong" (exit 1) at a large ε. A refutation now also clears the truncation of
a loss varying on a scale s = max(VARIATION_SCALE, STEP_SCALES·ε) at its inflection point,
shaped as the steepest of the common S-shaped curves (softsign; tanh, atan and erf are
gentler, a sine more so: review15c C2) (``plausible_truncation``): at a small ε it shrinks
like ε² (power is kept), at a large one it stays that of a loss varying on STEP_SCALES steps
(a 10 % bug at ε = 0.25 is still refuted)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import mpmath as mp
import pytest

from fdgui.core.calculator.schemes import Inputs, estimate, parse_inputs
from fdgui.core.numbers.verdicts import (
    PRIOR_STEEPNESS,
    STEP_SCALES,
    VARIATION_SCALE,
    plausible_truncation,
)
from tests.core.typed_loss import loss_text


def _sine_share(x: Decimal) -> Decimal:
    """The prior's share of the central difference (the name kept: a sine's was x²/6)."""
    share = PRIOR_STEEPNESS * x * x / 6
    return share / (1 - share)


def test_the_room_never_relies_on_a_vanishing_curvature():
    central, eps = Decimal("9.85"), Decimal("0.03")
    room = plausible_truncation(central, eps)
    scale = max(VARIATION_SCALE, STEP_SCALES * eps)
    assert abs(room - central * _sine_share(eps / scale)) < Decimal("1e-25")
    # at a small ε it stays a small share of the gradient: power is kept there
    assert plausible_truncation(central, Decimal("0.001")) < central * Decimal("6e-5")


def test_at_a_large_step_the_room_is_that_of_a_loss_varying_on_a_few_steps():
    """Beyond VARIATION_SCALE/STEP_SCALES the room no longer grows with ε: a share of the
    central difference (5.9 % for three steps), so a bug of 10 % at ε = 0.25 stays refuted."""
    central = Decimal(-2)
    flat = abs(central) * _sine_share(1 / STEP_SCALES)
    for eps in ("0.05", "0.1", "0.25", "1", "30"):
        assert abs(plausible_truncation(central, Decimal(eps)) - flat) < Decimal("1e-25")
    assert flat < Decimal("0.06") * abs(central)


# sin(3w) at w = 0.001, ε = 0.1 (a loss varying on a scale of 1/3), typed to 20 digits,
# the exact derivative: the central difference is 1.5 % low, L'' ≈ 0 (review12c C2's class)
_INFLECTION = Inputs(
    loss_plus=Decimal("0.29838488198977153103"),
    loss_minus=Decimal("-0.29265287165304242793"),
    epsilon=Decimal("0.1"),
    loss=Decimal("0.0029999955000020249996"),
    backprop=Decimal("2.999986500010124997"),
)
# review12c's reproducer: sin(10w) at w = 0.001, ε = 0.03, 20 digits, the exact derivative
_SIN10 = Inputs(
    loss_plus=Decimal("0.30505863644344350157"),
    loss_minus=Decimal("-0.28595222510483553268"),
    epsilon=Decimal("0.03"),
    loss=Decimal("0.0099998333341666646825"),
    backprop=Decimal("9.9995000041666527778"),
)


@pytest.mark.parametrize("row", [_INFLECTION, _SIN10], ids=["sin3w", "sin10w"])
@pytest.mark.parametrize("with_loss", [True, False], ids=["L", "no-L"])
def test_a_correct_derivative_at_an_inflection_point_is_not_wrong(row, with_loss):
    if not with_loss:
        row = replace(row, loss=None)
    comparison = estimate(row).comparison
    assert comparison.band.key == "wrong"
    assert comparison.verdict.key == "inconclusive"
    assert comparison.too_few == "truncation"


@pytest.mark.parametrize("row", [_INFLECTION, _SIN10], ids=["sin3w", "sin10w"])
def test_a_bug_the_row_resolves_at_an_inflection_point_is_still_wrong(row):
    # ε = s/3 here: a feature one row cannot see (an odd jump of L'' with L, a minimum near w
    # without: review16c C1/C2) leaves 10/3 of the gradient, so one row refutes no bug of its
    # size — undecided, never correct, with and without L alike (review16c H2)
    for with_loss in (True, False):
        base = row if with_loss else replace(row, loss=None)
        for share in ("1.1", "1.5", "-1"):
            bug = replace(base, backprop=row.backprop * Decimal(share))
            assert estimate(bug).comparison.verdict.key == "inconclusive", (with_loss, share)


def _inflection_row(curve, k: int, ratio: str, with_loss: bool, share: str = "1"):
    """curve(k·w) at its inflection point 0, ε = ratio/k, typed to 20 digits; the claim its
    exact derivative k·curve'(0) times ``share``, typed with 12 digits."""
    mp.mp.dps = 40
    eps = mp.mpf(ratio) / k
    eps_text = mp.nstr(eps, 6)
    eps = mp.mpf(eps_text)
    texts = {
        "loss_plus": mp.nstr(curve(k * eps), 20),
        "loss_minus": mp.nstr(curve(-k * eps), 20),
        "epsilon": eps_text,
        "backprop": mp.nstr(k * mp.diff(curve, 0) * mp.mpf(share), 12),
    }
    at_w = loss_text(mp.nstr(curve(mp.mpf(0)), 40), texts["loss_plus"], texts["loss_minus"])
    texts["loss"] = at_w if with_loss else ""
    inputs, errors = parse_inputs(texts)
    assert not errors, errors
    return estimate(inputs).comparison


_CURVES = {
    "tanh": lambda x: mp.tanh(x),
    "atan": lambda x: mp.atan(x),
    "erf": lambda x: mp.erf(x),
    "softsign": lambda x: x / mp.sqrt(1 + x * x),
    "sin": lambda x: mp.sin(x),
}


@pytest.mark.parametrize("name", sorted(_CURVES))
def test_s_shaped_losses_at_their_inflection_keep_their_exact_derivative(name):
    """review15c C2: tanh(w) at 0, ε = 0.25 (a quarter of its scale) had its exact derivative
    called "Wrong": a sine's prior (|L'''/L'| = 1/s²) is half tanh's, a third of softsign's."""
    for k, ratio, with_loss in itertools.product(
        (1, 2, 5, 10), ("0.333333", "0.25", "0.2", "0.1"), (True, False)
    ):
        comparison = _inflection_row(_CURVES[name], k, ratio, with_loss)
        assert comparison.verdict.key != "wrong", (name, k, ratio, with_loss)


@pytest.mark.parametrize("name", sorted(_CURVES))
def test_s_shaped_losses_keep_refuting_bugs_the_digits_resolve(name):
    """With and without L alike (review16c H2): what one row cannot see leaves
    10·max(|central|, |claim|)·ε/s, first order in ε (review16c C1/C2). At a third of the
    scale no bug of the gradient's size is refuted (undecided, never correct); at a hundredth
    of it a 50 % bug, at a thousandth 2 %, are still "Wrong"."""
    for with_loss in (False, True):
        for share in ("1.1", "-1"):
            coarse = _inflection_row(_CURVES[name], 1, "0.333333", with_loss, share)
            assert coarse.verdict.key == "inconclusive", (with_loss, share)
        # calc20: without L no row refutes (a kink inside the step could explain it): the
        # bugs are undecided, the words saying to type L; with L they are "Wrong"
        refuted = ("wrong", "") if with_loss else ("inconclusive", "kink")
        for ratio, share in (("0.001", "1.5"), ("1e-4", "1.02")):
            comparison = _inflection_row(_CURVES[name], 1, ratio, with_loss, share)
            assert (comparison.verdict.key, comparison.too_few) == refuted, (ratio, with_loss)
