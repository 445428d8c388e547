"""Measured rows (the loss at w given) where L'' = 0 at w: the even part is s = L+ + L− − 2L
= 2·L''''·ε⁴/4! + …, whose pair slopes against ε² grow with ε² — the next order of a smooth
loss, not a kink (review10h min_real: 0.5·(x − 0.3)² + cos(x − 0.3) at its minimum was
"Too coarse (a kink near w)" for every gradient). Losses computed in numpy float64 at the
stepped points, printed by repr; truths exact."""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.reading import judges_nothing

LOSSES = {
    # (loss of t = x − w, gradient at w)
    "min_cos": (lambda t: 0.5 * t * t + np.cos(t), 0.0),
    "min_cosh": (lambda t: np.cosh(t) - 0.5 * t * t + 2.0, 0.0),
    "slope_cos": (lambda t: 0.3 * t + 0.5 * t * t + np.cos(t), 0.3),
    "slope_quartic": (lambda t: -1.7 * t + 0.25 * t**4 + 1.5, -1.7),
}


def _table(loss, w: float, steps) -> str:
    lines = ["eps,L+,L-,L"]
    for e in steps:
        plus, minus = (float(loss(np.float64(w + s * e) - w)) for s in (1.0, -1.0))
        taken = float(np.float64(w + e) - w)
        lines.append(f"{taken!r},{plus!r},{minus!r},{float(loss(0.0))!r}")
    return "\n".join(lines) + "\n"


def _code(text: str, gradient: float) -> int:
    objective, _problems, dtype = table_request(text, repr(gradient), "float64")
    diagnosis = diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))
    return 2 if judges_nothing(diagnosis) else (1 if diagnosis.kind == "wrong" else 0)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize(("w", "high"), [(0.3, -1.5), (0.0, -1.0), (-2.0, -1.2)])
def test_rows_whose_curvature_vanishes_at_w_judge_the_gradient(name, w, high):
    loss, truth = LOSSES[name]
    text = _table(loss, w, np.logspace(high, -7, 12))
    assert _code(text, truth) != 1
    for off in (0.5, 1e-6):
        assert _code(text, truth + off) == 1, off
        assert _code(text, truth - off) == 1, -off
