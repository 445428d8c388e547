"""The words of a gradient the rows' reference confirms only through its room for a kink
near w (case ``unresolved``, fact ``room_only``) print the reference and the gradient to
the digits the rows resolve without that room: their disagreement is the point, and six
digits printed the two the same (review10h L1)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_text
from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep


def _sine_rows(point: float, count: int, kink: float = 0.0) -> str:
    """sin at ``point`` plus ``kink``·|x − w| (a kink at w: one-sided slopes cos ± kink)."""
    lines = []
    for e in np.logspace(-1, -8, count):
        e = float(e)
        plus, minus = float(np.sin(point + e)) + kink * e, float(np.sin(point - e)) + kink * e
        lines.append(f"{e!r},{plus!r},{minus!r}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("point", "count", "offset"), [(0.7, 40, 2e-8), (0.3, 60, 2e-8), (1.1, 30, 3e-8)]
)
def test_room_only_words_show_the_reference_and_gradient_apart(point, count, offset):
    gradient = float(np.cos(point)) * (1 + offset)
    # smooth rows: each column's own slope resolves the offset, so it is wrong (lowtab25)
    objective, _problems, dtype = table_request(_sine_rows(point, count), repr(gradient), "float64")
    diagnosis = diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))
    assert diagnosis.kind == "wrong" and "sides_refute" in diagnosis.facts
    # a kink at w whose one-sided slopes lie either side of the gradient: only its room
    # holds the gradient (case ``unresolved``, ``room_only``)
    rows = _sine_rows(point, count, kink=4.0 * offset)
    objective, _problems, dtype = table_request(rows, repr(gradient), "float64")
    diagnosis = diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))
    assert diagnosis.case == "unresolved" and diagnosis.facts.get("room_only") is not None
    text = diagnosis_text(diagnosis)
    reference = re.search(r"over the rows gives (\S+) ±", text).group(1)
    checked = re.search(r"The backprop gradient (\S+) is neither", text).group(1)
    assert reference != checked
    assert abs(float(checked) - gradient) <= diagnosis.facts["room_only"]
