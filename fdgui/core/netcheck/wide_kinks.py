"""Which wide-window pair may call an entry of a model with kinks wrong (review12n C6).

The wide window (``wide_window``) climbs rungs s = ε·2^j and decides at the pair with the
narrowest Richardson bar. In a model that may have kinks that pair can lie beyond kinks on
both sides of w: a relu net under a 3e9 offset (one loss value rounds at 2.4e-7) resolves
a slope of 0.035 only at steps of 1e-3 and more, past a kink 3.1e-4 away on one side and
others a few 1e-3 away on the other; the loss is piecewise smooth beyond them, the bar there
is narrow, and both sides' slopes there exclude a correct gradient — a correct relu net
failed "wrong (estimate's bar)". So for such a model "wrong" is decided at the narrowest
pair among those up to which the first look's ε and the rungs follow a smooth loss's forms
(``ladder_kinks.smooth_up_to``: the central and second differences three rungs at a time
within their round-off), with the sides test at that pair or below it, and refuted where
any pair reproduces g within a bar under half the disagreement. Where no such pair resolves
the disagreement the entry is left to the window (undecided when it was loose): the data
cannot tell a bug from the kink.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck import ladder_kinks

WRONG_BARS = 2.0  # as estimate_verdict.WRONG_BARS


def smooth_pair(pair: dict, first_look, base: np.ndarray, r: np.ndarray, g: np.ndarray) -> dict:
    """(value, bar, h, narrow, wide, wrong) per entry of the narrowest pair that is smooth from
    the first ε up to its wider rung; ``wrong``: that pair is off g by more than WRONG_BARS
    bars, its sides (or a pair's below it) exclude g, and no pair reproduces g within a bar
    under half the disagreement. ``pair``: ``wide_window._ladder``'s record (its ``pairs``:
    (wider step, estimate, bar, narrow, wide, sides exclude) per pair; ``rungs``: (ΔL+, ΔL−,
    s, s) per rung); ``first_look``: ΔL± at ε (``base``)."""
    n = base.size
    points = ladder_kinks.Points.of(first_look, base, pair["rungs"], r, 0.0)
    found = {name: np.full(n, np.nan) for name in ("value", "bar", "h", "narrow", "wide")}
    found["bar"][:] = np.inf
    sides = np.zeros(n, dtype=bool)
    sides_to = np.zeros(n, dtype=bool)
    for number, (s2, estimate, bar, narrow, wide, here) in enumerate(pair["pairs"]):
        sides |= here  # some pair up to this one
        # this pair's wider rung is point number + 2 (point 0 the first ε, rung j point j)
        clean = ladder_kinks.smooth_up_to(points, np.full(n, number + 2))
        with np.errstate(invalid="ignore"):
            better = clean & np.isfinite(bar) & (bar < found["bar"])
        for name, mine in (("value", estimate), ("bar", bar), ("narrow", narrow), ("wide", wide)):
            found[name] = np.where(better, mine, found[name])
        found["h"] = np.where(better, s2, found["h"])
        sides_to = np.where(better, sides, sides_to)
    with np.errstate(invalid="ignore", over="ignore"):
        off = np.abs(found["value"] - g)
        refuted = np.zeros(n, dtype=bool)
        for _, estimate, bar, *_rest in pair["pairs"]:
            refuted |= (np.abs(estimate - g) <= bar) & (bar < off / 2)
        usable = np.isfinite(found["value"]) & np.isfinite(found["bar"])
        found["wrong"] = usable & (off > WRONG_BARS * found["bar"]) & sides_to & ~refuted
    return found
