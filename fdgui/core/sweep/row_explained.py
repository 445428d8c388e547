"""A "wrong" on measured rows stands only where no kink or rounded part explains the gap
(review19x C1–C4).

Measured rows cannot show what the loss is made of. A gradient the rows disagree with is
still the loss's derivative when the rows' disagreement has one of three shapes, each of
which an honest loss makes:

- **a kink beside w** (``kink_beside``): the rows up to some ε agree with the gradient
  within their ±, and at least two of them resolve the gap the larger ε then show (the gap
  begins where a kink is crossed: np.interp's knots, a relu's switch). Two knots within two
  rows of ε left the continuity reading "unclear", and the older reading called it wrong.
  A gap that is a rounded part's steps (``_part_steps``: whole multiples of the quantum the
  losses were found on, or a staircase of few repeated levels) is no kink: a gradient that
  drops the part leaves it, and it stays "wrong".
- **a rounded part** (``bounded_residual``): the odd residual of the rows,
  r(ε) = L+ − L− − 2·g·ε, stays, over at least 1.5 decades of the largest ε, within
  ``BOUND`` times the largest |r| below them (after an odd ε³, ε⁵ truncation fitted there
  and taken off below too), read from at least ``PER_DECADE`` rows a decade.
  A float32/float16/bfloat16 part that does not move below its quantum leaves r growing as
  2·g_part·ε up to its first move and bounded by that quantum above it; a grid of kinks
  (np.interp's knots, a triangle wave) leaves r bounded by its swing. A gradient off by δ
  leaves r growing as 2·δ·g·ε at every ε: over 1.5 decades it outgrows any bound read
  below them, so a resolvable bug stays "wrong". Each row above is held to its own ±
  (a row printed with fewer digits widens only its own).
- **no gradient offset** (``Offset``), for both shapes above: the ε³, ε⁵ fit absorbs most
  of a straight 2·δ·g·ε over 1.5 decades, and a smooth loss's ε³ overtaking it reads as a
  gap past rows that agree. Where c·ε with a smooth odd truncation (ε³ … ε⁹) fitted over
  every row leaves r within ``OFFSET`` of the bound the shape invokes (Q, or the bound
  below), and the truncation alone does not, r is a wrong gradient's offset and the shape
  explains nothing. A part's steps or a grid's swing leave about half that bound or more
  to any smooth fit; a kink's corner leaves its ramp's start.
- **a kink at w** (``kink_at_w``): with the loss at w given, the one-sided slopes of the
  smallest resolving rows differ (a kink at w), and the gradient lies between the
  one-sided slopes of the small or of the large ε (within their ±): a subgradient.

Where one of them holds the diagnosis becomes "Too coarse to judge" (case ``unresolved``,
limit ``explained``, fact ``explained_by``), never "wrong".
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fdgui.core.sweep.claim import allowance

BOUND = 3.0  # the residual above, within this many of the largest below it
DECADES = 1.5  # the rows above must span this many decades of ε
PREFIX_DECADES = 1.0  # a part's bound read over this many decades below a kink
AGREE = 3.0  # a row agrees with the gradient within this many of its ±
SEE = 3.0  # a row resolves a gap that is this many of its ± at its ε
PER_DECADE = 3.0  # a shape is read from at least this many rows a decade
LATTICE = 0.25  # a rounded part's steps lie within this share of its quantum of whole ones
SAME = 1e-3  # a part's step repeated: its rows' r within this share of each other
OFFSET = 0.1  # a gradient offset that leaves this share of a bound explains r without it
SMOOTH = (1, 3, 5, 7, 9)  # the offset's power of ε, then a smooth loss's odd truncation
STARTS = 20  # a bounded part's start is looked for at most this many times a decade


def _rows(result):
    epsilons = np.asarray(result.epsilons, dtype=float)
    plus = np.asarray(result.loss_plus, dtype=float)
    minus = np.asarray(result.loss_minus, dtype=float)
    noise = result.extras.get("loss_roundoff")
    if noise is None:
        return None
    bar = np.asarray(noise[0], dtype=float) + np.asarray(noise[1], dtype=float)
    keep = (
        ~np.asarray(result.vanished, dtype=bool)
        & np.isfinite(plus)
        & np.isfinite(minus)
        & np.isfinite(bar)
        & (epsilons > 0)
    )
    if np.count_nonzero(keep) < 6:
        return None
    order = np.argsort(epsilons[keep], kind="stable")
    return epsilons[keep][order], plus[keep][order], minus[keep][order], bar[keep][order], keep


def _flat_prefix(epsilons, residual, bar, k) -> bool:
    """The rows up to k agree with the gradient within their ±, or their |r| over the top
    PREFIX_DECADES of them stays within BOUND of the largest below (a part's quantum)."""
    if np.all(residual[: k + 1] <= AGREE * bar[: k + 1]):
        return True
    top = epsilons[: k + 1] >= epsilons[k] / 10.0**PREFIX_DECADES
    if np.count_nonzero(top) < 3 or top.all():
        return False
    below = float(np.max(residual[: k + 1][~top]))
    return bool(np.all(residual[: k + 1][top] <= BOUND * below + AGREE * bar[: k + 1][top]))


def _on_steps(values, bar, step) -> bool:
    """Each of ``values`` within LATTICE of ``step`` (or its ±) of a whole multiple of it,
    and at least two of them non-zero multiples."""
    whole = np.abs(values) / step
    off = np.abs(whole - np.round(whole)) * step
    return bool(np.all(off <= LATTICE * step + bar) and np.count_nonzero(np.round(whole)) >= 2)


def _part_steps(residual, bar, quantum) -> bool:
    """The rows' r are the steps of a rounded part the gradient leaves out, not a kink's
    continuous ramp: whole multiples of half the quantum the rows were found on, or a
    staircase of their own — at most half as many distinct values as rows, each a whole
    multiple of the smallest step between them."""
    if quantum > 0.0 and _on_steps(residual, bar, quantum / 2.0):
        return True
    if residual.size < 4:
        return False
    noise = float(np.max(bar))
    levels = np.unique(np.abs(residual))
    # levels within their ± or a SAME share of each other are one (a kink's ramp moves by
    # the rows' ε ratio, 0.2 % or more a row even at 1000 rows a decade)
    apart = np.diff(levels, prepend=-np.inf) > np.maximum(2.0 * noise, SAME * levels)
    distinct = np.concatenate([[0.0], levels[apart]])
    if distinct.size - 1 > residual.size // 2 or distinct.size < 2:
        return False
    step = float(np.min(np.diff(distinct)))
    return step > 2.0 * noise and _on_steps(residual, bar, step)


def kink_beside(epsilons, odd, bar, gradient, quantum=0.0, offset=None) -> bool:
    """The rows up to some ε agree with ``gradient`` (within their ±, or within a bound Q
    their |r| keeps over a decade: a rounded part's quantum), and two of them resolve,
    beyond Q, the gap the next row shows."""
    offset = offset or Offset(epsilons, odd - 2.0 * gradient * epsilons)
    residual = np.abs(odd - 2.0 * gradient * epsilons)
    bound = np.maximum.accumulate(residual)  # Q over the rows up to each
    for k in range(len(epsilons) - 1):
        following = residual[k + 1]
        if following <= AGREE * (bound[k] + bar[k + 1]):
            continue  # the next row still agrees within the bound
        # in the derivative's units, as the rows up to a decade past the kink show it
        past = (epsilons > epsilons[k]) & (epsilons <= 10.0 * epsilons[k + 1])
        gap = float(np.max(residual[past] / (2.0 * epsilons[past])))
        seeing = 2.0 * gap * epsilons[: k + 1] > SEE * AGREE * (bound[k] + bar[: k + 1])
        if (
            int(np.count_nonzero(seeing)) >= 2
            and _flat_prefix(epsilons, residual, bar, k)
            and not _part_steps(residual[past], bar[past], quantum)
            # a smooth loss's ε³ overtaking a wrong gradient's straight r reads as a gap
            # beginning past the rows that agree: the offset fits it far within Q
            and not offset.fits(bound[k] + bar[k + 1])
        ):
            return True
    return False


def _fit_left(x, residual, powers):
    """The residual less its least-squares fit in ``x`` to the given odd ``powers``."""
    basis = np.stack([x**power for power in powers], axis=1)
    coefficients, *_ = np.linalg.lstsq(basis, residual, rcond=None)
    return residual - basis @ coefficients


def _starts(epsilons):
    """The rows a bounded part may begin at: every row, or where the rows are denser than
    STARTS a decade, the first row past each of STARTS steps a decade (so the fits per
    start stay a bounded number however many rows there are)."""
    logs = np.log10(epsilons)
    marks = np.arange(logs[0], logs[-1], 1.0 / STARTS)
    starts = np.unique(np.searchsorted(logs, marks, side="right"))
    return starts[(starts >= 1) & (starts < len(epsilons))]


class Offset:
    """What a gradient offset c·ε with a smooth loss's odd truncation (SMOOTH) leaves of r
    over every row (``left``), and what the truncation alone leaves (``alone``)."""

    def __init__(self, epsilons, residual):
        x = epsilons / epsilons[-1]
        self.left = float(np.max(np.abs(_fit_left(x, residual, SMOOTH))))
        self.alone = float(np.max(np.abs(_fit_left(x, residual, SMOOTH[1:]))))

    def fits(self, bound) -> bool:
        """The offset leaves r within OFFSET of ``bound`` (the part's quantum, a grid's
        swing or the rows' agreement a shape invokes) and the truncation alone does not: r
        is a wrong gradient's straight 2·δ·g·ε, not a shape bounded by ``bound``."""
        return self.left <= OFFSET * bound < self.alone


def bounded_residual(epsilons, odd, bar, gradient, offset=None) -> bool:
    """r(ε) = odd − 2·g·ε, less an ε³, ε⁵ truncation fitted above, stays bounded over
    ≥ DECADES of the largest ε (read from PER_DECADE rows a decade or more) by what it
    reached below them, and a gradient offset does not fit r far better than that bound
    (module doc)."""
    residual = odd - 2.0 * gradient * epsilons
    offset = offset or Offset(epsilons, residual)
    x = epsilons / epsilons[-1]
    # the ε³, ε⁵ fit over the rows from each start, by its normal equations summed from the
    # top: one pass over the rows a start (the rows above a start are read once each)
    basis = np.stack([x**3, x**5], axis=1)
    gram = np.cumsum((basis[:, :, None] * basis[:, None, :])[::-1], axis=0)[::-1]
    moment = np.cumsum((basis * residual[:, None])[::-1], axis=0)[::-1]
    for start in _starts(epsilons):
        span = np.log10(x[-1] / x[start])
        if span < DECADES:
            break
        if len(epsilons) - start < max(5, int(np.ceil(PER_DECADE * span))):
            break
        coefficients = np.linalg.lstsq(gram[start], moment[start], rcond=None)[0]
        left = np.abs(residual - basis @ coefficients)
        bound = float(np.max(left[:start] + bar[:start]))
        # each row above within BOUND of it and its own ± (one row printed with fewer
        # digits widens its own ±, not the others')
        if np.any(left[start:] > BOUND * bound + bar[start:]):
            continue
        # the bound is a part's quantum or a grid's swing only if r shows one: the ε³, ε⁵
        # fit absorbs most of a straight 2·δ·g·ε over 1.5 decades, which the offset fits
        return not offset.fits(bound)
    return False


def _side_slopes(epsilons, side, bar, rows):
    """The side's slope from its smallest resolving rows (median) and its largest ones
    (least squares with ε², ε³ over the top decades), each with a ±."""
    slopes = side / epsilons
    bars = bar / epsilons
    readings = []
    small = np.flatnonzero(bars < np.inf)[:rows]
    if small.size:
        readings.append((float(np.median(slopes[small])), float(np.max(bars[small]))))
    top = epsilons[-1]
    upper = epsilons >= top / 10.0**DECADES
    if np.count_nonzero(upper) >= 4:
        x = epsilons[upper]
        basis = np.stack([x, x**2, x**3], axis=1)
        coefficients, *_ = np.linalg.lstsq(basis, side[upper], rcond=None)
        left = side[upper] - basis @ coefficients
        readings.append(
            (float(coefficients[0]), float(np.max(np.abs(left) + bar[upper]) / x.min()))
        )
    return readings


def kink_at_w(result, keep, order, gradient) -> bool:
    """With the loss at w given: the smallest resolving rows' one-sided slopes differ, and
    the gradient lies between the one-sided slopes of the small or of the large ε."""
    noise = result.extras.get("one_sided_noise")
    centre = result.extras.get("centre_noise")
    if noise is None or centre is None:
        return False
    epsilons = np.asarray(result.epsilons, dtype=float)[keep][order]
    loss = np.asarray(result.loss_values, dtype=float)[keep][order]
    plus = np.asarray(result.loss_plus, dtype=float)[keep][order]
    minus = np.asarray(result.loss_minus, dtype=float)[keep][order]
    if not np.isfinite(loss).all():
        return False
    forward_bar = np.asarray(noise[0], dtype=float)[keep][order] * epsilons
    backward_bar = np.asarray(noise[1], dtype=float)[keep][order] * epsilons
    # the smallest rows whose one-sided ± is within a tenth of their one-sided gap
    forward, backward = (plus - loss) / epsilons, (loss - minus) / epsilons
    resolving = np.abs(forward - backward) * epsilons > 10.0 * (forward_bar + backward_bar)
    smallest = np.flatnonzero(resolving[: max(3, len(epsilons) // 3)])
    if smallest.size < 2:
        return False  # no kink at w in the smallest rows
    # a kink's one-sided gap keeps its size as ε shrinks; a smooth loss's curvature gives a
    # gap that shrinks with ε (f''·ε), which is no kink: the smallest resolving row must keep
    # more than 3× what a gap shrinking in proportion to ε leaves of the largest one there
    low, high = smallest[0], smallest[-1]
    gap = np.abs(forward - backward)
    gap_bar = (forward_bar + backward_bar) / epsilons
    if epsilons[high] < 3.0 * epsilons[low] or gap[low] <= (
        3.0 * gap[high] * epsilons[low] / epsilons[high] + 3.0 * gap_bar[low]
    ):
        return False
    first = np.flatnonzero(resolving)
    pick = first[:5]
    ends = []
    for side, bar in ((plus - loss, forward_bar), (loss - minus, backward_bar)):
        small = np.median(side[pick] / epsilons[pick]), np.max(bar[pick] / epsilons[pick])
        large = _side_slopes(epsilons, side, bar, 0)
        ends.append([small, *large])
    for (f, f_bar), (b, b_bar) in zip(ends[0], ends[1], strict=False):
        low, high = min(f, b), max(f, b)
        slack = AGREE * max(f_bar, b_bar)
        if low - slack <= gradient <= high + slack:
            return True
    return False


def explained_wrong(result, diagnosis):
    """``diagnosis``, or where measured rows call a gradient wrong that a kink beside w, a
    rounded part or a kink at w explains (module doc), the same left open."""
    if diagnosis.kind != "wrong" or result.kind != "measured":
        return diagnosis
    checked = diagnosis.facts.get("checked")
    if checked is None or not np.isfinite(checked):
        return diagnosis
    rows = _rows(result)
    if rows is None:
        return diagnosis
    epsilons, plus, minus, bar, keep = rows
    gradient = float(checked)
    odd = plus - minus
    # the gradient's own ± as every verdict allows it: a typed claim's rounding (claim.allowance)
    bar = bar + 2.0 * allowance(result.reference) * epsilons
    order = np.argsort(np.asarray(result.epsilons, dtype=float)[keep], kind="stable")
    by = None
    quantum = float(result.extras.get("rows_quantum", 0.0))
    offset = Offset(epsilons, odd - 2.0 * gradient * epsilons)
    if kink_beside(epsilons, odd, bar, gradient, quantum, offset):
        by = "kink-beside"
    elif bounded_residual(epsilons, odd, bar, gradient, offset):
        by = "rounded-part"
    elif kink_at_w(result, keep, order, gradient):
        by = "kink-at-w"
    if by is None:
        return diagnosis
    facts = {**diagnosis.facts, "limit": "explained", "explained_by": by}
    return replace(diagnosis, kind="estimate", case="unresolved", facts=facts)
