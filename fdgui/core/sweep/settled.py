"""Whether the decade of ε where the finite differences settle follows a claimed
derivative, not one ε's chance crossing.

With no reference to judge by, a sweep's finite differences alone may call a gradient
"consistent". The ε whose difference comes closest to the claim is no evidence by itself:
where the differences oscillate over ε (a small fast ripple, A·sin(a·ε)/ε beyond its scale)
or step by whole ulps of the loss (1 + 1e-15·x), some ε passes close to g, to 1.01·g and to
−g alike (review_final19 HIGH-2, HIGH-4). The differences measure a derivative where they
settle: the decade of ε whose values spread least (``fd_verdict.fd_bar``: its median ± that
spread plus its round-off, a bar that bounds the truncation at every ε of it). ``supported``
asks two things of the claim there:

- it lies within twice that bar (and the gradient's own) of the median, as any reference
  must before it confirms;
- the decade follows it as a law: on a smooth stretch D(ε) = L' + c·ε², so one c must put
  every |D(ε) − g − c·ε²| within ROUNDOFF_SLACK times that ε's round-off (plus the
  gradient's bar). The bar's spread counts round-off at the decade's smallest ε against
  every ε; the law weighs each ε by its own (a flip of 1e-15 beside 1 + 1e-15·x is
  inside the bar, yet off the curve by ten round-offs at the largest ε).

A correct gradient of a smooth loss meets both where the differences settle below its scale
(tanh(1e6·w) at ε ~ 1e-11, where a rule on the best ε's error alone had called it "too
coarse"): a probe's truncation is not known, but over a decade the spread shows it.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.sweep.engine import SweepResult

ROUNDOFF_SLACK = 3.0  # each difference within this many times its predicted round-off
MARGIN = 2.0  # the claim within this many times both bars of the settled value


def supported(
    result: SweepResult, claim: float, mask: np.ndarray, claim_bar: float = 0.0
) -> bool | None:
    """True when the differences' settling decade (within ``mask``) follows ``claim`` (see
    the module); False when it does not; None when there is no such decade (too few ε where
    the loss moved), or for measured rows (read elsewhere)."""
    if result.kind == "measured" or not np.isfinite(claim):
        return None
    from fdgui.core.sweep.fd_verdict import decade_windows
    from fdgui.core.sweep.flat import loss_resolution

    windows = decade_windows(result, mask)
    if not windows:
        return None
    window, value, bar = min(windows, key=lambda item: item[2])  # as fd_bar reads it
    claim_bar = abs(float(claim_bar))
    if abs(claim - value) > MARGIN * (bar + claim_bar):
        return False
    epsilons = np.asarray(result.epsilons, dtype=float)[window]
    estimates = np.asarray(result.central.estimates, dtype=float)[window]
    with np.errstate(all="ignore"):
        noise = np.asarray(result.predicted_error("central", gradient=claim), dtype=float)
        noise = np.maximum(noise, loss_resolution(result) / np.asarray(result.epsilons))[window]
    return _follows(epsilons, estimates, claim, noise, claim_bar)


def _follows(
    epsilons: np.ndarray, values: np.ndarray, claim: float, noise: np.ndarray, claim_bar: float
) -> bool:
    """Whether one c puts every |D(ε) − claim − c·ε²| within ROUNDOFF_SLACK times its
    round-off, plus ``claim_bar``: the intervals for c overlap (ε in units of the largest,
    so that no ε² underflows). The round-off is the predicted one (``noise``), or as many
    times it as the decade's own scatter about its best law D = a + c·ε² (a free) shows:
    a loss summed over many terms rounds more than u·|L|, and that is no refutation."""
    squares = (epsilons / epsilons.max()) ** 2
    with np.errstate(all="ignore"):
        weights = 1.0 / noise
        design = np.column_stack((np.ones_like(squares), squares)) * weights[:, None]
        fit, *_ = np.linalg.lstsq(design, values * weights, rcond=None)
        scatter = float(np.max(np.abs(design @ fit - values * weights)))
        tolerance = ROUNDOFF_SLACK * max(1.0, scatter) * noise + claim_bar
        low = (values - claim - tolerance) / squares
        high = (values - claim + tolerance) / squares
    return bool(np.max(low) <= np.min(high))


def unsupported(
    result: SweepResult, claim: float, mask: np.ndarray, claim_bar: float = 0.0
) -> bool:
    """True when the differences' settling decade (within ``mask``) does not follow
    ``claim`` (``supported`` is False), and neither of the readings that measure a derivative
    outside such a law matches it: one side of w matching it over its smallest resolving
    decade (a kink beside w bends the other side and the central differences), or the
    smallest resolving steps (a loss that varies below the larger ε's scale)."""
    if supported(result, claim, mask, claim_bar) is not False:
        return False
    from fdgui.core.sweep.flat import one_side_agrees, small_steps_agree

    return not (one_side_agrees(result, claim, mask) or small_steps_agree(result, claim, mask))


def settled_refutes(
    result: SweepResult,
    claim: float,
    mask: np.ndarray,
    claim_bar: float = 0.0,
) -> tuple[float, float] | None:
    """The differences' settled reading (``fd_verdict.fd_bar``: value, bar) when it puts
    ``claim`` beyond MARGIN times both bars and neither one side of w nor the smallest
    steps match it (``unsupported``); else None."""
    from fdgui.core.sweep.fd_verdict import fd_bar

    own = fd_bar(result, mask)
    if own is None:
        return None
    value, bar = own
    if not abs(claim - value) > MARGIN * (bar + abs(float(claim_bar))):
        return None
    return own if unsupported(result, claim, mask, claim_bar) else None


LEVELS_OFF = 2.0  # a kink's jump grows slower than ε² above it; a smooth loss's ε³ does not


def jump_keeps_rising(result: SweepResult, usable: np.ndarray, kink_epsilon: float) -> bool:
    """Whether the one-sided differences' gap |f − b|, read from three times
    ``kink_epsilon`` over at least a decade up, still grows at least like ε^LEVELS_OFF.

    Past a kink at distance d the gap is 2J·(1 − d/ε) + L''·ε: from 3d on it grows at most
    tenfold a decade. A smooth loss whose L'' vanishes at w (x⁴ + 1e-12·x at 0) has a gap
    of L''''·ε³/3, which rises a thousandfold a decade — steep enough to be read as a kink
    crossed, which it is not (review9i C4)."""
    from fdgui.core.sweep.evidence import _readable_jump

    jump, _noise, readable = _readable_jump(result, usable)
    epsilons = np.asarray(result.epsilons, dtype=float)
    above = np.flatnonzero(readable & (epsilons >= 3.0 * kink_epsilon))
    if above.size < 2 or epsilons[above[-1]] < 9.0 * epsilons[above[0]]:
        return False
    low, high = above[0], above[-1]
    with np.errstate(all="ignore"):
        slope = np.log(jump[high] / jump[low]) / np.log(epsilons[high] / epsilons[low])
    return bool(np.isfinite(slope) and slope >= LEVELS_OFF)


SIDES_RESOLVE = 0.1  # each side resolves this share of the difference it is to refute


def sides_refute(result: SweepResult, claim: float, reference: float, mask: np.ndarray) -> bool:
    """Whether the forward and the backward differences each refute ``claim`` on the side
    of ``reference``: over the smallest decade of ε (within ``mask``) where a side's
    predicted error (round-off with the noise, the rounding of w ± ε, |L''|·ε/2) is at most
    SIDES_RESOLVE of |claim − reference|, every difference of that side lies beyond
    AGREE_PREDICTED times it from ``claim``, towards ``reference``.

    A kink near w (between w and Richardson's steps, or closer than the ε the central
    differences settle at) bends one side only: the other measures the slope there, and a
    claim of that slope is matched by it. A claim between the two slopes of a kink at w has
    the sides on opposite sides of it; so has a correct claim whose truncation the guide
    underestimates (f − g = +L''·ε/2, b − g = −L''·ε/2). Both sides beyond their bars on the
    reference's side leave no kink to explain the difference (a 1e-6 bug Richardson
    resolved 2.5e5 times was "a kink could explain a difference under 1 %")."""
    if result.kind == "measured" or not (np.isfinite(claim) and np.isfinite(reference)):
        return False
    from fdgui.core.sweep.flat import AGREE_PREDICTED, MIN_POINTS, one_sided_resolving

    gap = abs(float(reference) - float(claim))
    direction = np.sign(float(reference) - float(claim))
    if gap == 0:
        return False
    epsilons = np.asarray(result.epsilons, dtype=float)
    for estimates, predicted, resolving in one_sided_resolving(
        result, claim, mask, SIDES_RESOLVE * gap
    ):
        if resolving.sum() < MIN_POINTS:
            return False
        decade = resolving & (epsilons <= 10.0 * float(epsilons[resolving].min()))
        if decade.sum() < MIN_POINTS:
            return False
        offsets = (estimates[decade] - claim) * direction
        if not np.all(offsets > AGREE_PREDICTED * predicted[decade]):
            return False
    return True
