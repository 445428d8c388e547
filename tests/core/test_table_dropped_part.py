"""A gradient that leaves out a rounded part stays "wrong" (ex21 (b)): the rows read the
float64 path alone until the part's first move, then the part's steps; those steps are not a
kink beside w (row_explained.kink_beside), since their gap past the move repeats a few levels
on the part's quantum where a kink's ramp grows continuously."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep


def _path(x: float) -> float:
    return math.sin(3.0 * x) + 0.2 * x * x


def _path_slope(x: float) -> float:
    return 3.0 * math.cos(3.0 * x) + 0.4 * x


PARTS = {  # (the part, its derivative)
    "tanh": (math.tanh, lambda x: 1.0 - math.tanh(x) ** 2),
    "log": (lambda x: math.log1p(x * x), lambda x: 2.0 * x / (1.0 + x * x)),
    "exp": (lambda x: 0.5 * math.exp(x), lambda x: 0.5 * math.exp(x)),
}


def _table(w: float, part, dtype, cast_input: bool, per: int) -> str:
    def loss(x: float) -> float:
        u = float(np.array(x).astype(dtype)) if cast_input else x
        return _path(x) + float(np.array(part(u)).astype(dtype))

    lines = ["eps,L+,L-,L"]
    centre = loss(w)
    seen = set()
    for e in np.logspace(-12, -0.5, int(11.5 * per) + 1):
        step = (w + e) - w
        if step > 0 and step not in seen:
            seen.add(step)
            lines.append(f"{step!r},{loss(w + step)!r},{loss(w - step)!r},{centre!r}")
    return "\n".join(lines) + "\n"


def _kind(text: str, gradient: float) -> str:
    objective, _problems, dtype = table_request(text, repr(float(gradient)))
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype))).kind


@pytest.mark.parametrize(
    ("w", "name", "dtype", "cast_input"),
    [
        (0.8137, "tanh", np.float32, True),
        (1.2291, "log", np.float32, False),
        (0.9473, "exp", np.float16, True),
        (1.4412, "log", np.float16, False),
    ],
)
def test_a_gradient_that_drops_a_rounded_part_stays_wrong(w, name, dtype, cast_input):
    part, slope = PARTS[name]
    text = _table(w, part, dtype, cast_input, 30)
    assert _kind(text, _path_slope(w)) == "wrong"
    # the float32 ones were "Too coarse to judge" as a kink beside w; the honest gradient
    # (path and part) is not called wrong
    assert _kind(text, _path_slope(w) + slope(w)) != "wrong"
