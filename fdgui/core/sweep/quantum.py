"""The round-off floor of a loss that changes only in whole quanta.

A loss rounded to multiples of a quantum Q (round(L/Q)·Q; a float32 loss with a cancelling
offset) is off by up to Q/2 at every point, so a difference quotient of it by up to Q/ε —
not u·|L|/ε, which a quantum of 1e-5 on a loss near 0.2 exceeds 1e11 times. With the
smaller floor, the differences at ε where one quantum is a large share of ε·|L'| (10 at
ε = 1e-6 for slope 0.98) read as resolving the derivative and refuting it (review9i C5:
a correct 0.98 "wrong"). ``flat.loss_resolution`` reads the quantum from the sweep's own
changes (every one a whole multiple of the smallest); the floor becomes that quantum over ε
wherever it is the larger.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

QUANTUM = 4.0  # a step this many times u·|L| (or more) is a quantum, not round-off


FEW = 8  # ε whose loss moved: fewer read no staircase (flat.FEW_CHANGES)


def loss_quantum(result) -> float | None:
    """The quantum a computed sweep's loss changes in (``flat.loss_resolution``), when it
    is well above u·|L|, or a coarser part's (``part_quantum``); at least the rounding of
    a loss whose path to w runs through a coarser inner format, where the sweep shows one
    (``inner_format.inner_quantum``: its least change is no bound on that rounding). None
    otherwise and for measured rows."""
    if result.kind == "measured":
        return None
    from fdgui.core.sweep.inner_format import inner_quantum

    found = [q for q in (_staircase_quantum(result), inner_quantum(result)) if q is not None]
    return max(found) if found else None


def _staircase_quantum(result) -> float | None:
    """``flat.loss_resolution`` where it shows a staircase, else ``part_quantum``."""
    from fdgui.core.sweep.flat import loss_resolution

    base = float(result.unit_roundoff or 0.0) * abs(float(result.loss))
    quantum = loss_resolution(result)
    if not quantum > QUANTUM * base:
        return part_quantum(result)
    # a staircase is read from enough changes to show one: a loss flat but for a few ε
    # past a kink (max(w − 0.9, 0) at w = 0) has no quantum, its least change is no step
    with np.errstate(all="ignore"):
        moved = (result.loss_plus != result.loss_values) | (result.loss_minus != result.loss_values)
    if int(np.sum(moved & ~np.asarray(result.vanished, dtype=bool))) >= FEW:
        return quantum
    return part_quantum(result)


PART_JUMPS = 3  # even parts that are whole non-zero multiples of the part's quantum
PART_FLOOR = 64.0  # a part's quantum lies above this many u·|L| (float64's own rounding)
PART_TOLERANCE = 0.05  # how far from a whole number of quanta an even part may lie


def part_quantum(result) -> float | None:
    """The quantum of a coarser PART of a computed sweep's loss (a float64 term plus a
    penalty computed in float32), read from the sweep's even parts L+ + L− − 2L; None where
    none shows.

    The float64 rest's even part is L''·ε² (+ O(ε⁴)), far below a quantum at small ε; a
    part rounded to a quantum Q adds whole multiples of Q (each of its three values lies on
    its grid). So from the smallest ε up, the even parts less L''·ε² (``_curvature``) are
    0 or whole multiples of Q (within PART_TOLERANCE) until the curvature's error shows;
    over that stretch at least PART_JUMPS of them must be non-zero multiples, coming and
    going (``_comes_and_goes``: a single jump stays). A smooth loss's even parts grow
    continuously with ε (the second one above float64's own rounding is no whole multiple
    of the first), a noisy one's scatter, and float64's own rounding stays below
    PART_FLOOR·u·|L|.

    Between the part's steps the loss is float64-smooth: the central differences at ε below
    a step miss the part's derivative altogether, so they "settle" on a wrong value, and
    the first step reads as a kink (review9m CRITICAL-1). The quantum over ε is their
    round-off instead (``with_quantum_floor``)."""
    if result.kind == "measured":
        return None
    epsilons = np.asarray(result.epsilons, dtype=float)
    with np.errstate(all="ignore"):
        even = (
            np.asarray(result.loss_plus, dtype=float)
            + np.asarray(result.loss_minus, dtype=float)
            - 2.0 * np.asarray(result.loss_values, dtype=float)
        )
    usable = ~np.asarray(result.vanished, dtype=bool) & np.isfinite(even)
    order = np.argsort(epsilons[usable], kind="stable")
    even = even[usable][order]
    base = float(result.unit_roundoff or 0.0) * abs(float(result.loss))
    sizes = np.unique(np.abs(even[np.abs(even) > PART_FLOOR * base]))
    epsilons = epsilons[usable][order]
    open_ = _may_hold(even, epsilons, base, sizes)
    for candidate in sizes[open_]:  # each size seen that may hold, smallest first
        with np.errstate(all="ignore"):  # an overflowing loss's ratios are inf/NaN: "off"
            ratios = (even - _curvature(even, epsilons, candidate) * epsilons**2) / candidate
            whole = np.round(ratios)
            slack = PART_TOLERANCE + 8.0 * base / candidate
            off = np.flatnonzero(~(np.abs(ratios - whole) <= slack))
        stretch = whole[: off[0]] if off.size else whole  # up to the curvature's share
        if int(np.sum(stretch != 0)) >= PART_JUMPS and _comes_and_goes(stretch):
            return float(candidate)
    return None


WINDOW = 64  # even parts read per candidate past its quiet ones, all candidates at once
BLOCK = 32  # curvatures whose residuals are formed together
CELLS = 1 << 16  # even parts read at once (candidates × window)


def _may_hold(even: np.ndarray, epsilons: np.ndarray, base: float, sizes: np.ndarray):
    """Per candidate quantum (``sizes``, ascending): False where it certainly fails, read for
    all candidates at once. A computed sweep of 5,000 ε has about as many candidates, and
    the full look at each (every even part against it) took 0.25-0.35 CPU-s per sweep of
    the built-in network. A candidate needs PART_JUMPS non-zero multiples before its first
    even part off a whole multiple. The even parts from the smallest ε whose residuals
    |L+ + L− − 2L − L''·ε²| (``_curvature``'s L'') stay, by their running maximum, within
    half the slack are zeros on their multiple; the even parts after them are read as the
    full look reads them (the same operations, element by element), WINDOW of them, then
    eight times more where those did not decide: one off a multiple before PART_JUMPS
    non-zero ones ends the stretch and the candidate. A candidate with PART_JUMPS of them
    is left to the full look (its steps must also come and go)."""
    size = even.size
    if size == 0 or sizes.size == 0:
        return np.ones(sizes.size, dtype=bool)
    curvature = _curvatures(even, epsilons, sizes)
    start = np.zeros(sizes.size, dtype=np.int64)
    with np.errstate(all="ignore"):
        slack = PART_TOLERANCE + 8.0 * base / sizes
        limit = 0.5 * slack * sizes
        squares = epsilons**2
        values, row = np.unique(curvature, return_inverse=True)
        for first in range(0, values.size, BLOCK):  # (NaN/inf: no quiet stretch, start 0)
            block = values[first : first + BLOCK]
            rising = np.maximum.accumulate(np.abs(even - block[:, None] * squares), axis=1)
            these = np.flatnonzero((row >= first) & (row < first + BLOCK))
            quiet = rising[row[these] - first] <= limit[these, None]  # (a NaN: not quiet)
            start[these] = np.where(np.isfinite(curvature[these]), quiet.sum(axis=1), 0)
    verdict = np.ones(sizes.size, dtype=bool)
    multiples = np.zeros(sizes.size, dtype=np.int64)  # non-zero multiples seen so far
    pending = np.arange(sizes.size)
    window = WINDOW
    while pending.size:  # (each pass reads on where the last one's window ended)
        left = []
        rows = max(1, CELLS // window)
        for first in range(0, pending.size, rows):
            these = pending[first : first + rows]
            seen, ended = _window(even, epsilons, sizes[these], curvature[these],
                                  slack[these], start[these], window)  # fmt: skip
            multiples[these] += seen
            held = multiples[these] >= PART_JUMPS
            verdict[these] = held  # (one not ended is read on in the next pass)
            start[these] += window
            left.append(these[~held & ~ended])
        pending = np.concatenate(left)
        window *= 8
    return verdict


def _window(even, epsilons, sizes, curvature, slack, start, window):
    """(the non-zero multiples before the first even part off one, whether the stretch
    ended) in each candidate's ``window`` even parts from ``start``, read as the full look
    reads them."""
    size = even.size
    with np.errstate(all="ignore"):
        at = start[:, None] + np.arange(window)[None, :]
        inside = at < size
        at = np.minimum(at, size - 1)
        ratios = (even[at] - curvature[:, None] * epsilons[at] ** 2) / sizes[:, None]
        whole = np.round(ratios)
        off = ~(np.abs(ratios - whole) <= slack[:, None]) & inside
    first_off = np.where(off.any(axis=1), np.argmax(off, axis=1), window)
    before = np.arange(window)[None, :] < first_off[:, None]
    multiples = np.sum((whole != 0) & before & inside, axis=1)
    ended = (first_off < window) | (start + window >= size)
    return multiples, ended


def _curvatures(even: np.ndarray, epsilons: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``_curvature(even, epsilons, q)`` for each q in ``sizes`` (ascending), the same
    numbers: the first CURVATURE_POINTS indices whose even part is CURVATURE_QUANTA·q or
    more, gathered from the largest threshold down as the even parts reach it, and the
    median of their L+ + L− − 2L over ε²."""
    magnitude = np.abs(even)
    descending = np.argsort(-magnitude, kind="stable")
    thresholds = CURVATURE_QUANTA * sizes
    with np.errstate(all="ignore"):
        over = (even / epsilons**2).tolist()
    out = np.zeros(sizes.size)
    firsts: list[int] = []  # the smallest indices reached so far (CURVATURE_POINTS at most)
    value = 0.0
    j = 0
    for k in range(sizes.size - 1, -1, -1):
        changed = False
        while j < descending.size and magnitude[descending[j]] >= thresholds[k]:
            index = int(descending[j])
            j += 1
            if len(firsts) < CURVATURE_POINTS or index < firsts[-1]:
                firsts = sorted([*firsts, index])[:CURVATURE_POINTS]
                changed = True
        if changed:  # (np.median's numbers: the middle one, or the mean of the two)
            found = sorted(over[i] for i in firsts)
            value = found[1] if len(found) == 3 else sum(found) / len(found)
        out[k] = value
    return out


def _comes_and_goes(stretch: np.ndarray) -> bool:
    """Whether whole multiples (by ε, smallest first) show steps that come and go: a 0
    after the first step, or more than one multiple, one of them a single step. A single
    jump near w (a step in the loss a distance d away) adds the same multiple at every ε
    beyond d: that is a jump, read as such, not a part's rounding."""
    steps = np.flatnonzero(stretch != 0)
    if steps.size == 0 or np.min(np.abs(stretch[steps])) != 1:
        return False  # (the quantum itself is seen: one step, not only a divisor's multiples)
    after = stretch[steps[0] :]
    return bool(np.any(after == 0) or np.unique(after[after != 0]).size > 1)


CURVATURE_QUANTA = 1e3  # even parts this many quanta large read the curvature
CURVATURE_POINTS = 3  # ... the median of L+ + L− − 2L over ε² at the smallest of them


def _curvature(even: np.ndarray, epsilons: np.ndarray, quantum: float) -> float:
    """L'' read from the even parts at the smallest ε where they are CURVATURE_QUANTA
    quanta or more (a part's steps are then a thousandth of them, its fourth-order term
    far less at such small ε), so that it is taken out before the stretch of whole
    multiples is read: 0 where none is that large."""
    large = np.flatnonzero(np.abs(even) >= CURVATURE_QUANTA * quantum)[:CURVATURE_POINTS]
    if large.size == 0:
        return 0.0
    return float(np.median(even[large] / epsilons[large] ** 2))


def with_quantum_floor(result):
    """``result`` with its round-off floor at least the loss's quantum over ε, and without
    the truncation guides that quantum drowns (``_drowned_guides``); unchanged where the
    loss shows none."""
    quantum = loss_quantum(result)
    if quantum is None:
        return result
    with np.errstate(all="ignore"):
        floor = np.maximum(result.roundoff_floor, quantum / np.asarray(result.epsilons))
    result = replace(result, roundoff_floor=floor)
    drowned = _drowned_guides(result, quantum)
    if not drowned:
        return result
    from fdgui.core.sweep.straddle import _with_references

    guides = {name: curve.truncation_guide for name, curve in result.curves.items()}
    guides.update(dict.fromkeys(drowned))
    return _with_references(result, result.references, guides)


GUIDE_STEP = 2.0 ** (-53 / 5)  # guides.derivative_guides' step h, over max(1, |w|)
GUIDE_SURE = 4.0  # a guide's derivative this many times what the quantum can make of it


def _drowned_guides(result, quantum: float) -> list[str]:
    """The schemes whose truncation guide the quantum makes meaningless: a model's L'' and
    L''' come from five losses h apart (``guides.derivative_guides``), each off by up to the
    quantum Q, so L'' carries up to 4Q/h² and L''' 3Q/h³ of it. A bfloat16 part's rounding
    (1e-4 on a loss near 1, h = 6.4e-4) makes an L''' of 4e5 out of nothing: a "truncation"
    of four times the gradient at ε = 1e-2, where the differences agree to 2 % (review15x
    H1: honest entries "Too coarse to judge"). Such a guide is the rounding's, not the
    loss's: it is dropped, and the truncation the differences themselves show
    (``guides.measured_truncation``) is what the sweep counts. An expression's guides are
    exact (extended precision) and kept."""
    if result.kind in ("expression", "measured") or result.point is None:
        return []
    step = GUIDE_STEP * max(1.0, abs(float(result.point)))
    noise = {"central": 3.0 * quantum / step**3, "forward": 4.0 * quantum / step**2}
    noise["backward"] = noise["forward"]
    derivative = {"central": result.third_derivative, "forward": result.curvature}
    derivative["backward"] = derivative["forward"]
    return [
        name
        for name, curve in result.curves.items()
        if curve.truncation_guide is not None
        and name in noise
        and not (abs(derivative[name] or 0.0) > GUIDE_SURE * noise[name])
    ]
