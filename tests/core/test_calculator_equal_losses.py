"""L+ = L− tests no claim inside its ± (review16c M2): bfloat16 L = L+ = L− = 1.5234375 at
ε = 2^-9, a zero (detached) gradient was "Consistent within the losses' rounding" (exit 0)
where the exact gradient 0.196 was "Too coarse" (exit 2): a row that cannot tell 0 from the
truth accepted the 0. Typed equal losses bound |L'| by their digits: a claim beyond is refuted,
one inside (0 included) undecided."""

from dataclasses import replace
from decimal import Decimal

import pytest

from fdgui.core.calculator.schemes import estimate, parse_inputs

_TEXTS = {"loss": "1.5234375", "loss_plus": "1.5234375", "loss_minus": "1.5234375"}
_TEXTS |= {"epsilon": "0.001953125"}


@pytest.mark.parametrize("claim", ["0", "0.0", "1e-30", "0.19597568180762349"])
def test_equal_binary_losses_accept_no_claim(claim):
    inputs, _ = parse_inputs({**_TEXTS, "backprop": claim})
    inputs = replace(inputs, loss_roundoff=Decimal(2) ** -8)
    assert estimate(inputs).comparison.verdict.key == "inconclusive", claim


@pytest.mark.parametrize("claim", ["0", "1e-30", "1e-6"])
def test_equal_typed_losses_leave_a_claim_inside_their_digits_undecided(claim):
    inputs, _ = parse_inputs({**_TEXTS, "backprop": claim})
    assert estimate(inputs).comparison.verdict.key == "inconclusive", claim


def test_equal_typed_losses_refute_a_claim_beyond_their_digits():
    inputs, _ = parse_inputs({**_TEXTS, "backprop": "0.19597568180762349"})
    assert estimate(inputs).comparison.verdict.key == "wrong"
