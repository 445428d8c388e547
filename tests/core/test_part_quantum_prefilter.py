"""quantum.part_quantum reads all its candidate quanta at once first (``_may_hold``) and
gives the full look only to those that may hold: the same answer as reading every even part
against every candidate (the definition, ``_every_candidate`` here), in far less time on a
long sweep (5,000 ε: about as many candidates)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fdgui.core.sweep import quantum


def _every_candidate(result) -> float | None:
    """part_quantum as defined: each candidate read against every even part."""
    epsilons = np.asarray(result.epsilons, dtype=float)
    with np.errstate(all="ignore"):
        even = result.loss_plus + result.loss_minus - 2.0 * result.loss_values
    usable = ~np.asarray(result.vanished, dtype=bool) & np.isfinite(even)
    order = np.argsort(epsilons[usable], kind="stable")
    even, epsilons = even[usable][order], epsilons[usable][order]
    base = float(result.unit_roundoff) * abs(float(result.loss))
    for candidate in np.unique(np.abs(even[np.abs(even) > quantum.PART_FLOOR * base])):
        with np.errstate(all="ignore"):
            curvature = quantum._curvature(even, epsilons, candidate)
            ratios = (even - curvature * epsilons**2) / candidate
            whole = np.round(ratios)
            slack = quantum.PART_TOLERANCE + 8.0 * base / candidate
            off = np.flatnonzero(~(np.abs(ratios - whole) <= slack))
        stretch = whole[: off[0]] if off.size else whole
        if int(np.sum(stretch != 0)) >= quantum.PART_JUMPS and quantum._comes_and_goes(stretch):
            return float(candidate)
    return None


def _sweep(rng, points: int, kind: int, w: float | None = None):
    low, high = rng.uniform(-13, -7), rng.uniform(-4, -0.5)
    epsilons = np.logspace(low, high, points)
    if rng.random() < 0.3:
        epsilons = np.sort(10 ** rng.uniform(low, high, points))
    w = float(rng.choice([0.0, 0.3, 1.0, 1e3])) if w is None else w
    a, b, c = rng.normal(size=3)
    step = 2.0 ** -int(rng.integers(8, 30))
    share = 10 ** rng.uniform(-3, 1)
    kink_at = w + 10 ** rng.uniform(-9, -3)

    def loss(x):
        value = a * np.sin(x) + b * x * x + c * np.cos(3 * x) + 0.2
        if kind == 1:  # a part rounded to a quantum
            value = value + np.round(share * np.sin(1.7 * x) / step) * step
        elif kind == 2:  # a float32 part
            value = value + (share * np.cos(2.1 * x)).astype(np.float32).astype(float)
        elif kind == 3:  # a kink near w
            value = value + 0.7 * np.abs(x - kink_at)
        elif kind == 4:  # noise
            value = value + rng.normal(scale=10 ** rng.uniform(-16, -8), size=np.shape(x))
        elif kind == 5:  # the whole loss rounded to a quantum
            value = np.round(value / step) * step
        return value

    at_w = float(loss(np.array([w]))[0])
    return SimpleNamespace(
        kind="model",
        epsilons=epsilons,
        loss_values=np.full(points, at_w),
        loss_plus=loss(w + epsilons),
        loss_minus=loss(w - epsilons),
        vanished=rng.random(points) < (0.05 if kind == 4 else 0.0),
        unit_roundoff=2.0**-53,
        loss=at_w,
    )


@pytest.mark.parametrize("kind", range(6))
def test_the_prefilter_gives_what_every_candidate_gives(kind):
    rng = np.random.default_rng(kind)
    found = 0
    for _ in range(12):
        result = _sweep(rng, int(rng.choice([30, 200, 1000])), kind)
        expected = _every_candidate(result)
        assert quantum.part_quantum(result) == expected
        found += expected is not None
    if kind in (1, 2, 5):  # (the parts are there to be found: the comparison means something)
        assert found > 0


@pytest.mark.parametrize("steps", [quantum.PART_JUMPS - 1, quantum.PART_JUMPS])
@pytest.mark.parametrize("quiet", [0, 100, 3000])
@pytest.mark.parametrize("gap", [2, 300])
def test_a_part_with_just_enough_steps_is_found(steps, quiet, gap):
    """Even parts of 0 (``quiet`` of them, then ``gap`` between the steps), ``steps``
    single quanta coming and going, then one off the grid: a quantum exactly when there
    are PART_JUMPS steps, read as the definition reads it wherever the stretch starts and
    however far apart the steps are."""
    q = 2.0**-20
    even = [0.0] * quiet
    for _ in range(steps):
        even += [q] + [0.0] * gap
    even += [0.4 * q] + [0.0] * 50
    even = np.asarray(even)
    points = even.size
    result = SimpleNamespace(
        kind="model",
        epsilons=np.logspace(-9, -3, points),
        loss_values=np.full(points, 0.5),
        loss_plus=0.5 + even,
        loss_minus=np.full(points, 0.5),
        vanished=np.zeros(points, dtype=bool),
        unit_roundoff=2.0**-53,
        loss=0.5,
    )
    expected = _every_candidate(result)
    assert expected == (q if steps >= quantum.PART_JUMPS else None)
    assert quantum.part_quantum(result) == expected


@pytest.mark.parametrize("w", [0.7, 1e3])
def test_a_long_smooth_sweep_leaves_few_candidates_to_the_full_look(w):
    """The 5,000-ε sweep of a smooth float64 loss: its many candidates are settled at once,
    not each against all 5,000 even parts (0.25-0.35 CPU-s a sweep of the built-in network
    before). At w = 1e3 the even parts at small ε are float64's rounding of a loss near
    1e6, a stretch of thousands of zeros and ones to read before each candidate fails."""
    rng = np.random.default_rng(3)
    result = _sweep(rng, 5000, kind=0, w=w)
    epsilons = np.asarray(result.epsilons)
    even = result.loss_plus + result.loss_minus - 2.0 * result.loss_values
    order = np.argsort(epsilons, kind="stable")
    even, epsilons = even[order], epsilons[order]
    base = result.unit_roundoff * abs(result.loss)
    sizes = np.unique(np.abs(even[np.abs(even) > quantum.PART_FLOOR * base]))
    assert sizes.size > 500
    curvature = quantum._curvatures(even, epsilons, sizes)
    assert np.array_equal(curvature, [quantum._curvature(even, epsilons, q) for q in sizes])
    open_ = quantum._may_hold(even, epsilons, base, sizes)
    assert open_.sum() < 0.1 * sizes.size
    assert quantum.part_quantum(result) == _every_candidate(result)
