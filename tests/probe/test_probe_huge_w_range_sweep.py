"""Untold, the ε range of a sweep at a huge |w| reaches ε = |w| (review16x H1).

L = sin u + 0.3u² + tanh(u) in float16, u = w·1e-4 at w = 1e4: the rule-of-thumb ε grows
with max(1, |w|), and a range ending at ε = 1 never moved the float16 part (it moves from
ε ≈ 2.5 on): the float64 path's slope alone "settled", the honest gradient "Gradient
wrong" and a backward dropping the part's derivative "Gradient correct".
"""

from __future__ import annotations

import pytest

from fdgui.core.report.sweep import diagnosis_text
from fdgui.core.requests import sweep_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.core.sweep.reading import judges_nothing
from fdgui.probe.model import open_probe
from tests.probe.probe_checks import write_probe

HUGE = """
import numpy as np
OMIT = {omit}
names = [("w", (1,))]
theta0 = np.array([1e4])

def loss(t):
    u = float(t[0]) * 1e-4
    part = float(np.tanh(np.float16(u)).astype(np.float16))
    return float(np.sin(u) + 0.3 * u * u + part)

def grad(t):
    u = float(t[0]) * 1e-4
    return np.array([1e-4 * (np.cos(u) + 0.6 * u + (0.0 if OMIT else 1.0 - np.tanh(u) ** 2))])
"""


def _verdict(tmp_path, omit):
    path = write_probe(tmp_path, HUGE.format(omit=omit), name=f"huge_{omit}.py")
    model = open_probe(str(path))
    try:
        objective = EntryObjective(model, 0)
        settings = sweep_request({}, point=objective.point)
        result = run_sweep(objective, settings)
    finally:
        model.close()
    diagnosis = diagnose(result)
    code = 1 if diagnosis.kind == "wrong" else 2 if judges_nothing(diagnosis) else 0
    return settings, code, diagnosis


def test_the_untold_range_reaches_w_itself(tmp_path):
    settings, _code, _diagnosis = _verdict(tmp_path, 0)
    assert settings.epsilon_max == pytest.approx(1e4)


def test_an_honest_gradient_at_a_huge_w_is_not_wrong(tmp_path):
    _settings, code, diagnosis = _verdict(tmp_path, 0)
    assert code != 1, diagnosis_text(diagnosis)


def test_a_dropped_part_derivative_at_a_huge_w_does_not_pass(tmp_path):
    _settings, code, diagnosis = _verdict(tmp_path, 1)
    assert code != 0, diagnosis_text(diagnosis)
