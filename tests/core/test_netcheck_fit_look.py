"""The least-squares look (netcheck.fit_look) on a float32 loss of one entry, without a probe.

Review19n C1 (c): a later look's "correct" within a bar wider than the window at which the
first central difference had already excluded the gradient overrode that exclusion (with the
loss scaled by 1e-8 a 10–20 % bug reopened and passed). Here the earlier looks' verdict is
given — "right" within a bar of 20 % (or 5 %) of |a| after a first look that excluded a — and
the fit must not confirm it: a 15 % bug is wrong, a 1 % bug inside a fit bar wider than the
excluding window is open, and the correct gradient is right within |a|/16.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fdgui.core.netcheck import fit_look
from fdgui.core.netcheck.reexamine import FIT_OPEN, FIT_RIGHT, FIT_WRONG
from fdgui.core.netcheck.tolerances import Tolerances

W, SLOPE, CURVE = 0.5, 3e-3, 0.2  # the entry's w, the loss's linear term, its curvature
# at w = 0 with a slope of 6e-5 the fit resolves the slope to a few percent only
FAINT = 6e-5


def _loss(theta: np.ndarray, scale: float, w: float = W, slope: float = SLOPE) -> np.ndarray:
    t = np.asarray(theta, dtype=np.float32)
    value = np.float32(1.0) + np.float32(slope) * t + np.float32(CURVE) * t * t
    return (value * np.float32(scale)).astype(np.float64)


def _engine(scale: float, atol: float, w: float, slope: float, smooth: bool):
    engine = SimpleNamespace(
        dtype="float64", settings=SimpleNamespace(epsilon=None), noise_sigma=0.0,
        smooth=smooth, loss=float(_loss(np.array([w]), scale, w, slope)[0]), precision="float32",
        measured_roundoff=float(np.spacing(np.float32(scale))), magnitude=scale,
    )  # fmt: skip
    engine.tolerances = lambda: Tolerances("float64", 3.9e-3, atol, 2e-4)
    engine._losses = lambda points: _loss(points[:, 0], scale, w, slope)
    return engine


def _rows_for(w: float):
    def rows(steps):
        moved = w + np.asarray(steps, dtype=float)
        return moved[:, None], moved == w

    rows.values = np.array([w])
    rows.subset = lambda keep: rows
    return rows


def _decide(scale: float, bug: float, bar_share: float, atol: float, w=W, slope=SLOPE,
            smooth=False):  # fmt: skip
    """The fit's (numeric, bar, code, undecided) for a gradient (1 + bug)·slope that an
    earlier look called right within a bar of ``bar_share``·|a| after the first central
    difference (the true slope) excluded it beyond twice a window of ``atol`` (that look's
    estimate 1 % from a)."""
    a = np.array([(1 + bug) * (slope + 2 * CURVE * w) * scale])
    first = np.array([(slope + 2 * CURVE * w) * scale])
    undecided = np.zeros(1, dtype=bool)
    engine = _engine(scale, atol, w, slope, smooth)
    numeric, bar, codes = fit_look.decide(
        engine, _rows_for(w), np.array([3.9e-3]), a, 0.99 * a, first,
        np.zeros(1, dtype=bool), undecided, np.zeros(1, np.int8), np.array([bar_share * abs(a[0])]),
    )  # fmt: skip
    return numeric, bar, int(codes[0]), bool(undecided[0])


@pytest.mark.parametrize("scale", [1.0, 1e-8])
@pytest.mark.parametrize("smooth", [True, False])
def test_a_later_loose_right_never_overrides_the_first_looks_exclusion(scale, smooth):
    # the first look excluded a 15 % bug at a window of 1e-4·|a|; a later bar of 20 % "held" it:
    # wrong in a smooth model, open (the check cannot pass) in one that may have kinks
    _, _, code, undecided = _decide(scale, 0.15, 0.2, 1e-7 * scale, smooth=smooth)
    assert (code, undecided) == ((FIT_WRONG, False) if smooth else (FIT_OPEN, True))


@pytest.mark.parametrize("scale", [1.0, 1e-8])
def test_a_fit_bar_wider_than_the_excluding_window_leaves_the_entry_open(scale):
    # a 1 % bug: the fit's bar holds it, but the first look excluded it at a window far
    # narrower than that bar — a looser look does not override a tighter exclusion
    _, bar, code, undecided = _decide(scale, 0.01, 0.05, 1e-12 * scale, 0.0, FAINT)
    assert code == FIT_OPEN and undecided, (code, bar)


@pytest.mark.parametrize("scale", [1.0, 1e-8])
def test_the_correct_gradient_is_right_within_a_sixteenth(scale):
    a = (SLOPE + 2 * CURVE * W) * scale
    numeric, bar, code, undecided = _decide(scale, 0.0, 0.2, 1e-3 * scale)
    assert code == FIT_RIGHT and not undecided
    assert bar[0] <= abs(a) / 16 and abs(numeric[0] - a) <= bar[0]
