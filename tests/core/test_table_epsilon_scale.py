"""ε of any size (`sweep --table`, issue 10; review10h H1): the same rows with only the
decimal exponent of ε moved by k (the derivative moves by 10^−k exactly) judge alike. The h²
law's c = ΔD/Δ(ε²) overflowed near ε = 1e-105 and underflowed near 1e105, and every such
table was "too coarse (round-off)". Truths are 50-digit mpmath."""

from decimal import Decimal

import mpmath as mp
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50


def _rows(shift: int, with_loss: bool) -> tuple[str, Decimal]:
    def loss(t):
        return mp.sin(3 * t) + mp.exp(t)

    w = mp.mpf("0.3")
    lines = []
    for k in range(1, 9):
        e = mp.mpf(10) ** -k
        row = [f"1e{-k + shift}", repr(float(loss(w + e))), repr(float(loss(w - e)))]
        lines.append(",".join(row + ([repr(float(loss(w)))] if with_loss else [])))
    truth = Decimal(mp.nstr(3 * mp.cos(3 * w) + mp.exp(w), 30)).scaleb(-shift)
    return "\n".join(lines) + "\n", truth


def _kind(text: str, gradient: Decimal) -> str:
    objective, _problems, dtype = table_request(text, str(gradient), "float64")
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype))).kind


@pytest.mark.parametrize("shift", [-150, -110, 0, 110, 150])
@pytest.mark.parametrize("with_loss", [True, False])
def test_epsilon_of_any_size_judges_like_epsilon_near_one(shift, with_loss):
    text, truth = _rows(shift, with_loss)
    assert _kind(text, truth) == "correct"
    assert _kind(text, truth * 2) == "wrong"
    assert _kind(text, truth * Decimal("1.000001")) == "wrong"
