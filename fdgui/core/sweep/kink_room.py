"""The room a bar over measured rows holds for a kink between w and the smallest ε
(``measured._rows_richardson``): the part of L+ + L− odd in ε bounds its jump at any
distance from w (``odd_part``), the law the rows follow past it bounds where the central
differences' limit lies, and a three-row run keeps the wider room of a kink up to a
thousandth of the smallest ε. docs/DIAGNOSIS.md says why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from fdgui.core.sweep.odd_part import odd_slope_bound
from fdgui.core.sweep.row_readings import rows_rest
from fdgui.core.sweep.row_shape import RESOLVING


def _law_room(steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray, value: float) -> float:
    """How far the central differences' limit S may lie from ``value`` (the h² law's) when
    the rows (sorted by ε) are past a kink: there they are S + K/ε + b·ε (+ c·ε²), and the
    h² law extrapolates K/ε or b·ε as if it were c·ε². Each pair of rows at least a factor
    2 apart in ε (from either of the two smallest rows to the first at least twice its ε:
    the extrapolations amplify their ± at most 3×) puts S, under the 1/ε law and under the
    linear one, within its extrapolation's ±; the better of the two pairs bounds it under
    each law (a noisy smallest row does not widen it), and the larger of the two distances
    from ``value`` is the room."""
    h, d, n = (np.asarray(a, dtype=float)[:10] for a in (steps, estimates, noise))
    # from either of the two smallest rows (where the law past a kink is least disturbed
    # by c·ε²), or any row up to the first that resolves the derivative, to the first row
    # at least twice its ε: rows deep in round-off below it (float16 rows at one ulp, ± 5.6
    # on a derivative of 4) bound nothing the better rows do not, and read alone they made
    # measuring more small ε widen the bar (review10k HIGH-1)
    starts = max(2, _first_resolving(d, n, value) + 1)
    pairs = [(a, _first_beyond(h, a)) for a in range(min(starts, h.size - 1))]
    i = np.array([a for a, _ in pairs], dtype=int)
    j = np.array([b for _, b in pairs], dtype=int)
    if not i.size:
        return float("inf")
    with np.errstate(all="ignore"):
        gap = h[j] - h[i]
        linear = d[i] - (d[j] - d[i]) * h[i] / gap
        linear_room = np.abs(linear - value) + n[i] * (1.0 + h[i] / gap) + n[j] * h[i] / gap
        inverse = d[i] - (d[i] - d[j]) * h[j] / gap
        inverse_room = np.abs(inverse - value) + n[i] * (1.0 + h[j] / gap) + n[j] * h[j] / gap
    room = max(float(np.nanmin(linear_room)), float(np.nanmin(inverse_room)))
    return room if np.isfinite(room) else float("inf")


RESOLVED_SHARE = 0.01  # a row resolves the derivative when its ± is within 1 % of it


def _first_resolving(d: np.ndarray, n: np.ndarray, value: float) -> int:
    """The first row (sorted by ε) that resolves the derivative: its round-off within
    RESOLVING times the least error of any row (its ± plus its distance from ``value``), as
    ``row_shape.resolving_room`` reads it, and within RESOLVED_SHARE of ``value`` (float16
    rows all lie within 1,000 times the best; those at one ulp, ± 1.4 on a derivative of 4,
    resolve nothing of it)."""
    with np.errstate(all="ignore"):
        best = float(np.nanmin(n + np.abs(d - value)))
    resolving = np.flatnonzero((n <= RESOLVING * best) & (n <= RESOLVED_SHARE * abs(value)))
    return int(resolving[0]) if resolving.size else d.size - 1


def _first_beyond(h: np.ndarray, a: int) -> int:
    """The first row at least twice row ``a``'s ε, else the largest."""
    far = np.flatnonzero(h >= 2.0 * h[a])
    return int(far[0]) if far.size else h.size - 1


WIDE_MARGIN = 1000.0  # see wide_room


def _kink_reach(steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray) -> float:
    """The largest J·d the central differences (sorted by ε) leave for a kink at d < ε from
    w with jump J: past it they are S + J·d/ε, so two rows bound
    J·d ≤ (|D_i − D_j| + ±_i + ±_j)/(1/ε_i − 1/ε_j). Read over consecutive rows and each row
    with the largest."""
    h, d, n = steps, estimates, noise
    with np.errstate(all="ignore"):
        pairs = [(h[:-1], h[1:], d[:-1], d[1:], n[:-1], n[1:])]
        pairs.append((h[:-1], h[-1:], d[:-1], d[-1:], n[:-1], n[-1:]))
        bounds = [
            (np.abs(di - dj) + ni + nj) / (1.0 / hi - 1.0 / hj) for hi, hj, di, dj, ni, nj in pairs
        ]
        bound = float(np.min(np.concatenate(bounds)))
    return bound if np.isfinite(bound) else float("inf")


def wide_room(steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray) -> float:
    """The jump of a kink up to 1/WIDE_MARGIN of the smallest ε from w that the central
    differences (sorted by ε) leave room for: J ≤ WIDE_MARGIN·J·d/ε_min (``_kink_reach``)."""
    return WIDE_MARGIN * _kink_reach(steps, estimates, noise) / float(np.min(steps))


def kink_room(
    steps: np.ndarray,
    estimates: np.ndarray,
    noise: np.ndarray,
    sums: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None,
    positions: np.ndarray,
    value: float,
) -> float:
    """The room rows (sorted by ε) must leave for a kink between w and the smallest ε,
    whatever its distance from w: the slope at w is S ± B/2, B the part of L+ + L− linear
    in ε (``odd_part``: at most max |B| over the laws through the rows' sums), S the
    central differences' limit, which the law they follow past a kink may put away from
    ``value`` (``_law_room``). No sums: unbounded."""
    if sums is None:
        return float("inf")
    order = np.argsort(steps)
    values, spread = sums(positions)
    odd = odd_slope_bound(steps, values, spread)
    return odd / 2.0 + _law_room(steps[order], estimates[order], noise[order], value)


ROOM_SAFETY = 2.0  # as the diagnosis' SAFETY_FACTOR: a difference beyond twice the bars


def resting_on_the_room(result, diagnosis):
    """A gradient the rows' reference confirms only through its room for a kink near w is
    not confirmed: without that room (``ReferenceValue.kink``) the bar — the extrapolation
    and the law's drift, what the rows themselves resolve — puts the gradient beyond twice
    it, so the rows say the derivative of a loss smooth about w is not the gradient, and
    only a kink between w and the smallest ε could reconcile them. Neither confirmed nor
    refuted then (case ``unresolved``, fact ``room_only``: the bar without the room,
    ``ReferenceValue.without_room``), and
    the words do not call the finite differences' distance from the gradient truncation
    (a 1 % bug on 20 rows with no loss at w was "Gradient correct … limited by truncation"
    while the rows settled to 1e-9 of the truth)."""
    if result.kind != "measured" or diagnosis.kind != "correct" or not result.has_checked:
        return diagnosis
    checked = next((r for r in result.references if r.method == "backprop"), None)
    reference = next((r for r in result.references if r.method == "Richardson" and r.trusted), None)
    if checked is None or reference is None or reference.without_room is None:
        return diagnosis
    rest = float(reference.without_room)
    read = rows_rest(result, reference)  # what two rows of its run read (review13v H2)
    rest = rest if read is None else min(rest, read)
    own = float(checked.error or 0.0) + 4.0 * 2.0**-53 * abs(checked.value)
    if not abs(checked.value - reference.value) > ROOM_SAFETY * (rest + own):
        return diagnosis
    keep = ("dtype", "unit_roundoff", "rule", "spacing", "checked", "method", "source")
    facts = {key: value for key, value in diagnosis.facts.items() if key in keep}
    facts.update(
        source="measured",
        estimate=reference.value,
        estimate_error=reference.error,
        estimate_method=reference.method,
        estimate_status=reference.status,
        kink_room=float(reference.kink),
        no_loss_at_w=not bool(np.isfinite(result.forward.estimates).any()),
        room_only=rest,
        limit=reference.limit or "truncation",
    )
    return replace(
        diagnosis,
        kind="estimate",
        case="unresolved",
        recommended_by="no-useful-epsilon",
        limited_by=facts["limit"],
        reasons=(),
        facts=facts,
    )


def one_kink_assumed(result, diagnosis):
    """A verdict judged by the rows' reference when the table gives no loss at w rests on
    one assumption, which the words and the JSON state (fact ``one_kink``: the room held):
    the bar holds one kink between w and the smallest ε at any distance from w (the part
    of L+ + L− odd in ε bounds its jump: ``odd_part``), not two whose effects on L+ and L−
    cancel — a notch or bump narrower than the smallest ε, which only the loss at w shows."""
    if diagnosis.kind not in ("correct", "wrong"):
        return diagnosis
    judging = [
        item
        for item in result.references
        if item.method == "Richardson" and item.trusted and item.kink is not None
    ]
    with_loss = np.isfinite(result.forward.estimates).any()
    if not judging or (with_loss and not judging[0].one_kink):
        return diagnosis
    facts = {**diagnosis.facts, "one_kink": float(judging[0].kink)}
    if with_loss:
        facts["coarse_loss_at_w"] = True
    return replace(diagnosis, facts=facts)
