"""A derivative typed as a number is the person's claim to the digits typed: judged against the
references' own error bars plus half a unit of its last typed digit (core/sweep/claim.py),
monotone in how far it is off, and never the yardstick the best ε is chosen by."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sweep_corpus

from fdgui.core.models.expression_model import expression_model
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

POINTS = [
    ("w**2/2", 0.15),
    ("1-cos(w)", 1e-8),
    ("sin(w)*exp(-w**2)", 0.7),
    ("log(w)", 1e200),
    ("w**3", 0.1),
]


def _sweep(expression: str, point: float, grad: str, points: int = 120):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype="float64", points=points))
    return result, diagnose(result)


@pytest.mark.parametrize(("expression", "point"), POINTS)
def test_a_typed_number_off_by_more_than_float64_resolves_is_wrong_and_monotone(expression, point):
    truth = float(sweep_corpus.truth(sweep_corpus.Case(expression, point, "float64", "correct")))
    verdicts = []
    for offset in (1e-13, 1e-9, 1e-7, 1e-5, 1e-3, 0.3):
        # 15 significant digits (trailing zeros kept: they are typed digits too) of
        # truth·(1 + offset): half a unit of the last is 5e-15 relative at most
        typed = f"{truth * (1 + offset):.14e}"
        _, diagnosis = _sweep(expression, point, typed)
        verdicts.append(diagnosis.kind)
    assert all(kind in ("correct", "wrong") for kind in verdicts), verdicts
    first_wrong = verdicts.index("wrong") if "wrong" in verdicts else len(verdicts)
    assert all(kind == "wrong" for kind in verdicts[first_wrong:]), verdicts  # monotone
    assert verdicts[1:] == ["wrong"] * 5, verdicts  # 1e-9 relative is far beyond the bars


@pytest.mark.parametrize(("expression", "point"), POINTS[:3])
def test_the_best_epsilon_does_not_follow_the_claim(expression, point):
    truth = float(sweep_corpus.truth(sweep_corpus.Case(expression, point, "float64", "correct")))
    bests = []
    for factor in (1.0, 1.01, 1.3):
        result, _ = _sweep(expression, point, repr(truth * factor))
        bests.append({s: result.curves[s].best_index for s in ("central", "forward")})
    assert bests[0] == bests[1] == bests[2]


def test_a_typed_number_carries_its_representation_error_and_half_its_last_digit():
    result, _ = _sweep("w**2/2", 0.15, "0.2")
    claim = result.references[0]
    assert claim.method == "your derivative"
    # plus what computing the derivative in float64 may round (backward_rounding)
    assert 0.05 <= claim.error <= 0.05 + 2**-53 * 0.2 + claim.backward
    assert claim.backward <= 4 * 2**-53 * 0.15
    result, _ = _sweep("w**2/2", 0.15, "0.20")
    claim = result.references[0]
    assert 0.005 <= claim.error <= 0.005 + 2**-53 * 0.2 + claim.backward
    result, _ = _sweep("w**2/2", 0.15, "3")
    assert result.references[0].error == pytest.approx(0.5, abs=1e-15)


def _fuzz_cases():
    import test_verdict_fuzz

    return [(text, point) for text, point, _ in test_verdict_fuzz._cases()[:80]]


@pytest.mark.parametrize(("text", "point"), _fuzz_cases())
def test_random_expressions_a_right_number_is_never_wrong_and_one_off_by_1e3_always_is(text, point):
    from fdgui.core.sweep import extended

    analytic = extended.analytic_reference(text, point)
    if not analytic.trusted:
        pytest.skip("no two-sided derivative at this point (kink or undefined): nothing typed")
    for typed, wrong in (
        (repr(analytic.value), False),
        (repr(analytic.value * 1.001 + 1e-300), True),
    ):
        _, diagnosis = _sweep(text, point, typed, points=60)
        if wrong and diagnosis.facts.get("computation_too_coarse"):
            # float64 cannot compute this derivative to 1e-3 (expm1(tanh(w)) at 20: a
            # backward's 1 − tanh² is 0 for 4.6e-17): too coarse, never confirmed
            assert diagnosis.case == "unresolved"
            continue
        assert (diagnosis.kind == "wrong") == wrong, (typed, diagnosis.case, analytic)


SHORT = [("sin(w)", 0.7), ("sin(w)*exp(-w**2)", 0.7), ("exp(w)", 1.3), ("tanh(w)", -0.4)]


@pytest.mark.parametrize(("expression", "point"), SHORT)
@pytest.mark.parametrize("digits", [1, 2, 4, 6])
def test_a_correct_derivative_typed_with_too_few_digits_is_too_coarse_not_correct(
    expression, point, digits
):
    """Half a unit of the last typed digit is wider than seven digits of the gradient: the
    truth rounded to those digits agrees only within that rounding, and a bug as large would
    agree as well, so it is neither "correct" nor "wrong" but too coarse (exit 2)."""
    truth = float(sweep_corpus.truth(sweep_corpus.Case(expression, point, "float64", "correct")))
    typed = f"{truth:.{digits - 1}e}"
    if abs(float(typed) - truth) <= 1e-12 * abs(truth):
        pytest.skip(f"{typed} is the derivative to float64's digits: nothing was rounded off")
    _, diagnosis = _sweep(expression, point, typed)
    assert diagnosis.case == "unresolved", (typed, diagnosis.case)
    assert diagnosis.facts.get("few_typed_digits"), diagnosis.facts


@pytest.mark.parametrize(("expression", "point"), SHORT)
def test_a_derivative_typed_with_nine_digits_is_correct_to_the_digits_typed(expression, point):
    truth = float(sweep_corpus.truth(sweep_corpus.Case(expression, point, "float64", "correct")))
    typed = f"{truth:.8e}"
    _, diagnosis = _sweep(expression, point, typed)
    assert diagnosis.kind == "correct", (typed, diagnosis.kind)


def _low_sweep(expression: str, point: float, grad: str, dtype: str):
    model = expression_model(expression, point, grad)
    result = run_sweep(EntryObjective(model, 0), SweepSettings(dtype=dtype, points=120))
    return diagnose(result)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_in_a_low_dtype_typed_digits_decide_only_where_its_rounding_does_not_cover_them(dtype):
    """Six digits of the exact derivative are far finer than bfloat16's or float16's
    rounding of a computed gradient: correct, not "too few typed digits". A short value
    whose difference needs its half unit on top of that rounding is too coarse, and the same
    value typed with more digits (no half unit to lean on) is wrong."""
    from fdgui.core.numbers.precision import unit_roundoff
    from fdgui.core.sweep.claim import CLAIM_ROUNDINGS

    diagnosis = _low_sweep("sin(w)", 0.7, "0.765345", dtype)
    assert diagnosis.kind == "correct", diagnosis.case
    truth = float(sweep_corpus.truth(sweep_corpus.Case("sin(w)", 0.7, dtype, "correct")))
    allowed = CLAIM_ROUNDINGS * unit_roundoff(dtype) * abs(truth)
    # the shortest decimal beyond the dtype's allowance but within it plus its own half unit
    for digits in range(1, 6):
        unit = 10.0**-digits
        short = f"{math.ceil((truth + allowed) / unit) * unit:.{digits}f}"
        if allowed < abs(float(short) - truth) <= allowed + 0.45 * unit:
            break
    else:
        pytest.fail(f"no short decimal sits in the typed digits' band on {dtype}")
    assert _low_sweep("sin(w)", 0.7, short, dtype).facts.get("few_typed_digits")
    assert _low_sweep("sin(w)", 0.7, short + "000", dtype).kind == "wrong"
