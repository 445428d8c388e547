"""A relu's kink nearer to w than a coarser part's first move, beside a float64 path.

L = sin u + 0.3u² + coarse(tanh u) + R·relu(u − w − d): the coarser part (float16,
bfloat16, a quantiser) does not move for ε below its first step, the kink at d lies below
that step. There the differences read the float64 path alone (plus half the kink's slope):
a disagreement seen only there is no "wrong", and a backward that drops the part's
derivative — exactly the float64 path's slope — is no pass (review16x K1: honest "Gradient
wrong" 43 of 52, the dropped derivative rc 0 18 of 26). The larger ε, past the part's
first move, see a kink at w (d is far below them): the honest gradient, the slope on w's
side, lies between the one-sided slopes they read; the dropped one lies outside them
(here the part's derivative exceeds the kink's slope change |R|; a dropped derivative
between the slopes is a subgradient of a kink at w as far as these ε tell: "Kink", exit 0).
"""

from __future__ import annotations

import pytest

from fdgui.core.report.sweep import diagnosis_text
from tests.probe.probe_checks import swept

ONE = """
import numpy as np
import ml_dtypes
PART, R, KD, W0, OMIT = {part!r}, {r}, {kd}, {w0}, {omit}
names = [("w", (1,))]
theta0 = np.array([W0])

def coarse(u):
    if PART.startswith("q"):
        k = float(PART[1:])
        return float(np.tanh(np.round(u * k) / k))
    dt = {{"f16": np.float16, "bf16": ml_dtypes.bfloat16}}[PART]
    return float(np.tanh(np.array(u).astype(dt)).astype(dt).astype(np.float64))

def loss(t):
    u = float(t[0])
    return float(np.sin(u) + 0.3 * u * u + coarse(u) + R * max(u - (W0 + KD), 0.0))

def grad(t):
    u = float(t[0])
    g = np.cos(u) + 0.6 * u + (0.0 if OMIT else 1.0 - np.tanh(u) ** 2) + R * (u > W0 + KD)
    return np.array([g])
"""


def _verdict(tmp_path, part, r, kd, w0, omit):
    source = ONE.format(part=part, r=r, kd=kd, w0=w0, omit=omit)
    return swept(tmp_path, source, f"k_{part}_{r}_{kd}_{w0}_{omit}.py")


CASES = [
    ("f16", 1.0, 1e-6, 0.7),
    ("bf16", 1.0, 1e-4, 0.7),
    ("q1000", 1.0, 1e-6, 0.70123),
    ("bf16", 0.2, 3e-5, -1.1),
    ("q300", -0.2, 3e-7, -1.10377),
]


@pytest.mark.parametrize(("part", "r", "kd", "w0"), CASES)
def test_an_honest_gradient_is_never_wrong_from_the_frozen_stretch(tmp_path, part, r, kd, w0):
    code, diagnosis = _verdict(tmp_path, part, r, kd, w0, 0)
    assert code != 1, diagnosis_text(diagnosis)


@pytest.mark.parametrize(("part", "r", "kd", "w0"), CASES)
def test_a_dropped_coarse_derivative_never_passes(tmp_path, part, r, kd, w0):
    code, diagnosis = _verdict(tmp_path, part, r, kd, w0, 1)
    assert code != 0, diagnosis_text(diagnosis)
