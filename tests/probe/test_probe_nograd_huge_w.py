"""The no-grad estimate of a loss that varies on a scale far below its step (review11n C4).

Σ sin θ at θ ≈ 1e8: the estimate's step ∝ max(1, |w|) (≈ 480, or wider where the round-off
measured near θ0 read the sine's curvature as coarse rounding) spans many periods; the
central differences at h, h/2 and h/64 all average over them, agree with each other and
give ≈ 0 ± 1e-4 for a derivative of size 1 (10 of 10 bars missed). A bar is trusted only
where the central differences at much smaller steps, down to where round-off dominates,
agree with it; elsewhere the entry is estimated at the smallest steps that resolve it."""

from __future__ import annotations

import numpy as np
import pytest

from tests.probe.probe_checks import no_grad_estimates, write_probe

HUGE = """
import numpy as np
theta0 = {scale!r} + np.random.default_rng({seed}).uniform(0, 7, 10)
names = [("theta", (10,))]

def loss(t):
    return float(np.sum(np.sin(np.asarray(t, float))))

def true_grad(t):
    return np.cos(np.asarray(t, float))
"""


@pytest.mark.parametrize("scale, seed", [(1e8, 0), (1e7, 3), (1e9, 5)])
def test_no_grad_bars_bound_the_derivative_of_a_loss_varying_far_below_the_step(
    tmp_path, scale, seed
):
    path = write_probe(tmp_path, HUGE.format(scale=scale, seed=seed))
    values, bars, truth = no_grad_estimates(path)
    missed = np.flatnonzero(~(np.abs(values - truth) <= bars))
    assert missed.size == 0, (missed, values[missed], bars[missed], truth[missed])
    # and the estimate says something: bars well under the derivative's size (they are set
    # by the round-off measured near θ0, which reads the sine's curvature over its wide
    # lines as rounding: 1e-8…3e-7 a loss where float64's is 1e-15)
    assert np.all(bars < 0.05), bars


def test_a_smooth_loss_at_large_w_keeps_its_tight_bars(tmp_path):
    """Where the loss varies on the scale of w, nothing changes: tight bars that bound."""
    source = HUGE.replace("np.sin(np.asarray(t, float))", "np.sin(np.asarray(t, float) / 1e8)")
    source = source.replace(
        "np.cos(np.asarray(t, float))", "np.cos(np.asarray(t, float) / 1e8) / 1e8"
    )
    path = write_probe(tmp_path, source.format(scale=1e8, seed=1))
    values, bars, truth = no_grad_estimates(path)
    assert np.all(np.abs(values - truth) <= bars)
    assert np.all(bars <= 1e-6 * np.abs(truth)), bars / np.abs(truth)


def test_past_the_deep_look_limit_the_bar_reaches_the_probe(tmp_path, monkeypatch):
    """An entry the deep look has no room for keeps its estimate, with a bar that reaches
    the probe's central difference (never the tight bar around the smoothed slope)."""
    from fdgui.core.netcheck import deep_look

    monkeypatch.setattr(deep_look, "DEEP_LIMIT", 0)
    path = write_probe(tmp_path, HUGE.format(scale=1e8, seed=2))
    values, bars, truth = no_grad_estimates(path)
    assert np.all(np.abs(values - truth) <= bars), (values, bars, truth)
