"""A kink between w − ε and w + ε, L given (review15c C1): the exact gradient was "Wrong …
almost certainly wrong" in 110 of 330 rows while the report's own forward difference matched
it. With a kink inside the step the derivative is the forward or the backward difference, each
off by its own one-sided truncation; the room |L''|·ε/2 = |F − B|/2 alone left no margin for
that (``verdicts.KINK_ROOMS``). A bug beyond both one-sided differences stays wrong. Left:
at ε = 0.1 with a smooth part varying on 0.5 whose one-sided truncation cancels most of the
kink's F − B (1 of 330 of review15c's rows), one row cannot see the kink at all."""

from __future__ import annotations

import itertools
from decimal import Decimal

import mpmath as mp

from fdgui.core.calculator.schemes import estimate, parse_inputs

# review15c's reproducer: sin(0.5w + b) + relu(w − c), the kink 0.5ε below w, ε = 1e-3
_ROW = {
    "loss": "4.5061042168809613133e-1",
    "loss_plus": "4.5205685185797363378e-1",
    "loss_minus": "4.4966387899061555117e-1",
    "epsilon": "0.001",
}


def _key(texts: dict[str, str], backprop: str) -> str:
    inputs, errors = parse_inputs({**texts, "backprop": backprop})
    assert not errors, errors
    return estimate(inputs).comparison.verdict.key


def test_the_reviewers_row_is_not_wrong_and_a_far_bug_still_is():
    assert _key(_ROW, "1.4464864522826433") == "inconclusive"  # the exact derivative
    # F = 1.44643 and B = 0.94654 are 0.5 apart: 1.8 and 0.55 lie beyond either by less
    # than a u·|u| or softsign whose zero is 0.05·ε or more from w moves the central
    # difference while showing that curvature (verdicts.STEEP_UNIT_ROOMS, rev19c H1: 1.8 is
    # the exact derivative of such a unit 0.16·ε from w): undecided at this ε, never passed
    assert _key(_ROW, "1.8") == "inconclusive"
    assert _key(_ROW, "0.55") == "inconclusive"
    assert _key(_ROW, "-1.2") == "wrong"  # beyond that too


def test_the_exact_gradient_beside_a_kink_inside_the_step_is_never_wrong():
    mp.mp.dps = 40
    wrong = []
    cases = itertools.product(
        (0.5, 1, 2),  # a
        (-0.7, 0.3),  # b
        (-3, -0.1, 0.01, 1),  # J
        (-0.99, -0.5, -0.1, 0.1, 0.5, 0.99),  # d/ε
        (
            "0.01",
            "0.001",
            "0.0001",
        ),  # ε (at 0.1 a smooth part varying on 0.5 can still narrow F − B)
    )
    for a, b, jump, ratio, eps_text in cases:
        w, eps = mp.mpf("0.37"), mp.mpf(eps_text)
        corner = w + eps * mp.mpf(ratio)

        def f(x, a=a, b=b, jump=jump, corner=corner):
            return mp.sin(a * x + b) + jump * max(x - corner, 0)

        truth = a * mp.cos(a * w + b) + (jump if corner < w else 0)
        texts = {
            "loss": mp.nstr(f(w), 20),
            "loss_plus": mp.nstr(f(w + eps), 20),
            "loss_minus": mp.nstr(f(w - eps), 20),
            "epsilon": eps_text,
        }
        if _key(texts, mp.nstr(truth, 17)) == "wrong":
            wrong.append((a, b, jump, ratio, eps_text))
    assert not wrong, f"{len(wrong)} exact gradients called wrong: {wrong[:5]}"


def test_a_smooth_rows_resolved_bug_stays_wrong():
    mp.mp.dps = 40
    w, eps = mp.mpf("0.37"), mp.mpf("0.001")
    texts = {
        "loss": mp.nstr(mp.sin(w), 20),
        "loss_plus": mp.nstr(mp.sin(w + eps), 20),
        "loss_minus": mp.nstr(mp.sin(w - eps), 20),
        "epsilon": "0.001",
    }
    slope = Decimal(mp.nstr(mp.cos(w), 17))
    for share in (Decimal("1.2"), Decimal("0.8")):
        assert _key(texts, str(slope * share)) == "wrong"
    # ±2 % at ε = 1e-3 is within what one row's premise leaves (10·|g|·ε/s ≈ 10 %: review16c
    # C1/C2's rule): too coarse, never passed; at ε = 1e-4 it is wrong
    for share in (Decimal("1.02"), Decimal("0.98")):
        assert _key(texts, str(slope * share)) == "inconclusive"
    eps = mp.mpf("0.0001")
    texts = {
        "loss": mp.nstr(mp.sin(w), 20),
        "loss_plus": mp.nstr(mp.sin(w + eps), 20),
        "loss_minus": mp.nstr(mp.sin(w - eps), 20),
        "epsilon": "0.0001",
    }
    for share in (Decimal("1.02"), Decimal("0.98")):
        assert _key(texts, str(slope * share)) == "wrong"
