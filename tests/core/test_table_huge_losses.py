"""Losses or derivatives beyond about 1e154 (review10m MEDIUM-1): a drift check squared a
Python float and the whole table ended in "the sweep failed (OverflowError)", exit 3."""

from __future__ import annotations

import math

import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep


def _table(scale: float, point: float = 0.3) -> str:
    lines = ["eps,L+,L-,L"]
    f = lambda x: scale * (math.sin(3 * x) + math.exp(x))  # noqa: E731
    for k in range(7, 2, -1):
        for m in (1.0, 2.0, 5.0):
            e = m * 10.0**-k
            lines.append(f"{e!r},{f(point + e)!r},{f(point - e)!r},{f(point)!r}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("scale", [1e160, 1e200, 1e300])
def test_huge_losses_are_judged_not_crashed(scale):
    truth = scale * (3 * math.cos(0.9) + math.exp(0.3))
    text = _table(scale)
    kinds = {}
    for name, gradient in (("truth", truth), ("sign flip", -truth), (None, None)):
        objective, _, source = table_request(
            text, None if gradient is None else repr(gradient), None
        )
        kinds[name] = diagnose(run_sweep(objective, SweepSettings(dtype=source)))
    assert kinds["truth"].kind != "wrong"
    assert kinds["sign flip"].kind == "wrong"
    estimate = kinds[None].facts
    assert abs(estimate["estimate"] - truth) <= estimate["estimate_error"]
