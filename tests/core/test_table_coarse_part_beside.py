"""Measured rows of a loss with a coarser part beside a float64 path (review16x K2).

L = sin u + 0.3u² + tanh(u) computed in float16 / float32 (+ a relu's kink d from w), rows
ε = 1e-9 … 0.1 as a probe's loss gives them (w ± ε as rounded, repr digits). Below the
part's first move the rows measure the float64 path alone; read as a measurement, the
rows' Richardson reference there was 1.18484 ± 1.8e-8 (the path's slope, 1e5–1e7 bars from
the derivative 1.81958): the honest gradient "Gradient wrong" 8 of 8, a backward dropping
the part's derivative "Gradient correct" 8 of 8. The rows are read as a probe's sweep
is: the rule reads the rows, not the source.
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.reading import judges_nothing

W = 0.7
FORMATS = {"f16": np.float16, "f32": np.float32}


def _loss(u: float, part: str, kink: float) -> float:
    coarse = np.tanh(np.array(u).astype(FORMATS[part])).astype(FORMATS[part])
    return float(np.sin(u) + 0.3 * u * u + float(coarse) + max(u - (W + kink), 0.0))


def _table(part: str, kink: float, rows: int) -> str:
    lines = ["eps,L+,L-,L"]
    for eps in np.logspace(-9, -1, rows):
        step = (W + eps) - W  # the step as rounded
        plus, minus, centre = (_loss(W + s, part, kink) for s in (step, -step, 0.0))
        lines.append(f"{step!r},{plus!r},{minus!r},{centre!r}")
    return "\n".join(lines) + "\n"


def _code(text: str, gradient: float) -> int:
    objective, _problems, dtype = table_request(text, repr(gradient))
    diagnosis = diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))
    return 1 if diagnosis.kind == "wrong" else 2 if judges_nothing(diagnosis) else 0


HONEST = float(np.cos(W) + 0.6 * W + 1.0 - np.tanh(W) ** 2)  # w lies left of the kink
DROPPED = float(np.cos(W) + 0.6 * W)  # the float64 path's slope alone
CASES = [("f16", 1e3, 49), ("f16", 1e-6, 49), ("f16", 1e3, 200), ("f32", 1e-6, 49)]


@pytest.mark.parametrize(("part", "kink", "rows"), CASES)
def test_an_honest_gradient_is_never_wrong_from_rows_below_the_parts_first_move(part, kink, rows):
    assert _code(_table(part, kink, rows), HONEST) != 1


@pytest.mark.parametrize(("part", "kink", "rows"), CASES)
def test_a_dropped_part_derivative_never_passes_on_rows(part, kink, rows):
    assert _code(_table(part, kink, rows), DROPPED) != 0
