"""The calculator's exit status never improves as the backprop gradient moves away from the
central difference (review13v M1): a claim the typed digits cannot tell from the central
difference got "Too coarse to judge" (exit 2) while a farther one, in the "kinks" band and
resolved, got "Fine only if the loss has kinks" (exit 0).

Exit status order: 0 (confirmed or accepted), 2 (neither confirmed nor refuted), 1 (wrong).
"""

from __future__ import annotations

import random
from decimal import Decimal, localcontext

import pytest

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_report

_RANK = {"correct": 0, "consistent": 0, "kinks": 0, "limited": 0,
         "inconclusive": 1, "suspicious": 1, "wrong": 2}  # fmt: skip


def _verdict(plus: str, minus: str, eps: str, backprop: str, loss: str = ""):
    texts = {"loss": loss, "loss_plus": plus, "loss_minus": minus, "epsilon": eps}
    inputs, errors = parse_inputs({**texts, "backprop": backprop})
    assert not errors, errors
    return estimate(inputs)


def _offsets(central: Decimal) -> list[str]:
    return [str(central * (1 + Decimal(s) * Decimal(r)))
            for r in ("0", "1e-9", "1e-8", "1e-7", "1e-6", "3e-6", "1e-5", "1e-4", "3e-4",
                      "1e-3", "1e-2", "0.03", "0.1", "0.3") for s in (1,)]  # fmt: skip


def test_the_reviewers_row_is_monotone_and_a_claim_inside_the_digits_is_consistent():
    # the digits pin the gradient to 3 ± 5e-6: 3.000003 is as consistent with them as 3
    row = ("1.0000000000000000000300000", "0.9999999999999999999700000", "1e-20")
    seen = []
    for claim in ("3", "3.000003", "3.0003", "3.03", "3.3"):
        # with L on the line through L+ and L− (calc20: without L no row refutes)
        result = _verdict(*row, claim, loss="1.0000000000000000000000000")
        seen.append(result.comparison.verdict.key)
    assert seen[:2] == ["consistent", "consistent"], seen
    assert seen[2] == "kinks" and seen[3] == "suspicious" and seen[4] == "wrong", seen
    words = calculator_report(_verdict(*row, "3.000003"))
    assert "5e-6" in words or "5.0e-6" in words or "0.000005" in words, words


@pytest.mark.parametrize("seed", range(6))
def test_exit_status_never_improves_with_the_offset(seed):
    rng = random.Random(seed)
    with localcontext() as context:
        context.prec = 80
        _rows_are_monotone(rng)


def _rows_are_monotone(rng: random.Random) -> None:
    for _ in range(25):
        digits = rng.randint(5, 30)
        eps = Decimal(10) ** -rng.randint(2, 20)
        g = Decimal(str(rng.uniform(0.1, 10))).quantize(Decimal("1e-6"))
        base = Decimal(str(rng.uniform(-3, 3)))
        q = Decimal(10) ** (base.adjusted() - digits + 1)
        plus, minus = (base + g * eps).quantize(q), (base - g * eps).quantize(q)
        if plus == minus:
            continue
        central = (plus - minus) / (2 * eps)
        # with and without L (calc20: without L no row refutes, so only with L is the
        # "wrong" end reached)
        loss = rng.choice(["", str(base.quantize(q))])
        for sign in (1, -1):
            ranks = []
            for claim in _offsets(central):
                claim = str(2 * central - Decimal(claim)) if sign < 0 else claim
                result = _verdict(str(plus), str(minus), str(eps), claim, loss)
                ranks.append((_RANK[result.comparison.verdict.key], claim,
                              result.comparison.verdict.key))  # fmt: skip
            keys = [r[0] for r in ranks]
            assert keys == sorted(keys), (str(plus), str(minus), str(eps), ranks)


def test_a_kinks_band_difference_a_smooth_loss_truncation_explains_is_not_blamed_on_smoothness():
    # exp at w = 0.2768, ε = 1e-3, 20 digits (mpmath): the exact derivative's relative error
    # 1.7e-7 is the central difference's own truncation, ε²·L'''/(6·L')
    row = ("1.3202221263776169522", "1.3175843208096981012", "1e-3", "1.3189025641423205013")
    result = _verdict(*row, loss="1.3189025641423205013")
    assert result.comparison.verdict.key == "kinks"
    words = calculator_report(result)
    assert "not as close as a smooth loss allows" not in words
    assert "truncation" in words
    # the title names the band ("Fine only if the loss has kinks"): the words must not deny
    # it (review15k M3: "it needs no kink" under that title)
    assert "needs no kink" not in words and "kink" in words.split("Check against")[-1]
    # a difference a hundred times that truncation keeps the band's words
    far = _verdict(*row[:3], "1.3190", loss="1.3189025641423205013")
    assert far.comparison.verdict.key == "kinks"
    assert "not as close as a smooth loss allows" in calculator_report(far)
