"""Measured tables (`sweep --table`): a gradient is confirmed only by a Richardson reference
over rows that follow the h² law and whose bar resolves it (≤ 1/4 of it with both bars and
the safety factor); rows beyond the loss's scale confirm and refute nothing ("too coarse to
judge", saying whether truncation or round-off limits them). Truths are 50-digit mpmath."""

import random

import mpmath as mp
import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_text, diagnosis_title
from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.references import h2_run

mp.mp.dps = 50
CAST = {"float64": np.float64, "float32": np.float32, "float16": np.float16}


def _rows(function, w: str, source: str, epsilons) -> tuple[str, mp.mpf]:
    """The table of ``function`` at w, each loss rounded to ``source``; and f′(w)."""
    cast, point = CAST[source], mp.mpf(w)
    at_w = float(cast(float(function(point))))
    lines = []
    for epsilon in epsilons:
        plus = float(cast(float(function(point + epsilon))))
        minus = float(cast(float(function(point - epsilon))))
        lines.append(f"{epsilon!r},{plus!r},{minus!r},{at_w!r}")
    return "\n".join(lines) + "\n", mp.diff(function, point)


def _sweep(text: str, backprop, source: str):
    objective, _problems, dtype = table_request(text, mp.nstr(backprop, 17), source)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return result, diagnose(result)


def _sin(k):
    return lambda x: mp.sin(k * x)


# the reviewer's tables (review of issue 10, round 2): rows all deep in truncation
TRUNCATED = {
    "sin(300w), 3 rows": (_sin(300), "0.5", "float64", [0.012, 0.011, 0.01]),
    "sin(100w), float16": (
        _sin(100),
        "2.3",
        "float16",
        [3.77e-07, 7.1e-07, 1e-06, 2.32e-06, 2.84e-06, 3.31e-06],
    ),
    "1/(1+30w²), float32": (
        lambda x: 1 / (1 + 30 * x * x),
        "0.13",
        "float32",
        [0.0345, 0.188, 0.304, 0.462],
    ),
    "sin(100w) at -0.8, float32": (
        _sin(100),
        "-0.8",
        "float32",
        [0.0487, 0.0845, 0.202, 0.31, 0.458],
    ),
    "1/(1+300w²), float32": (
        lambda x: 1 / (1 + 300 * x * x),
        "0.5",
        "float32",
        [0.0251, 0.0298, 0.254, 2.21, 3.56, 7.89],
    ),
}


@pytest.mark.parametrize("name", sorted(TRUNCATED))
@pytest.mark.parametrize("factor", [1, 2, 0.5, -1, 0])
def test_rows_that_do_not_resolve_judge_nothing(name, factor):
    function, w, source, epsilons = TRUNCATED[name]
    text, truth = _rows(function, w, source, epsilons)
    _result, diagnosis = _sweep(text, truth * factor, source)
    assert diagnosis.kind != "correct" or factor == 1, (name, factor, diagnosis.case)
    assert diagnosis.kind != "wrong" or factor != 1, (name, factor, diagnosis.facts)


@pytest.mark.parametrize("backprop", ["-100", "0", "1", "100", "-120", "209.775"])
def test_three_truncated_rows_say_truncation_not_float64(backprop):
    function, w, source, epsilons = TRUNCATED["sin(300w), 3 rows"]
    text, _truth = _rows(function, w, source, epsilons)
    _result, diagnosis = _sweep(text, mp.mpf(backprop), source)
    assert (diagnosis.kind, diagnosis.case) == ("estimate", "unresolved")
    assert diagnosis.facts["limit"] == "truncation"
    title, words = diagnosis_title(diagnosis), diagnosis_text(diagnosis)
    assert "truncation" in title and "float64" not in title
    assert "neither confirmed nor refuted" in words and "Measure at smaller ε" in words


def test_a_truncated_rows_reference_is_no_bound():
    """The reviewer's -1.21 ± 0.36 against f′ = -11.04: rows with no h² law give no bar."""
    function, w, source, epsilons = TRUNCATED["sin(100w) at -0.8, float32"]
    text, truth = _rows(function, w, source, epsilons)
    result, diagnosis = _sweep(text, truth, source)
    richardson = next(r for r in result.references if r.method == "Richardson")
    assert not richardson.trusted and richardson.limit == "truncation"
    assert diagnosis.case == "unresolved"


def test_a_wide_round_off_bar_confirms_nothing_and_says_round_off():
    """float16 rows of tanh(3w) at 0.5 agree to their round-off, but Richardson's bar over
    them (their round-off carried through the tableau) is too wide to tell 2× apart."""
    text, truth = _rows(lambda x: mp.tanh(3 * x), "0.5", "float16", [0.0029, 0.00756, 0.0104])
    _result, diagnosis = _sweep(text, 2 * truth, "float16")
    assert (diagnosis.kind, diagnosis.case) == ("estimate", "unresolved")
    assert diagnosis.facts["limit"] == "round-off"
    assert "round-off" in diagnosis_title(diagnosis)


def test_rows_in_the_h2_regime_still_judge():
    """exp(w)·sin(3w) at 0.5, six float64 rows a factor 2 apart from 1e-2: the truth is
    confirmed; a factor 2, a half, a sign flip and a 1 % error are wrong."""
    function = lambda x: mp.exp(x) * mp.sin(3 * x)  # noqa: E731
    text, truth = _rows(function, "0.5", "float64", [1e-2 / 2**k for k in range(6)])
    assert _sweep(text, truth, "float64")[1].kind == "correct"
    for factor in (2, 0.5, -1, 1.01):
        assert _sweep(text, truth * factor, "float64")[1].kind == "wrong", factor


def test_h2_run_reads_the_regime_from_the_smallest_rows():
    steps = np.array([0.4, 0.2, 0.1, 0.05, 0.025])
    # D(h) = 3 + 2h²: every step follows the law
    assert h2_run(steps, 3 + 2 * steps**2, np.zeros(5)) == (5, None)
    # the largest step leaves it (an h⁶ term that dominates there): the run stops below it
    estimates = 3 + 2 * steps**2 + 50 * steps**6
    assert h2_run(steps, estimates, np.zeros(5))[0] == 4
    # differences that wander far beyond their round-off: truncation
    assert h2_run(steps, np.array([1.0, -4.0, 2.5, -0.3, 0.9]), np.full(5, 1e-9)) == (
        0,
        "truncation",
    )
    # the same scatter within the rows' round-off bars follows the law trivially
    assert h2_run(steps, np.array([1.0, 1.1, 0.9, 1.05, 0.95]), np.full(5, 0.2))[0] == 5


def _random_tables(seed: int, count: int):
    functions = [
        lambda k: lambda x: mp.sin(k * x),
        lambda k: lambda x: mp.exp(k * x),
        lambda k: lambda x: mp.log(1 + k * x * x),
        lambda k: lambda x: mp.tanh(k * x),
        lambda k: lambda x: 1 / (1 + k * x * x),
        lambda k: lambda x: k * x**3,
    ]
    rng = random.Random(seed)
    while count:
        function = rng.choice(functions)(mp.mpf(rng.choice([1, 3, 10, 30, 100, 300])))
        w = rng.choice(["0.5", "0.13", "1.7", "-0.8", "2.3"])
        source = rng.choice(sorted(CAST))
        low = rng.uniform(-7, -1)
        high = low + rng.uniform(0.3, 4)
        epsilons = sorted(
            {float(f"{10 ** rng.uniform(low, high):.3g}") for _ in range(rng.choice([3, 4, 6, 8]))}
        )
        if len(epsilons) < 3:
            continue
        with np.errstate(all="ignore"):
            text, truth = _rows(function, w, source, epsilons)
        if "inf" in text or "nan" in text:
            continue
        count -= 1
        yield text, truth, source


@pytest.mark.parametrize("seed", [11, 12])
def test_random_tables_never_confirm_a_wrong_gradient_nor_refute_the_truth(seed):
    """Random smooth functions, points, ε and source formats (the reviewer's table fuzz):
    the truth is never "wrong", a factor 2, a half or a sign flip never "correct", and every
    trusted Richardson bar over the rows bounds the truth."""
    confirmed = refuted = 0
    for text, truth, source in _random_tables(seed, 60):
        result, diagnosis = _sweep(text, truth, source)
        assert diagnosis.kind != "wrong", (text, diagnosis.facts)
        confirmed += diagnosis.kind == "correct"
        for reference in result.references:
            if reference.method == "Richardson" and reference.trusted:
                assert abs(mp.mpf(reference.value) - truth) <= reference.error, text
        for factor in (2, 0.5, -1):
            diagnosis = _sweep(text, truth * factor, source)[1]
            assert diagnosis.kind != "correct", (text, factor, diagnosis.facts)
            refuted += diagnosis.kind == "wrong"
    # and the rule still judges: tables whose rows resolve the gradient are decided
    assert confirmed >= 10 and refuted >= 60, (confirmed, refuted)


def test_rows_at_nearly_the_same_epsilon_prove_no_law():
    """A saturated tanh in float16 (L± printed as ±1.0, so ±0.05 each): the rows at ε = 5.28
    and 5.46 differ by their round-off only, and with 2.05 they passed the h² test with a
    Richardson bar of 0.75 around 0.28 — the truth 2.59 far outside, a correct gradient
    called wrong. Three ε at least 1.1 apart are needed before the law counts."""
    text, truth = _rows(lambda x: mp.tanh(3 * x), "0.13", "float16", [2.05, 5.28, 5.46, 17.2, 41.8])
    result, diagnosis = _sweep(text, truth, "float16")
    assert diagnosis.kind != "wrong"
    assert not any(r.trusted for r in result.references if r.method == "Richardson")
    steps = np.array([2.05, 5.28, 5.46])
    assert h2_run(steps, 1 / steps, np.full(3, 0.05))[0] == 0


@pytest.mark.parametrize(
    ("source", "epsilons"),
    [("float32", [0.0388, 0.0436, 0.101]), ("float16", [0.0359, 0.0632, 0.0925, 1.17, 1.2, 1.58])],
)
def test_a_bar_keeps_a_share_of_the_extrapolation_s_correction(source, epsilons):
    """1/(1+300w²) at 0.13 (radius of convergence 0.14): rows up to 0.7 of it give c's that
    agree to 1 % while the higher terms still move the value by 5 % of the correction;
    the bar was 0.005 around -2.1059 against f′ = -2.1170, and the truth was called wrong."""
    text, truth = _rows(lambda x: 1 / (1 + 300 * x * x), "0.13", source, epsilons)
    result, diagnosis = _sweep(text, truth, source)
    assert diagnosis.kind != "wrong"
    for reference in result.references:
        if reference.method == "Richardson" and reference.trusted:
            assert abs(mp.mpf(reference.value) - truth) <= reference.error
