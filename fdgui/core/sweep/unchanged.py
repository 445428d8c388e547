"""A computed loss that never changes: L+ = L− = L at every ε the sweep formed (review9k HIGH-4).

Such a loss measured nothing, or a derivative of exactly 0 — the values cannot say which.
A term lost in a coarser part of the forward pass (float(np.float32(1e-6·f(u)) +
np.float32(1e4)) + 0.3: float32's spacing near 1e4 is 1e-3, and the float64 "+ 0.3" hides
that format from the result) leaves every loss equal, so a change up to that part's
resolution Q hides at every ε: the derivative is bounded only by Q/ε at the largest ε seen
unchanged. Q is read from the loss's changes where it has any (``flat.loss_resolution``);
with none, nothing shows the format the term was lost in, so Q is the spacing near |L| of
the coarsest format a loss is computed in (bfloat16): a bar narrower than that is not a
bound. Richardson's 0 then carries that bar, and a claim inside it is too coarse to judge,
never wrong.

A loss that moves only at the top of the range (a float32 quantum of L− from ε ≈ 1.6 up,
w = 1.7) is the same below that: a Richardson 0 whose steps all lie where the loss never
changed measured nothing, and its bar is Q over the largest ε seen unchanged (Q: the
smallest change the loss shows, ``flat.loss_resolution``); float64's u·|L|/h (6.3e-11 for
a derivative of 2.4e-6) bounded nothing.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

COARSEST_BITS = 8  # bfloat16's significand: its spacing near |L| is 2^(e − 7)
MIN_UNCHANGED = 5  # formed ε (w ± ε ≠ w) needed to call a loss unchanged


def never_changes(result) -> bool:
    """Whether a computed sweep's loss stayed the same at every ε where w ± ε was formed
    (at least MIN_UNCHANGED of them): L+ = L− = L, all finite."""
    if result.kind == "measured":
        return False
    formed = ~np.asarray(result.vanished, dtype=bool)
    if int(formed.sum()) < MIN_UNCHANGED:
        return False
    loss = float(result.loss)
    values = np.concatenate(
        [
            np.asarray(result.loss_values, dtype=float)[formed],
            np.asarray(result.loss_plus, dtype=float)[formed],
            np.asarray(result.loss_minus, dtype=float)[formed],
        ]
    )
    return bool(np.isfinite(loss) and np.all(values == loss))


def hidden_quantum(loss: float) -> float:
    """The largest change of a loss near ``loss`` that a coarser part of its computation
    could round away: the coarsest format's spacing there (0 at L = 0)."""
    size = abs(float(loss))
    if not np.isfinite(size) or size == 0.0:
        return 0.0
    exponent = int(np.floor(np.log2(size)))
    return float(2.0 ** (exponent - (COARSEST_BITS - 1)))


def largest_unchanged(result, span: float | None = None) -> float:
    """The largest ε at which the loss was seen unchanged (the sweep's, or ``span``)."""
    formed = ~np.asarray(result.vanished, dtype=bool)
    epsilons = np.asarray(result.epsilons, dtype=float)[formed]
    top = float(epsilons.max()) if epsilons.size else 0.0
    return max(top, float(span or 0.0))


def unchanged_bound(result, span: float | None = None) -> float | None:
    """What a loss that never changes bounds the derivative by: the hidden quantum over
    the largest ε seen unchanged; None when the loss changes (or the bound is 0)."""
    if not never_changes(result):
        return None
    quantum = hidden_quantum(result.loss)
    top = largest_unchanged(result, span)
    if not (quantum > 0 and top > 0):
        return None
    return quantum / top


def unchanged_below(result) -> tuple[float, float] | None:
    """(the largest ε of the leading run of formed ε where L+ = L− = L, the smallest formed
    ε above it where the loss moves) of a computed sweep whose loss moves only above such a
    run of at least MIN_UNCHANGED ε; None else (and where it never changes)."""
    if result.kind == "measured":
        return None
    formed = ~np.asarray(result.vanished, dtype=bool)
    epsilons = np.asarray(result.epsilons, dtype=float)[formed]
    loss = float(result.loss)
    with np.errstate(all="ignore"):
        same = (
            (np.asarray(result.loss_values, dtype=float)[formed] == loss)
            & (np.asarray(result.loss_plus, dtype=float)[formed] == loss)
            & (np.asarray(result.loss_minus, dtype=float)[formed] == loss)
        )
    order = np.argsort(epsilons, kind="stable")
    epsilons, same = epsilons[order], same[order]
    moved = np.flatnonzero(~same)
    if not np.isfinite(loss) or moved.size == 0 or moved[0] < MIN_UNCHANGED:
        return None
    return float(epsilons[moved[0] - 1]), float(epsilons[moved[0]])


def _richardson_bound(result, reference) -> tuple[float, float] | None:
    """(the bar a Richardson 0 that measured nothing carries, the largest ε seen unchanged)
    where its steps all lie where the loss never changed (``unchanged_bound``; or the run
    below where it first moves, ``unchanged_below``: Q the smallest change it shows)."""
    if never_changes(result):
        bound = unchanged_bound(result, reference.span)
        return None if bound is None else (bound, largest_unchanged(result, reference.span))
    run = unchanged_below(result)
    span = float(reference.span or 0.0)
    if run is None or not 0.0 < span < run[1]:
        return None  # its steps reach where the loss moves: it measured those changes
    from fdgui.core.sweep.flat import loss_resolution

    top = max(run[0], span)
    quantum = loss_resolution(result)
    if not (quantum > 0 and _quantum_shown(result, run[0])):
        return None  # a kink or a feature past the run: the loss is flat there, not rounded
    return quantum / top, top


FORMAT_BITS = (24, 11, 8)  # float32, float16, bfloat16 significands


def _quantum_shown(result, top: float) -> bool:
    """Whether the loss's first changes above the run where it does not move are a
    coarser part's rounding: the same change at two ε or more (a grid's step stays put),
    or one that is a whole multiple (up to 16) of a coarser format's spacing near |L|
    (a float32 quantum of 3000.3 is 2^-12). A relu's kink past the run (max(w − 0.9, 0)
    at w = 0) changes the loss by ε − 0.9: neither, and its Richardson 0 still judges."""
    formed = ~np.asarray(result.vanished, dtype=bool)
    epsilons = np.asarray(result.epsilons, dtype=float)
    loss = float(result.loss)
    above = formed & (epsilons > top)
    with np.errstate(all="ignore"):
        changes = np.concatenate(
            [
                np.abs(np.asarray(result.loss_plus, dtype=float) - loss)[above],
                np.abs(np.asarray(result.loss_minus, dtype=float) - loss)[above],
            ]
        )
    changes = changes[np.isfinite(changes) & (changes > 0)]
    if changes.size == 0 or not np.isfinite(loss) or loss == 0.0:
        return False
    step = float(np.min(changes))
    if int(np.sum(np.abs(changes - step) <= 1e-9 * step)) >= 2:
        return True
    exponent = int(np.floor(np.log2(abs(loss))))
    for bits in FORMAT_BITS:
        ratio = step / 2.0 ** (exponent - (bits - 1))
        if 1.0 <= ratio <= 16.0 and abs(ratio - round(ratio)) <= 1e-6 * ratio:
            return True
    return False


def with_unchanged_bar(result):
    """``result`` with each trusted Richardson reference of value 0 whose steps all lie
    where the loss never changed widened to what a change there could hide
    (``_richardson_bound``; its limit "unchanged", or "unchanged-below" where the loss moves
    at larger ε); unchanged otherwise."""
    if result.kind == "measured":
        return result
    references = list(result.references)
    changed = False
    for k, reference in enumerate(references):
        if reference.method != "Richardson" or not reference.trusted or reference.value != 0:
            continue
        found = _richardson_bound(result, reference)
        if found is None or not found[0] > float(reference.error):
            continue
        bound, top = found
        never = never_changes(result)
        hides = "the spacing of a coarser format near |L|" if never else "its smallest change"
        references[k] = replace(
            reference,
            error=bound,
            limit="unchanged" if never else "unchanged-below",
            note=f"{reference.note}; the loss never changed at any ε up to "
            f"{top:.2g}, so a change up to {hides} may hide there: its bar is that over ε",
        )
        changed = True
    if not changed:
        return result
    from fdgui.core.sweep.straddle import _with_references

    return _with_references(result, tuple(references))
