"""Without L one row cannot tell a kink inside the step from a wrong claim (calc20).

The central difference (L+ − L−)/(2ε) is the mean of L' over [w − ε, w + ε]. A kink at c
inside the step (a jump K of L': ReLU, |u|, leaky ReLU, max) moves it from L'(w) by up to
|K|/2 whatever K is, and two losses do not show it: g·w + K·relu(w − c) + L0 with c between
w and w + ε fits any L+, L− and any claimed L'(w) = g (K from the central difference, L0
from L+). So no difference between the central difference and the claim excludes a kink
without L, and a premise bounding K by the gradient (the M = 10 of ``unseen_feature``)
would allow a difference of 5·max(|central|, |claim|), more than any two numbers of the same
size differ by. Without L a difference in the "wrong" band is therefore never "Wrong": it is
undecided (exit 2) with words saying to type L; with L the forward and backward differences
show the kink (they differ by about its jump) and the row refutes as before. A row sent from
the ε explorer with its trusted reference (read only where no kink is near w) still refutes
beyond the central difference's measured error."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import mpmath as mp
import pytest

from fdgui.commands.calc import _status
from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_report, verdict_title


@pytest.fixture(autouse=True)
def _fifty_digits():
    mp.mp.dps = 50


def _row(f, w, eps, claim, with_loss, digits=25):
    w, e = mp.mpf(w), mp.mpf(eps)

    def text(x):
        return mp.nstr(x, digits, min_fixed=-100, max_fixed=100)

    texts = {
        "loss_plus": text(f(w + e)),
        "loss_minus": text(f(w - e)),
        "loss": text(f(w)) if with_loss else "",
        "epsilon": str(eps),
        "backprop": mp.nstr(claim, 20, strip_zeros=False) if claim else "0",
    }
    inputs, errors = parse_inputs(texts)
    assert inputs is not None, errors
    return inputs


def _relu(u):
    return u if u > 0 else 0 * u


def test_the_named_case_relu_kink_1e_5_from_w_without_l_is_not_wrong():
    """The open problem: a ReLU kink 1e-5 from w, ε = 1e-4, no L, the exact gradient."""

    def f(x):
        return _relu(x - mp.mpf("1e-5")) + mp.mpf("0.3") * x

    inputs = _row(f, 0, "1e-4", mp.mpf("0.3"), with_loss=False)
    result = estimate(inputs)
    assert result.comparison.verdict.key != "wrong"
    assert _status(result) == 2  # undecided, never a pass
    title = verdict_title(result)
    assert "L" in title and "kink" in title, title
    report = calculator_report(result)
    assert "Type L" in report, report


# g·w + K·relu(±(w − c)) and K·|w − c|: kinks of many sizes against the gradient, placed across
# the step, the gradient's own side of it included
_KINDS = {
    "relu": lambda u: _relu(u),
    "relu-": lambda u: _relu(-u),
    "abs": lambda u: abs(u),
    "leaky": lambda u: u if u > 0 else u / 8,
}


@pytest.mark.parametrize("kind", sorted(_KINDS))
@pytest.mark.parametrize("jump", ["0.01", "0.3", "1", "5", "100"])
@pytest.mark.parametrize("place", ["-0.9", "-0.5", "-0.1", "0.05", "0.5", "0.95"])
@pytest.mark.parametrize("eps", ["1e-6", "1e-4", "3e-3"])
def test_an_exact_gradient_beside_a_kink_inside_the_step_is_never_wrong_without_l(
    kind, jump, place, eps
):
    """Jumps from 1 % to 100 times the smooth slope, the kink anywhere inside the step: the
    exact gradient without L is undecided or passes, never "Wrong" (the main rule called many
    of these "Wrong": a kink inside the step was only in the words' premise)."""
    unit, size, g = _KINDS[kind], mp.mpf(jump), mp.mpf("0.7")
    w = mp.mpf("0.25")
    c = w + mp.mpf(place) * mp.mpf(eps)

    def f(x):
        return mp.mpf("1.5") + g * x + size * unit(x - c)

    h = mp.mpf("1e-40")
    exact = (f(w + h) - f(w - h)) / (2 * h)  # w is not at the kink: both sides agree
    result = estimate(_row(f, w, eps, exact, with_loss=False))
    assert result.comparison.verdict.key != "wrong", (kind, jump, place, eps)


def test_with_l_the_same_rows_refute_a_wrong_claim_and_keep_the_exact_one():
    """Typing L removes the doubt: the forward and backward differences show the kink. A
    smooth loss's sign flip and 50 % bug are "Wrong" with L, undecided without."""

    def smooth(x):
        return mp.sin(3 * x) + x * x

    w = mp.mpf("0.4")
    exact = 3 * mp.cos(3 * w) + 2 * w
    for claim in (-exact, exact * mp.mpf("1.5")):
        with_l = estimate(_row(smooth, w, "1e-4", claim, with_loss=True))
        assert with_l.comparison.verdict.key == "wrong"
        without = estimate(_row(smooth, w, "1e-4", claim, with_loss=False))
        assert without.comparison.verdict.key == "inconclusive"
        assert without.comparison.too_few == "kink"
        assert _status(without) == 2

    def kinked(x):
        return _relu(x - w - mp.mpf("3e-5")) * 4 + mp.mpf("0.3") * x

    result = estimate(_row(kinked, w, "1e-4", mp.mpf("0.3"), with_loss=True))
    assert result.comparison.verdict.key != "wrong"


def test_a_sent_reference_read_where_no_kink_is_near_w_still_refutes_without_l():
    """A row sent from the ε explorer keeps its trusted reference when L is cleared
    (review16c H3): the reference is trusted only where no kink is near w, so beyond the
    central difference's measured error the row refutes, as the explorer does."""

    def smooth(x):
        return mp.sin(3 * x) + x * x

    w = mp.mpf("0.4")
    exact = 3 * mp.cos(3 * w) + 2 * w
    inputs = _row(smooth, w, "1e-4", -exact, with_loss=False)
    reference = (Decimal(mp.nstr(exact, 20)), Decimal("1e-12"))
    result = estimate(replace(inputs, reference=reference))
    assert result.comparison.verdict.key == "wrong"
    report = calculator_report(result)
    assert "reference" in report


def test_the_equal_losses_and_the_digits_keep_their_own_words_without_l():
    """Only a difference that would be "Wrong" changes: one within the typed digits is still
    "Too coarse (too few typed digits)", one in the "Suspicious" band still "Suspicious"."""
    texts = {
        "loss_plus": "1.0001",
        "loss_minus": "0.9999",
        "epsilon": "0.0001",
        "backprop": "1.002",
    }
    inputs, _ = parse_inputs(texts)
    assert estimate(inputs).comparison.verdict.key in ("inconclusive", "suspicious")
    texts["backprop"] = "1.00001"
    inputs, _ = parse_inputs(texts)
    comparison = estimate(inputs).comparison
    assert comparison.too_few != "kink"
