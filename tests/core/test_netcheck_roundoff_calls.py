"""The round-off measurement's calls, and the quick plan that counts them (issue 9).

A loss that cancels to 0 at θ0 (an odd sum over symmetric w) rounds above u·|L| at every
spacing: the measurement narrowed six times, six calls of a loss that may take a second
each, which the quick plan of a slow loss did not count (planned/ran 0.50). Counted here by
calls, not by the clock: the plan's cost model applied to the calls the check really made.
"""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.models.base import ModelBase, TensorInfo
from fdgui.core.netcheck import CheckSettings, plan_costs, quick_plan, roundoff
from fdgui.core.netcheck.numeric import numeric_gradient_report
from fdgui.core.netcheck.roundoff import measure_roundoffs
from fdgui.core.netcheck.roundoff_plan import first_points, next_call

U = 2.0**-53
W = np.linspace(-1.0, 1.0, 40)


def _cancelling(points: np.ndarray, offset: float = 0.0) -> np.ndarray:
    points = np.atleast_2d(points)
    return np.sum(np.cos(points) * (points + offset), axis=1)


class Counted:
    """A loss that records the points of each call."""

    def __init__(self, loss) -> None:
        self.loss, self.calls = loss, []

    def __call__(self, points: np.ndarray) -> np.ndarray:
        self.calls.append(len(points))
        return self.loss(points)


def test_a_cancelling_loss_is_narrowed_in_one_call_and_keeps_its_round_off():
    losses = Counted(_cancelling)
    found = measure_roundoffs(losses, W, "float64")
    assert len(losses.calls) == 2, losses.calls  # the first spacing, then one narrowing call
    # its round-off is that of its terms (Σ|cos w · w| ≈ 16), far above u·|L(θ0)| ≈ 0
    terms = float(np.sum(np.abs(np.cos(W) * W)))
    assert 1e3 * U * abs(_cancelling(W)[0]) < found.overall <= 8 * U * terms


def test_a_loss_rounding_as_its_value_says_is_not_narrowed():
    losses = Counted(lambda points: _cancelling(points, 0.3))
    measure_roundoffs(losses, W, "float64")
    assert len(losses.calls) == 1, losses.calls


@pytest.mark.parametrize("offset", [0.0, 0.3])
@pytest.mark.parametrize("distance", [1e-7, 1e-8, 1e-9])
def test_kinks_beside_theta0_are_not_round_off(monkeypatch, offset, distance):
    """Two relu-like kinks, ``distance`` on either side of w[0] (both fans of most lines
    cross one: their residual at the first spacing is 1e7 times the round-off), are not
    read as round-off, whether the loss cancels (then one call settles it at the narrowest
    spacing, where only round-off is left) or not."""

    def kinked(points):
        points = np.atleast_2d(points)
        w0 = points[:, 0] - W[0]
        kinks = np.maximum(0.0, w0 - distance) + np.maximum(0.0, -w0 - distance)
        return _cancelling(points, offset) + 0.5 * kinks

    plain = measure_roundoffs(lambda points: _cancelling(points, offset), W, "float64").overall
    found = measure_roundoffs(kinked, W, "float64").overall
    assert found <= 4 * plain, (found, plain)
    # (the kinks are there: without the narrowing they pass for round-off 1e3 times larger)
    monkeypatch.setattr(roundoff, "_without_shape", lambda *a: ({n: a[4][n] for n in a[3]}, 0))
    assert measure_roundoffs(kinked, W, "float64").overall > 1e3 * plain


@pytest.mark.parametrize("offset, follows", [(0.0, True), (0.3, False)])
def test_the_plan_foresees_the_call_after_the_first(offset, follows):
    points = first_points(W, "float64", offsets=[0, W.size])
    assert points.shape == (3 * 13, W.size)
    after = next_call(_cancelling(points, offset), W, "float64", offsets=[0, W.size])
    assert (after > 0) == follows
    if follows:  # the narrowing's call: the first and the narrowest spacing's points
        assert after == 2 * points.shape[0]


A, B = 0.12, 0.002  # the cost model's seconds a call and a point (no clock involved)


class SlowBatched(ModelBase):
    """40 parameters w; the loss Σ cos(w)·(w + offset); its calls are recorded."""

    kind = "slow batched"

    def __init__(self, offset: float) -> None:
        self.offset, self.calls = offset, []

    @property
    def tensors(self):
        return (TensorInfo("w", (W.size,)),)

    def theta0(self) -> np.ndarray:
        return W.copy()

    def loss(self, theta) -> float:
        self.calls.append(1)
        return float(_cancelling(np.asarray(theta), self.offset)[0])

    def losses(self, thetas, dtype: str = "float64") -> np.ndarray:
        self.calls.append(len(thetas))
        return _cancelling(np.asarray(thetas), self.offset)


@pytest.mark.parametrize("offset", [0.0, 0.3])
@pytest.mark.parametrize("mode", ["full", "sample"])
def test_the_quick_plan_counts_the_calls_the_check_makes(monkeypatch, offset, mode):
    """Each call at A + B·points: the quick plan's seconds against the check's calls."""
    monkeypatch.setattr(quick_plan, "call_cost", lambda *arguments: (A, B))
    model = SlowBatched(offset)
    settings = CheckSettings(None, engine="forward", mode=mode, samples=16)
    plan = plan_costs(settings, model=model)[mode]
    model.calls.clear()
    numeric_gradient_report(model, settings)
    ran = sum(A + B * points for points in model.calls)
    assert abs(plan.expected_seconds / ran - 1) <= 0.1, (plan.expected_seconds, ran, model.calls)
