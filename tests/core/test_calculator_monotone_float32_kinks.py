"""The exit never improves as the claim moves away, for float32 rows of ordinary gradients
too (review16c M1): r16 seed 119 (a leaky-relu kink and a bump, A = 1e-3, ε = 2^-8, L
given, central 3.9547e-4): a claim 5.5e-7 (relative) from the central difference was "Too
coarse to judge (the losses' rounding)" (2), one 7.9e-7 away "Close: a kink, truncation or a
small mistake" (0). The "kinks" band passes only where the losses resolve the gradient, as
the format's rounding band does."""

from dataclasses import replace
from decimal import Decimal

from fdgui.core.calculator.schemes import estimate, parse_inputs

_RANK = {"correct": 0, "consistent": 0, "limited": 0, "kinks": 0, "suspicious": 1}
_RANK |= {"inconclusive": 1, "wrong": 2}
_TEXTS = {
    "loss": "-1.0198301652053487e-06",
    "loss_plus": "1.1666186594538885e-07",
    "loss_minus": "-2.972955371660646e-06",
    "epsilon": "0.00390625",
}


def _key(claim: Decimal) -> str:
    inputs, _ = parse_inputs({**_TEXTS, "backprop": str(claim)})
    inputs = replace(inputs, loss_roundoff=Decimal(2) ** -24)
    return estimate(inputs).comparison.verdict.key


def test_the_exit_never_improves_as_the_claim_moves_away():
    inputs, _ = parse_inputs({**_TEXTS, "backprop": "1"})
    central = estimate(replace(inputs, loss_roundoff=Decimal(2) ** -24)).central
    for sign in (1, -1):
        ranks = []
        for k in range(-90, 5):  # 1e-9 … 3 relative, 10 per decade
            share = Decimal(10) ** (Decimal(k) / 10)
            ranks.append(_RANK[_key(central * (1 + sign * share))])
        assert ranks == sorted(ranks), (sign, ranks)
