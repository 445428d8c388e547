"""A float64 staircase beside a smooth path: which gradient the ε explorer accepts (review15x H2).

L(w) = sin w + w²/2 + K·floor(Q·w)/Q. Almost everywhere its derivative is cos w + w (the
staircase is flat between its steps); the envelope's is cos w + w + K (the staircase
follows K·w to within K/Q). Every ε a finite difference can take beyond one step (1/Q)
measures the envelope: that is what the differences call the gradient of a staircase, and
what the explorer judges. So the a.e. derivative — K away from it, far beyond any bar the
differences leave — is never "correct" or "consistent" (it was, together with the envelope
one, for 5 of 14 such pairs: two gradients 68 % apart both passed); the envelope one is
never "wrong".
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

STAIRS = """
import numpy as np
Q, K, ENVELOPE = {q}, {k}, {envelope}
names = [("w", (1,))]
theta0 = np.array([0.7])

def loss(t):
    w = float(t[0])
    return float(np.sin(w) + 0.5 * w * w + K * np.floor(w * Q) / Q)

def grad(t):
    w = float(t[0])
    return np.array([np.cos(w) + w + (K if ENVELOPE else 0.0)])
"""


def _diagnose(tmp_path, q, k, envelope):
    source = STAIRS.format(q=q, k=k, envelope=envelope)
    path = write_probe(tmp_path, source, name=f"stairs_{q}_{k}_{envelope}.py")
    model = open_probe(str(path))
    try:
        objective = EntryObjective(model, 0)
        return diagnose(run_sweep(objective, sweep_request({}, point=objective.point)))
    finally:
        model.close()


PAIRS = [(1013, 1.0), (1013, 0.1), (9973, 1.0), (2003, 0.3), (50021, 1.0)]


@pytest.mark.parametrize(("q", "k"), PAIRS)
def test_the_almost_everywhere_derivative_of_a_staircase_never_passes(tmp_path, q, k):
    diagnosis = _diagnose(tmp_path, q, k, envelope=0)
    assert diagnosis.kind == "wrong" or judges_nothing(diagnosis), diagnosis_text(diagnosis)


@pytest.mark.parametrize(("q", "k"), PAIRS)
def test_the_envelope_slope_of_a_staircase_is_never_wrong(tmp_path, q, k):
    diagnosis = _diagnose(tmp_path, q, k, envelope=1)
    assert diagnosis.kind not in ("wrong", "kink"), diagnosis_text(diagnosis)
