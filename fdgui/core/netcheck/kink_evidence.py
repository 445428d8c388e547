"""Evidence of a kink: one-sided slopes whose difference does not shrink with the step.

The first look excuses a disagreement as a kink inside ±ε when the central difference at
ε/16 (or a one-sided slope extrapolated to a zero step) agrees with the gradient within
that step's window. For a float32 loss that window is sixteen times the first one's
round-off: a smooth tanh net's 3 % bug was excused so ("Kink (explained)") while 1.5 %,
2 %, 2.5 %, 4 % and 6 % on the same entry failed (review9k HIGH-5) — a refined difference
landing on the claim by chance is no evidence that there is a kink.

A smooth loss's one-sided slopes differ by its curvature times the step: the second
differences (ΔL+ + ΔL−)/s² at s = ε and ε/16 are both L'' (to L''''·s², far below). A kink
crossed within ±ε adds its slope change times (ε − d) to ε's sum, and not in proportion at
ε/16 — the difference of the one-sided slopes does not shrink with the step. Only where the
two second differences differ by more than KINK_BARS times their round-off (and the loss's
noise) is a kink evidenced; elsewhere the entry is no kink and goes to the second look.
Asked only for a loss coarser than its float64 check (``forward._find_kinks``): a float64
loss's refined window is narrow, and asking there made correct relu nets fail.
"""

from __future__ import annotations

import numpy as np

KINK_BARS = 3.0  # second differences this many round-off bars apart show a kink


def evidenced(plus, minus, step, plus2, minus2, small, roundoff: float, noise: float):
    """Whether the one-sided changes (ΔL± at ±step, ΔL2± at ±small) show a kink within the
    steps (module doc). ``roundoff``: one loss value's round-off; ``noise``: the loss's
    noise width (NOISE_WIDTH·σ)."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        bend = (plus + minus) / step**2
        bend2 = (plus2 + minus2) / small**2
        spread = 4 * roundoff + 4 * noise  # ΔL+ + ΔL−: three values' rounding, and noise
        allowed = KINK_BARS * (spread / step**2 + spread / small**2)
        return np.abs(bend - bend2) > allowed
