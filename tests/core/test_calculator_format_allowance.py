"""The calculator allows a backprop gradient computed in the losses' own format what the ε
explorer allows it (issue 10, calc21's note): losses that are float32, float16 or bfloat16
numbers (sent by the explorer, saved so in a session, or ``calc --source-dtype``) came from a
forward pass in that format, and a correct backward pass in it returns at best the exact
derivative rounded to it — up to ten roundings, 10·u·|g| (``sweep/claim.dtype_rounding``, one
rule: ``numbers/typed_claim.computed_rounding``), plus the format's smallest normal number for
a gradient below it. Within that the verdict is "Correct (limited by <format>)", the
explorer's words for the same case; beyond it the bands decide as before; typed losses and
float64 losses get no such allowance."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import ml_dtypes
import numpy as np
import pytest

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.report.calculator import calculator_json, verdict_text, verdict_title

LOW = ("float32", "float16", "bfloat16")
NUMPY = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}


def _in(dtype: str, value: float) -> float:
    """``value`` rounded to ``dtype`` (a float64 holding it exactly)."""
    return float(np.asarray(value, dtype=NUMPY[dtype]).astype(np.float64))


def _sent(
    dtype: str | None,
    plus: float,
    minus: float,
    eps: float,
    backprop: str,
    loss: float | None = None,
):
    """The calculator's estimate of losses that are binaries of ``dtype`` (None: typed)."""
    inputs, errors = parse_inputs(
        {
            "loss_plus": repr(plus),
            "loss_minus": repr(minus),
            "epsilon": repr(eps),
            "backprop": backprop,
            "loss": "" if loss is None else repr(loss),
        }
    )
    assert not errors, errors
    if dtype is not None:
        inputs = replace(inputs, loss_roundoff=Decimal(repr(unit_roundoff(dtype))))
    return estimate(inputs)


def _linear(dtype: str, slope: float, w: float = 0.5371, eps: float = 0.2371):
    """L = slope·w at w ± ε, each loss the dtype's number: its central difference, ±.

    Not at w = 0.5 ± 0.25: 2.25 and 0.75 lie on a grid of 0.25, as losses formed from
    cancelling terms up to 0.25/u would, so one row may no longer refute or confirm there
    (``calculator.terms``, review12c C1)."""
    return _in(dtype, slope * (w + eps)), _in(dtype, slope * (w - eps)), eps


@pytest.mark.parametrize("dtype", LOW)
def test_a_backprop_off_by_a_few_roundings_of_its_format_is_correct_limited_by_it(dtype):
    u = unit_roundoff(dtype)
    plus, minus, eps = _linear(dtype, 3.0)
    central = (plus - minus) / (2 * eps)
    # more than the losses' ± away, within 10·u·|g|: a correct gradient computed in the dtype
    result = _sent(dtype, plus, minus, eps, "0")  # placeholder to read the ± first
    offset = float(result.uncertainty) + 4 * u * abs(central)
    backprop = repr(central + offset)
    result = _sent(dtype, plus, minus, eps, backprop)
    comparison = result.comparison
    assert comparison.absolute_difference > result.uncertainty
    assert comparison.verdict.key == "limited", (dtype, comparison.verdict, comparison.band)
    assert verdict_title(result) == f"Correct (limited by {dtype})"
    text = verdict_text(comparison, result.uncertainty, roundoff=result.inputs.loss_roundoff)
    assert f"the rounding {dtype} leaves in a computed gradient" in text
    assert "look for" not in text.lower() and "wider dtype" in text


@pytest.mark.parametrize("dtype", LOW)
def test_beyond_the_formats_rounding_the_bands_decide(dtype):
    u = unit_roundoff(dtype)
    plus, minus, eps = _linear(dtype, 3.0)
    central = (plus - minus) / (2 * eps)
    result = _sent(dtype, plus, minus, eps, "0")
    # 10 % beyond the format's rounding: never "limited"; at ε = 0.24 (a third of the scale)
    # what one row cannot see leaves 10/3 of the gradient (review16c C1/C2): undecided
    offset = float(result.uncertainty) + 25 * u * abs(central) + 0.1 * abs(central)
    result = _sent(dtype, plus, minus, eps, repr(central + offset))
    assert result.comparison.verdict.key == "inconclusive"
    # at ε = 0.003 (float16: 0.005) a sign flip is refuted; from ε = 0.01 (s/10) on one row
    # refutes nothing (``verdicts.unseen_feature``)
    plus, minus, eps = _linear(dtype, 3.0, eps=0.005 if dtype == "float16" else 0.003)
    central = (plus - minus) / (2 * eps)
    if dtype != "bfloat16":  # bfloat16's losses at a small ε resolve no sign flip
        # with L (calc20: without L no row refutes: a kink inside the step could explain it)
        loss = _in(dtype, 3.0 * 0.5371)
        result = _sent(dtype, plus, minus, eps, repr(-central), loss)
        assert result.comparison.verdict.key == "wrong"
        assert verdict_title(result) == "Wrong"
        alone = _sent(dtype, plus, minus, eps, repr(-central)).comparison
        assert (alone.verdict.key, alone.too_few) == ("inconclusive", "kink")


def test_the_allowance_is_monotone_in_how_far_the_backprop_is_off():
    """Walking the backprop away from the central difference: limited, then never back."""
    dtype = "bfloat16"
    plus, minus, eps = _linear(dtype, 3.0)
    central = (plus - minus) / (2 * eps)
    keys = [
        _sent(dtype, plus, minus, eps, repr(central * (1 + k / 400))).comparison.verdict.key
        for k in range(1, 100)  # 25 %: at ε = 0.24 (a third of the scale) one row refutes
    ]  # no bug of the gradient's size (review16c C1/C2): limited, then undecided, never back
    first_coarse = keys.index("inconclusive")
    assert "limited" in keys[:first_coarse]
    assert all(key == "inconclusive" for key in keys[first_coarse:]), keys


def test_typed_losses_and_float64_losses_get_no_format_allowance():
    plus, minus, eps = _linear("bfloat16", 3.0)
    central = (plus - minus) / (2 * eps)
    backprop = repr(central * 1.02)  # 2 %: within bfloat16's 10·u = 3.9 %
    assert _sent("bfloat16", plus, minus, eps, backprop).comparison.verdict.key == "limited"
    # typed: no format allowance; at ε = 0.24 the 2 % is within what one row cannot see
    # (review16c C1/C2), so too coarse for that reason, never "limited"; at ε = 0.003 a 50 %
    # bug is refuted
    typed = _sent(None, plus, minus, eps, backprop).comparison
    assert (typed.verdict.key, typed.too_few) == ("inconclusive", "truncation")
    small = _linear("bfloat16", 3.0, eps=0.003)
    small_central = (small[0] - small[1]) / (2 * small[2])
    # with L (calc20: without L no row refutes: a kink inside the step could explain it)
    loss = _in("bfloat16", 3.0 * 0.5371)
    refuted = _sent(None, *small, repr(small_central * 1.5), loss).comparison
    assert refuted.verdict.key == "wrong"
    # float64 losses with bfloat16's 8 bits lie on a grid 2^45 times their float64 spacing,
    # as cancelling terms would leave them (calculator.terms): one row no longer refutes
    # here, but no format allowance makes it "limited" either
    float64 = _sent("float64", plus, minus, eps, backprop).comparison
    assert float64.verdict.key != "limited" and not float64.losses_format


def test_a_dead_backward_below_the_formats_smallest_normal_is_not_wrong():
    """In float16 a gradient of 2e-5 (below 6.1e-5, its smallest normal number) may come out
    of a correct backward as 0: the explorer's underflow allowance, the same words. The losses
    here resolve it: too coarse to judge (what computing it in float16 may round), exit 2."""
    dtype = "float16"
    # a central difference of 3e-5 resolved by losses of its own size
    plus, minus, eps = _in(dtype, 3e-5 * 0.75), _in(dtype, 3e-5 * 0.25), 0.25
    central = (plus - minus) / (2 * eps)
    assert 0 < central < 6.1e-5
    result = _sent(dtype, plus, minus, eps, "0")
    comparison = result.comparison
    assert comparison.absolute_difference > result.uncertainty
    assert comparison.verdict.key != "wrong"
    title = verdict_title(result)
    assert title == "Too coarse to judge (what computing it in float16 may round)", title
    text = verdict_text(comparison, result.uncertainty, roundoff=result.inputs.loss_roundoff)
    assert "underflow" in text and "smallest normal" in text


def test_the_json_names_the_format_and_its_allowance():
    plus, minus, eps = _linear("float32", 3.0)
    central = (plus - minus) / (2 * eps)
    result = _sent("float32", plus, minus, eps, repr(central * (1 + 3e-7)))
    check = calculator_json(result)["check"]
    assert check["verdict"] == "limited" and check["title"] == "Correct (limited by float32)"
    assert check["losses_format"] == "float32"
    assert Decimal(check["computed_rounding"]) == pytest.approx(
        Decimal(10 * unit_roundoff("float32")) * Decimal(central * (1 + 3e-7)), rel=Decimal("1e-6")
    )
    typed = _sent(None, plus, minus, eps, repr(central))
    assert calculator_json(typed)["check"]["losses_format"] is None
