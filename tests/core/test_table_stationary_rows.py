"""A zero gradient where the loss is even about w (`sweep --table`, issue 10; review10h H2):
every row's L+ = L− exactly, so each central difference is 0 — yet with the loss at w given,
L+ + L− − 2L follows its ε² law at every row (the steps moved the loss), so D = 0 ± the rows'
round-off bounds the derivative and a gradient of 0.5 is wrong. On main c72b90c every such
table was "too coarse (the losses never change / round-off)", exit 2, for any gradient. A
kink exactly at w that is symmetric (|t| + cos t) also gives L+ = L−, but its even part grows
like ε and is no such law: no gradient inside its subgradient is called wrong."""

import mpmath as mp
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50


def _table(loss, w: str, with_loss: bool = True) -> str:
    point = mp.mpf(w)
    lines = []
    for k in range(1, 7):
        e = mp.mpf(10) ** -k
        plus, minus = float(loss(point + e)), float(loss(point - e))
        row = [repr(float(e)), repr(plus), repr(minus)]
        lines.append(",".join(row + ([repr(float(loss(point)))] if with_loss else [])))
    return "\n".join(lines) + "\n"


def _kind(text: str, gradient: str) -> str:
    objective, _problems, dtype = table_request(text, gradient, "float64")
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype))).kind


@pytest.mark.parametrize(
    "loss, w",
    [
        (mp.cos, "0"),
        (lambda t: mp.pi + t * t, "0"),
        (lambda t: mp.cosh(t - mp.mpf("0.5")), "0.5"),
    ],
)
def test_a_zero_derivative_of_an_even_loss_refutes_a_gradient_it_resolves(loss, w):
    text = _table(loss, w)
    assert _kind(text, "0.5") == "wrong"
    assert _kind(text, "1e-3") == "wrong"
    assert _kind(text, "0") != "wrong"


def test_without_the_loss_at_w_zero_rows_still_judge_nothing():
    # L+ = L− alone cannot tell a step that moved the loss from one that changed nothing
    assert _kind(_table(mp.cos, "0", with_loss=False), "0.5") != "wrong"


@pytest.mark.parametrize("gradient", ["0", "0.5", "-0.9"])
def test_a_symmetric_kink_at_w_is_no_zero_derivative(gradient):
    text = _table(lambda t: abs(t) + mp.cos(t), "0")
    assert _kind(text, gradient) != "wrong"


def test_rows_that_change_nothing_are_counted_in_the_too_few_words():
    """review10h H3: 3·relu at w = −1, 17 of 18 rows flat: the words said "1 measured row is
    too few … Measure at least 3 ε" as if one row had been given."""
    from fdgui.core.report.sweep import diagnosis_text

    lines = [f"{10.0**0.5!r},{3 * (10.0**0.5 - 1)!r},0.0,0.0"]
    lines += [f"{10.0**-k!r},0.0,0.0,0.0" for k in range(17)]
    objective, _problems, dtype = table_request("\n".join(lines) + "\n", "3", "float64")
    diagnosis = diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))
    assert diagnosis.kind != "wrong" and diagnosis.kind != "correct"
    words = diagnosis_text(diagnosis)
    assert "The other 17 rows of the 18 change nothing" in words
    assert "where the loss changes" in words
