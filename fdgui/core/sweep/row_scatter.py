"""The round-off measured rows show beyond their stated ± (``measured._run_reference``).

Each row's ± is the round-off of the format the losses came from, u·|L| per loss. A loss
computed from an intermediate larger than itself rounds like that intermediate: sin(K·x)
rounds K·x to ulp(K·x), a float32 sum of many terms rounds each partial sum. Rows at steps
of a few ulps of that intermediate then carry errors hundreds of times their stated ±, and
the smallest of them can share one bias (the step rounded the same way each time): three
to five agree with one another and a run of the h² law built from them looks converged
while its limit is off by a hundred bars (review10k CRITICAL-1).

The rows above such a run show it: they should follow the run's law D = V + c·ε², within
the run's bar, their own ± and the h² term itself (the next orders can be as large as it
where the law starts to break). A row that departs by more, while a larger row departs by
less than truncation would make it (truncation grows at least like ε²; round-off shrinks
like 1/ε), is round-off beyond the stated ±: the run is not converged, and the loss error
that row shows, its departure times its ε, is added to every row's ± (a loss's round-off
is about the same at every step, so it moves a central difference by δ/ε).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from fdgui.core.numbers import format as numbers
from fdgui.core.sweep.references import ROOM_NOTE, ReferenceValue

# rows above a run read for its departures (the law's h⁴ terms grow beyond them)
ABOVE = 4
# a larger row's departure must fall this far below ε²-growth to call the first round-off
TRUNCATION_GROWTH = 4.0
# the rows above a run that keep within this share of their own value are not past the
# loss's scale (there central differences fall like 1/ε: half their value over a factor 2)
LEVEL_SHARE = 0.25


@dataclass
class ScatterLog:
    """The loss errors the readings of a reference found (``measured._rows_richardson``),
    each at most ``most``: a loss computed in a format of unit round-off u is taken to be
    off by at most u^¼ of the largest the rows give (1e-4 in float64, 0.02 in float32: an
    intermediate up to u^-¾ times it, sin(K·x) with K·x to 2.5e5 in float32); rows
    whose scatter would need more show a structure of the loss (a tanh turning back past
    its scale on rows rounded once from exact values), not round-off."""

    most: float
    found: list[float] = field(default_factory=list)
    # the readings a loss error found here overruled: each run's reference under the rows'
    # ± before it (``measured._run_reference``), which the widened reading's bar must hold
    overruled: list = field(default_factory=list)

    def add(self, loss_error: float) -> bool:
        """Record ``loss_error`` when it is positive and within ``most``; whether it was."""
        if not 0.0 < loss_error <= self.most:
            return False
        self.found.append(loss_error)
        return True

    def forget_since(self, mark: int) -> None:
        """Drop the readings recorded since ``found`` held ``mark`` entries: a shorter run
        of the same rows passed every check within the rows' ± — the rows above it
        included — so what the longer runs read (their c's going up and down, rows above
        them departing) came through the rows it drops, past the loss's scale (softplus of
        50·x read to ε = 0.06, a sigmoid of 50·x to 0.016), not through round-off of the
        rows it keeps (review12t C3: read as round-off it widened every row's ± 1e6-fold,
        and a bar of 9 % confirmed a 1 % bug over rows converging to 1e-8)."""
        del self.found[mark:]


def largest_loss_error(unit_roundoff: float, losses: np.ndarray) -> float:
    """``ScatterLog.most`` for ``losses`` (the rows' |L±|) in a format of ``unit_roundoff``:
    u^¼ of the largest finite one (a loss near a zero of sin(K·x) is as inaccurate as its
    larger neighbours); 0 for exact digits (they are what was typed)."""
    finite = losses[np.isfinite(losses)]
    return float(unit_roundoff**0.25 * np.max(finite)) if finite.size else 0.0


def run_departure(
    steps: np.ndarray,
    estimates: np.ndarray,
    noise: np.ndarray,
    size: int,
    value: float,
    error: float,
) -> float:
    """The loss error (δ: each central difference off by up to δ/ε) the rows above a run of
    the ``size`` smallest rows (``steps`` ascending, central differences ``estimates`` ±
    ``noise``) show beyond their ±, read from the first row that departs from the run's law
    V + c·ε² (``value``, c through the run's largest row) by more than the run's ``error``,
    its own ± and the h² term there, while a larger row departs by less than truncation
    growing like ε² would make it, and it stays within LEVEL_SHARE of the run's value (rows
    past the loss's scale, a saturating tanh, level off far from it); 0 when no row does.
    Rows past a ripple's scale depart the same way (their truncation stops growing), and
    rows above a run of steps a few ulps apart that share one bias (``holding_overruled``
    keeps both readings in the bar)."""
    h, d, n = (np.asarray(a, dtype=float) for a in (steps, estimates, noise))
    if size < 2 or size >= h.size:
        return 0.0
    if not (np.isfinite(value) and np.isfinite(error)):
        return 0.0
    top = size - 1
    with np.errstate(all="ignore"):
        c = (d[top] - value) / h[top] ** 2
        off = np.abs(d - (value + c * h**2))
        allowed = np.abs(c) * h**2 + error + n
    if not np.isfinite(c):
        return 0.0
    for j in range(size, min(size + ABOVE, h.size)):
        if not (np.isfinite(off[j]) and off[j] > allowed[j]):
            continue
        if not abs(d[j] - value) <= LEVEL_SHARE * abs(value):
            break  # past the loss's scale (a branch levelling off far from the run's value)
        later = np.arange(j + 1, h.size)
        with np.errstate(all="ignore"):
            growth = off[j] * (h[later] / h[j]) ** 2
            shrinks = TRUNCATION_GROWTH * off[later] < growth
        if np.any(shrinks & np.isfinite(off[later])):
            # the run's bias were it rounding: the rows above depart by it, less their own
            # (at most its share at their larger ε); the first may sit at a kink's edge
            near = np.arange(j, min(j + ABOVE, h.size))
            with np.errstate(all="ignore"):
                level = np.abs(d[near] - value) <= LEVEL_SHARE * abs(value)
            gap = float(np.nanmax(off[near[level]])) if level.any() else float(off[j])
            if _no_shared_bias(h[:size], n[:size], gap, abs(d[j])):
                return 0.0  # the run's rows agree over a span no rounding keeps them to
            return float(off[j] * h[j])
    return _flat_above(h, d, n, size, c, value)


# a shared bias b of a run's rows spanning S in ε is no rounding of their steps beyond b·S
# above this (see _no_shared_bias)
SHARED_BIAS_SPAN = 2.0


def _no_shared_bias(h: np.ndarray, n: np.ndarray, gap: float, level: float) -> bool:
    """Whether the run's rows (ε ``h`` ascending, own ± ``n``) cannot share one bias of
    ``gap`` (their departure from the rows above, whose value is ``level``) through rounding.
    Rows share a bias where an intermediate rounds each step to a grid of q (sin(K·x) in
    float32: K·(x ± ε) rounded to ulp(K·x), every step a few ulps off by the same factor):
    the relative bias b = gap/level at a step ε is at most q/(2ε), so b at the run's largest
    row needs q ≥ 2·b·ε_top, and its smallest row, a step of at least q/2 (a smaller one
    rounds to nothing or to a whole q), needs ε_min ≥ b·ε_top: b·S ≤ 1 over a span
    S = ε_top/ε_min. The gap is read as the largest departure of the next rows above, whose
    own bias (at most b·ε_top/ε) may add up to b again: hence the factor SHARED_BIAS_SPAN.
    Rows that resolve the gap (own ± under half of it) and agree over a span with b·S
    beyond it read the derivative there; the rows above them are past
    a feature of the loss (a kink 1e-9 from w: float64 rows below it over three decades,
    b = 5 %, b·S = 50; review13v C3: read as round-off, the rows above it set the bar)."""
    if not (np.isfinite(gap) and np.isfinite(level) and level > 0.0):
        return False
    resolving = np.flatnonzero(np.isfinite(n) & (n < gap / 2.0))
    if resolving.size < 2:
        return False
    span = float(h[resolving[-1]] / h[resolving[0]])
    return gap / level * span > SHARED_BIAS_SPAN


def _flat_above(
    h: np.ndarray, d: np.ndarray, n: np.ndarray, size: int, c: float, value: float
) -> float:
    """The loss error the run's rows carry when the rows above it (``size`` onwards, the
    next ABOVE) stay level where the run's law D = V + c·ε² says they change: between the
    first of them, j, and a row k at least twice its ε the law moves D by |c|·(ε_k² − ε_j²);
    rows that change by less than a TRUNCATION_GROWTH-th of that beyond their ±, and by less
    than LEVEL_SHARE of their value, near the run's own value ``value`` (not past the loss's
    scale, where a saturating branch levels off far from it), do not carry the run's h²
    term: the run's c came from round-off (a float32 sine whose three smallest rows, one
    to three ulps of w, sit 8 % from the rows above them). Then each run row i is off by
    its distance from row j: the loss error is the largest |D_i − D_j|·ε_i. 0 otherwise."""
    j = size
    if not abs(d[j] - value) <= LEVEL_SHARE * abs(value):
        return 0.0
    for k in range(j + 1, min(j + ABOVE, h.size)):
        if not h[k] >= 2.0 * h[j]:
            continue
        change = abs(d[k] - d[j])
        law = abs(c) * (h[k] ** 2 - h[j] ** 2)
        if change + n[j] + n[k] < law / TRUNCATION_GROWTH and change <= LEVEL_SHARE * abs(d[j]):
            with np.errstate(all="ignore"):
                needed = np.abs(d[:size] - d[j]) * h[:size]
                error = np.max(needed)
            if _limit_of_its_own(h[:size], needed, n[:size]):
                return 0.0
            return float(error) if np.isfinite(error) else 0.0
    return 0.0


# the loss error a run's largest row needs, over what its rows this many times smaller in ε
# need (with their ±), beyond which their offset is a limit of their own, not round-off
SPAN_GROWTH = 8.0


def _limit_of_its_own(h: np.ndarray, needed: np.ndarray, n: np.ndarray) -> bool:
    """Whether the run's rows (ε ascending) sit apart from the level rows above by an offset
    that, as a loss error (``needed``: each row's distance times its ε), grows with ε over
    the run: some row needs more than SPAN_GROWTH times what every row of at most
    1/SPAN_GROWTH its ε needs with its ±. A loss's round-off is about the same at every step
    (a few steps of a few ulps can share one bias: a float32 sine's three smallest rows at
    one to three ulps), so a run whose offset stays while ε grows eightfold or more has a
    limit of its own, and the rows above level off past the loss's scale (softplus of 100·x,
    a ripple of period 0.02: review12t C2/C3, read as round-off, they widened every row's ±
    until the rows past the scale set the bar and the exact gradient was "wrong")."""
    with np.errstate(all="ignore"):
        shown = needed + n * h
        for j in range(h.size):
            small = h <= h[j] / SPAN_GROWTH
            if np.any(small) and needed[j] > SPAN_GROWTH * np.max(shown[small]):
                return True
    return False


SCATTER_SAFETY = 2.0  # a least-squares residual understates the error of the row it is at
LAW_POWERS = (0, 1, 2)  # the smooth law D = V + c·ε² + e·ε⁴ the scatter is read about


def scatter_error(steps: np.ndarray, estimates: np.ndarray, noise: np.ndarray) -> float:
    """The loss error (δ: each central difference off by up to δ/ε) that the rows (ε
    ascending, at least four) show beyond their ± about the smooth law D = V + c·ε² + e·ε⁴
    fitted through them (weighted by their ±): SCATTER_SAFETY times the largest excess of a
    row's residual over its ±, times its ε; 0 when every row lies within its ±. Read where
    the law's checks fail by round-off (the three smallest rows already break it) or where
    a run's c's go up and down beyond their ± (``run_law.ZIGZAG``): numpy's sin(3x) + eˣ
    rounds 3x, so its rows follow the h² law to five digits but not to their stated ±
    (review10k HIGH-2)."""
    h, d, n = (np.asarray(a, dtype=float) for a in (steps, estimates, noise))
    usable = np.isfinite(h) & np.isfinite(d) & np.isfinite(n) & (n > 0.0) & (h > 0.0)
    h, d, n = h[usable], d[usable], n[usable]
    if h.size <= len(LAW_POWERS):
        return 0.0
    x = (h / np.max(h)) ** 2
    design = np.stack([x**p for p in LAW_POWERS], axis=-1)
    with np.errstate(all="ignore"):
        fit, *_ = np.linalg.lstsq(design / n[:, None], d / n, rcond=None)
        excess = np.abs(d - design @ fit) - n
    if not np.all(np.isfinite(excess)) or not np.any(excess > 0.0):
        return 0.0
    return SCATTER_SAFETY * float(np.max(excess * h))


# a row is a reading of the derivative for ``holding_overruled`` when its own ± is within
# this share of the value (the resolving rule's |T|/8: a bar that could confirm)
READING_SHARE = 0.125


def holding_overruled(
    found: ReferenceValue,
    overruled: list[ReferenceValue],
    rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> ReferenceValue:
    """``found`` (read with every row's ± widened by the round-off the rows showed) with its
    bar reaching what that round-off overruled. Which reading is right the rows cannot say —
    a loss error shared by the smallest steps (a float32 sine's rows at a few ulps) or a
    feature of the loss the larger rows are past (a ripple of period 0.02 below ε = 0.03:
    the widened rows read the smooth part's slope 0.745 ± 0.14, the smallest six
    1.0419 ± 0.014, the truth 1.04167; review12t C2) — so the bar holds both, and the bar
    without the room for a kink does too (it refutes through ``side_slopes``):

    - every trusted reading ``overruled``: a run of the smallest rows that passed every check
      within their own ± and was set aside only because rows above it departed from its law;
    - every row of ``rows`` (ε ascending, central differences, each one's own ± before the
      widening) up to the run's largest ε whose own ± resolves the derivative (within
      READING_SHARE of the value) and where the widened law V + c·ε² puts its truncation
      within that ±: such a row, within its own ±, reads the derivative, and a departure
      beyond it is no truncation the law explains (a ripple of period 7e-4 in float32 rows:
      rows at ε ≈ 1e-4 two or three of their ± off the value the widened rows extrapolated
      from ε ≈ 0.01, and the exact gradient refuted through the columns' slopes)."""
    if not found.trusted:
        return found
    others = [
        (o.value, o.error, o.error if o.without_room is None else o.without_room)
        for o in overruled
        if o.trusted
    ]
    if rows is not None:
        others += [(value, bar, bar) for value, bar in _reading_rows(found, *rows)]
    reach = _reach(found.value, found.error, [(value, bar) for value, bar, _ in others])
    rest = found.without_room
    if rest is not None:  # with no kink near w: each reading's bar without its room
        rest = _reach(found.value, float(rest), [(value, bar) for value, _, bar in others])
    wider = reach > found.error
    if not wider and (rest is None or not rest > float(found.without_room)):
        return found
    apart = max(others, key=lambda other: abs(other[0] - found.value))
    note = found.note
    if found.kink is not None and not 2.0 * found.kink > reach:
        note = note.replace(ROOM_NOTE, "")
    which = "its ±" if wider else "its ± without the room for a kink"
    return replace(
        found,
        error=max(reach, found.error),
        without_room=rest,
        note=f"{note}; {which} reaches what the smallest rows read within their own ± "
        f"({numbers.significant(apart[0], 8)} ± {numbers.significant(apart[1], 2)}), which "
        "only the rows above them, read as round-off, set aside",
    )


def _reading_rows(
    found: ReferenceValue, steps: np.ndarray, estimates: np.ndarray, own: np.ndarray
) -> list[tuple[float, float]]:
    """(D, its own ±) of the rows ``holding_overruled`` reads as readings of the derivative."""
    h, d, n = (np.asarray(a, dtype=float) for a in (steps, estimates, own))
    usable = np.isfinite(h) & np.isfinite(d) & np.isfinite(n)
    if found.largest is not None:
        usable &= h <= found.largest
    h, d, n = h[usable], d[usable], n[usable]
    if not h.size:
        return []
    top = int(np.argmax(h))
    with np.errstate(all="ignore"):
        c = (d[top] - found.value) / h[top] ** 2
        reading = (n <= READING_SHARE * abs(found.value)) & (np.abs(c) * h**2 <= n)
    return [(float(value), float(bar)) for value, bar in zip(d[reading], n[reading], strict=True)]


def _reach(value: float, error: float, others: list[tuple[float, float]]) -> float:
    """The half-width about ``value`` of the hull of value ± error and every other ± in
    ``others``."""
    return max([error] + [abs(centre - value) + bar for centre, bar in others])
