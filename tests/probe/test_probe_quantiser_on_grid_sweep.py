"""A coarser part whose grid w lies on, beside a float64 path (review16x K6).

L = sin u + 0.3u² + tanh(Q(u)), Q a quantiser round(k·u)/k or a float16 cast, w on its
grid (w·k whole, w a float16 number): both sides step at the same ε (half a grid step),
so the even parts L+ + L− − 2L barely move there (f''/k² where off the grid they leap by
f'/k) and the coarser-part rule did not see the part. Below that ε the differences read
the tread (the float64 path alone, the steps' almost-everywhere derivative); above it
every ε crosses steps on both sides. The envelope (the float64 path + f', DIAGNOSIS' "A
staircase's gradient", what the larger ε measure) was "Gradient wrong" 15 of 18, the a.e.
derivative "correct" — the staircase rule reversed. The steps show in the odd parts
L+ − L−: they leap by about 2·f'·s at ε = s/2, 3s/2, 5s/2 … (s the grid step).
"""

from __future__ import annotations

import pytest

from fdgui.core.report.sweep import diagnosis_text
from tests.probe.probe_checks import swept

ON_GRID = """
import numpy as np
PART, W0, ENVELOPE = {part!r}, {w0!r}, {envelope}
names = [("w", (1,))]
theta0 = np.array([W0])

def coarse(u):
    if PART.startswith("q"):
        k = float(PART[1:])
        return float(np.tanh(np.round(u * k) / k))
    return float(np.tanh(np.float16(u)).astype(np.float16))

def loss(t):
    u = float(t[0])
    return float(np.sin(u) + 0.3 * u * u + coarse(u))

def grad(t):
    u = float(t[0])
    return np.array([np.cos(u) + 0.6 * u + (1.0 - np.tanh(u) ** 2 if ENVELOPE else 0.0)])
"""


def _verdict(tmp_path, part, w0, envelope):
    source = ON_GRID.format(part=part, w0=w0, envelope=envelope)
    return swept(tmp_path, source, f"g_{part}_{w0}_{envelope}.py")


CASES = [("q100", -1.1), ("q300", 0.7), ("q1000", 2.3), ("q30", -1.1), ("f16", 0.5)]


@pytest.mark.parametrize(("part", "w0"), CASES)
def test_the_envelope_of_steps_on_both_sides_is_never_wrong(tmp_path, part, w0):
    code, diagnosis = _verdict(tmp_path, part, w0, 1)
    assert code != 1, diagnosis_text(diagnosis)


@pytest.mark.parametrize(("part", "w0"), CASES)
def test_the_tread_slope_beside_steps_never_passes(tmp_path, part, w0):
    code, diagnosis = _verdict(tmp_path, part, w0, 0)
    assert code != 0, diagnosis_text(diagnosis)


KINKED = """
import numpy as np
W0, KD, OMIT = 0.7, {kd!r}, {omit}
names = [("w", (1,))]
theta0 = np.array([W0])

def loss(t):
    u = float(t[0])
    return float(np.sin(u) + 0.3 * u * u + np.tanh(np.round(u * 1000) / 1000)
                 + max(u - (W0 + KD), 0.0))

def grad(t):
    u = float(t[0])
    return np.array([np.cos(u) + 0.6 * u + (0.0 if OMIT else 1.0 - np.tanh(u) ** 2)
                     + (u > W0 + KD)])
"""


@pytest.mark.parametrize("kd", [1e-8, 1e-6])
def test_a_kink_below_the_first_step_of_a_grid_w_lies_on(tmp_path, kd):
    # review16x K1 on a grid (q1000 at w = 0.7): the kink's line R·(ε − d) in the even
    # parts hid the steps' repeats; the honest gradient was "wrong", the dropped part's
    # derivative a kink's subgradient
    for omit, never in ((0, 1), (1, 0)):
        code, diagnosis = swept(tmp_path, KINKED.format(kd=kd, omit=omit), f"kk_{kd}_{omit}.py")
        assert code != never, diagnosis_text(diagnosis)
