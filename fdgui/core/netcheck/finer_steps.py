"""Steps below the second look's smallest, for a kink nearer than ε/256 (not smooth models).

The second look (``reexamine``) lets the smallest of its small steps (ε/8 … ε/256) that
decides a disagreement decide it: a kink beside w is passed once a step no longer reaches
it. A relu unit whose input is 4e-9 from 0 at θ0 is reached by every one of them (ε/256 ≈
1.9e-8): its entries disagree at every such step — or their one-sided change stops
shrinking where the unit dies (a "jump") — though steps of 1e-9 reproduce the correct
gradient to 1e-8 (review_final19 CRITICAL-2).

So an entry still called wrong, or a jump, after the small steps is looked at with steps
ε·4^-k (k = 5, 6, …) down to the step whose round-off window would swallow the
disagreement itself (no step below it can refute anything). A wrong gradient disagrees at
each of them as at ε; a kink or a unit dying beside w is passed at some step, where the
gradient is reproduced within that step's window, and the same rule decides.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.reexamine import JUMP, NOISE_WIDTH, WRONG

FINER_STEPS = tuple(4.0**-k for k in range(5, 21))  # ε/1024 … ε/4^20 (≈ 1e-12·ε)
ROOM = 4.0  # a step is worth taking where its round-off window is under 1/ROOM of the
# disagreement (a refutation needs the disagreement to exceed both windows and the offset)


def still_suspect(codes: np.ndarray, smooth: bool) -> np.ndarray:
    """Positions (in the chosen entries) the finer steps look at: entries of a model that
    is not smooth still called wrong, and suspected jumps of any model."""
    wrong = np.isin(codes, WRONG) & (not smooth)
    return np.flatnonzero(wrong | (codes == JUMP))


def worth_taking(
    first: np.ndarray, epsilon: np.ndarray, roundoff: float, sigma: float
) -> dict[float, np.ndarray]:
    """{factor: which entries take the step factor·ε}: those whose disagreement ``first``
    at ε is at least ROOM times that step's round-off window (``roundoff``: a loss change's
    round-off; ``sigma``: the loss's noise)."""
    found = {}
    for factor in FINER_STEPS:
        step = epsilon * factor
        with np.errstate(divide="ignore", invalid="ignore"):
            window = (roundoff + NOISE_WIDTH * sigma) / step
        wanted = np.isfinite(first) & (ROOM * window < first) & (step > 0)
        if not wanted.any():
            break
        found[factor] = wanted
    return found
