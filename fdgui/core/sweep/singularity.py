"""How far from w an expression's nearest singularity lies, read from its Taylor coefficients
where an additive term cannot reach them (docs/DIAGNOSIS.md, Richardson; review10j C2).

Richardson's h² law D(h) = L' + L'''·h²/6 + L⁽⁵⁾·h⁴/120 + … holds only for steps within the
Taylor series' radius: a pole (or a log or root singularity) of L at distance d ends it there.
The coefficients a_k = L⁽ᵏ⁾(w)/k! of one such singularity of order m satisfy, exactly,
a_k/a_{k−1} = α·(1 + (m − 1)/k) with |α| = 1/d (the Domb–Sykes line: a simple pole gives a
constant ratio, 1/(w − c)² the factor (k + 1)/k, log|w − c| the factor (k − 1)/k, a square root
(k − 3/2)/k). A polynomial added to L (1e6·w, a constant) changes only the coefficients up to
its degree, and an entire function's (exp, sin) fall like 1/k!, so the highest coefficients
are the singularity's alone: four consecutive ratios at orders 4…7 on one line in 1/k, whose
value at k → ∞ is 1/d. An entire function's ratios run to 0 (exp(50·w): 50/k), a sine's
alternate, two singularities at a like distance scatter: no line, no reading.
"""

from __future__ import annotations

from dataclasses import dataclass

from fdgui.core.sweep.budget import unavailable_then

ORDERS = 7  # the highest derivative read; the line is fitted through the ratios at 6 and 7
CHECKED = 2  # further ratios below them (orders 4 and 5) that must lie on the line
LINE_TOLERANCE = 0.05  # relative: one singularity puts them on it exactly
DIGITS = 12  # mpmath's digits for the derivatives (it works at more internally)


@dataclass(frozen=True)
class Singularity:
    distance: float  # |w − the singularity|
    order: float  # m: a pole of order m (1, 2, …), 0 for log, −1/2 for a square root

    @property
    def pole(self) -> bool:
        return self.order > 0.5


def taylor_coefficients(text: str, w: float, orders: int = ORDERS) -> list | None:
    """a_k = L⁽ᵏ⁾(w)/k! for k = 0…orders (float64 constants, as Richardson's losses have them;
    mpmath numbers), or None where a branch switches at w or L is undefined there."""
    import mpmath as mp

    from fdgui.core.sweep.extended import Undefined, _dual, _tree, evaluate

    try:
        if any(a == 0 for a, _ in evaluate(text, w).switches):
            return None  # a kink at w: no derivatives beyond the first
        tree = _tree(text)

        def function(x):
            return _dual(tree, x, mp, [], 0)[0]

        with mp.workdps(DIGITS):
            derivatives = list(mp.diffs(function, mp.mpf(float(w)), orders))
            coefficients = [d / mp.factorial(k) for k, d in enumerate(derivatives)]
    except (Undefined, ZeroDivisionError, ValueError, OverflowError):
        return None
    if any(isinstance(c, mp.mpc) or not mp.isfinite(c) for c in coefficients):
        return None
    return coefficients


def domb_sykes(coefficients: list) -> Singularity | None:
    """The singularity the highest coefficients show (module docstring), or None where their
    ratios do not lie on one line in 1/k, or that line runs to 0 (no singularity near)."""
    import mpmath as mp

    top = len(coefficients) - 1
    orders = range(top - CHECKED - 1, top + 1)
    if orders.start < 2 or any(coefficients[k - 1] == 0 for k in orders):
        return None
    with mp.workdps(DIGITS):
        ratio = {k: coefficients[k] / coefficients[k - 1] for k in orders}
        limit = top * ratio[top] - (top - 1) * ratio[top - 1]  # the line's value at 1/k = 0
        slope = (ratio[top] - limit) * top
        for k in orders[:CHECKED]:
            if abs(limit + slope / k - ratio[k]) > LINE_TOLERANCE * abs(ratio[k]):
                return None
        if limit == 0 or abs(limit) < LINE_TOLERANCE * abs(ratio[top]):
            return None  # the ratios fall towards 0 like 1/k: an entire function's
        return Singularity(float(1 / abs(limit)), float(1 + slope / limit))


@unavailable_then(lambda why: None)
def nearest_singularity(text: str, w: float) -> Singularity | None:
    """The singularity nearest w that the expression's highest Taylor coefficients show
    (``domb_sykes``; float64 constants, as Richardson's float64 losses have them), which an
    additive term (1/(w − c) + 1e6·w, tan(w) + K) cannot hide; None where they show none, or
    beyond the extended-precision budget. Some 10-50 ms for an expression of a dozen terms
    (nine evaluations at hundreds of digits), so it is read only where a cheaper test asks."""
    coefficients = taylor_coefficients(text, w)
    return None if coefficients is None else domb_sykes(coefficients)
