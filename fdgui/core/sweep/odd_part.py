"""The part of L+ + L− odd in ε, read from measured rows that give no loss at w.

A loss smooth about w has L(w+ε) + L(w−ε) even in ε. Past a kink between w and the
smallest ε — L = P + Q(x − w − d)·[x > w + d] with P, Q smooth, Q(0) = 0, |d| below every
ε — the sum gains Q's part odd in ε, B·ε + B₃·ε³ + …, and the central differences' limit
(their part even in ε, S) is off the slope at w by exactly B/2 (S − B/2 with w on P's
side, S + B/2 on the other): Q(ε − d)/(2ε) adds B/2 to the even part of the differences,
and the same Q(ε − d) adds B·ε to the sum. So the rows bound the jump such a kink can
hide *whatever its distance from w* (J·d alone, which the central differences see, does
not: it goes to 0 as the kink nears w): the truth lies within max |B|/2 of S, the largest
|B| of any C + B·ε + m·ε² passing every row's L+ + L− within its ± (the constant is
2L(w), which the table does not give; m is L'' and the jump of Q''). ``measured`` adds
that room to the bar of rows with no loss at w.
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np

ODD_ROWS = 10  # the smallest rows read
LAWS = ((0, 1, 2), (0, 1, 2, 4))  # C + B·ε + m·ε², then with the even part's ε⁴ term too


def odd_slope_bound(steps: np.ndarray, sums: np.ndarray, noise: np.ndarray) -> float:
    """The largest |B| of ``odd_slope_range``."""
    low, high = odd_slope_range(steps, sums, noise)
    return max(abs(low), abs(high))


def odd_slope_range(steps: np.ndarray, sums: np.ndarray, noise: np.ndarray) -> tuple[float, float]:
    """The least and largest B of C + B·ε + m·ε² through every row's sum ± its ``noise``
    (rows sorted by ε, ``sums`` L+ + L− less the smallest row's, exact differences rounded
    once). A range that excludes 0 needs a kink (or a scale below the rows) to explain it.

    A linear programme whose optimum lies on a vertex where as many rows as the law has
    terms are tight: every such set of rows, each at +± or −±, is solved and the vertices
    every row admits are kept. When the rows break the law (no vertex passes all), the
    even part's ε⁴ term joins it (with a row to spare, so that the law is still tested),
    and when that breaks too the largest row is dropped, down to four rows (three, which
    any C + B·ε + m·ε² passes, only when they are every row). (−inf, inf) with fewer than
    three rows, when no checked law holds, or no finite answer."""
    found = law_range(steps, sums, noise, LAWS, 1, unchecked_first=True)
    if found is None:
        found = _three_rows_range(steps, sums, noise)
    return (float("-inf"), float("inf")) if found is None else found


MISSING_POWERS = (3, 4)  # a bending branch's odd ε³, the even part's ε⁴
MIXED_TERMS = 2.0  # the other power may offset part of the fourth row's residual


def _three_rows_range(steps, sums, noise) -> tuple[float, float] | None:
    """B of C + B·ε + m·ε² through the three smallest rows when every checked law broke:
    that fit passes any three rows, and the term that broke the law on the fourth (a·ε^p)
    moves its B by a·c_p, c_p the B of the same fit through ε^p. The fourth row's miss
    bounds a (its residual over p's own), so B is widened by the larger of p = 3, 4 (twice:
    the two may offset each other's residual). A branch J·t + N·t³ of a kink whose N·ε²
    cancels J over the three smallest rows (review10g F1) thus keeps its room."""
    order = np.argsort(steps)[:4]
    if order.size < 4:
        return None
    h, s, n = (np.asarray(a, dtype=float)[order] for a in (steps, sums, noise))
    three = _vertex_range(h[:3], s[:3], n[:3], LAWS[0], 1)
    if three is None or not (np.all(np.isfinite(s)) and np.all(np.isfinite(n))):
        return None
    with np.errstate(all="ignore"):
        design = np.stack([h[:3] ** 0, h[:3], h[:3] ** 2], axis=-1)
        inverse = np.linalg.inv(design)
        at_fourth = np.array([1.0, h[3], h[3] ** 2]) @ inverse  # the fit's value at row 4
        miss = abs(s[3] - at_fourth @ s[:3]) + n[3] + np.abs(at_fourth) @ n[:3]
        widen = 0.0
        for p in MISSING_POWERS:
            c = inverse[1] @ h[:3] ** p
            residual = h[3] ** p - at_fourth @ h[:3] ** p
            widen = max(widen, MIXED_TERMS * miss * abs(c / residual))
    if not np.isfinite(widen):
        return None
    return three[0] - widen, three[1] + widen


def law_range(
    steps: np.ndarray,
    values: np.ndarray,
    noise: np.ndarray,
    laws: tuple[tuple[int, ...], ...],
    term: int,
    unchecked_first: bool = False,
    drop: bool = True,
) -> tuple[float, float] | None:
    """The least and largest coefficient ``term`` (of ε^laws[·][term]) of the first law in
    ``laws`` (a tuple of powers of ε) that passes every row's value ± its ``noise``, over
    the smallest ODD_ROWS rows, dropping the largest row while none does. Each law needs a
    row more than its terms (so that it is tested), except the first when
    ``unchecked_first`` over every row (as many rows as terms: it always passes); no row
    dropped unless
    ``drop``. None when none holds."""
    order = np.argsort(steps)[:ODD_ROWS]
    h, s, n = (np.asarray(a, dtype=float)[order] for a in (steps, values, noise))
    if not (np.all(np.isfinite(s)) and np.all(np.isfinite(n))):
        return None
    for count in range(h.size, 0 if drop else h.size - 1, -1):
        for number, powers in enumerate(laws):
            # an unchecked law only over every row read: after dropping rows it would fit
            # any B through three of them (review10g F1: a kink's branch J·t + N·t³ whose
            # N·ε² cancels J over the three smallest rows read as no kink, 43 bars off)
            spare = 0 if (unchecked_first and number == 0 and count == h.size) else 1
            if count < len(powers) + spare:
                continue
            found = _vertex_range(h[:count], s[:count], n[:count], powers, term)
            if found is not None:
                return found
    return None


def _vertex_range(
    h: np.ndarray, s: np.ndarray, n: np.ndarray, powers: tuple[int, ...], term: int
) -> tuple[float, float] | None:
    """min and max of coefficient ``term`` over the feasible set's vertices (None: no
    vertex passes every row)."""
    scale = float(h[-1])
    x = h / scale
    # values are moved by the first row's when the law has a constant to take it back;
    # a law without one (the even part's m·ε² + n·ε⁴) fits the values themselves
    shift = float(s[0]) if 0 in powers else 0.0
    y = s - shift
    terms = len(powers)
    chosen = np.array(list(combinations(range(x.size), terms)), dtype=int)
    signs = np.array(list(product((-1.0, 1.0), repeat=terms)), dtype=float)
    design = np.stack([x[chosen] ** p for p in powers], axis=-1)  # (T, k, k)
    rhs = y[chosen][:, None, :] + signs[None, :, :] * n[chosen][:, None, :]  # (T, 2^k, k)
    with np.errstate(all="ignore"):
        try:
            solved = np.linalg.solve(design[:, None, :, :], rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:
            return float("-inf"), float("inf")
        fitted = sum(solved[..., i : i + 1] * x**p for i, p in enumerate(powers))
        slack = n * (1.0 + 1e-9) + 1e-12 * float(np.max(np.abs(y)) + np.max(n))
        slack = slack + 8.0 * 2.0**-53 * abs(shift)
        inside = np.all(np.abs(fitted - y) <= slack, axis=-1) & np.all(np.isfinite(solved), axis=-1)
    if not inside.any():
        return None
    found = solved[..., term][inside] / scale ** powers[term]
    if powers[term] == 0:
        found = found + shift
    return float(np.min(found)), float(np.max(found))


def vertex_range(
    h: np.ndarray, s: np.ndarray, n: np.ndarray, powers: tuple[int, ...], term: int
) -> tuple[float, float] | None:
    """``_vertex_range`` (rows sorted by ε): the least and largest coefficient ``term`` of
    the law ``powers`` through every row within its ±; None when no vertex passes them."""
    return _vertex_range(h, s, n, powers, term)
