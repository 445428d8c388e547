"""σ of a noisy loss, measured well enough for the windows it sets (review9h #2).

The check first evaluates a few repeats (``NOISE_REPEATS``) at a point: enough to see that
a loss is noisy, not to know how much. σ from four values (three degrees of freedom) is
below a third of the truth one time in twenty, and every window of ``NOISE_WIDTH``·σ/h is
then about one standard deviation of the difference it judges: a noisy smaller step of
the second look "agrees" with a wrong gradient by chance and explains a clear
disagreement as a kink. So where the first repeats differ, ``NOISE_MORE`` more are taken
at the same point and σ is measured from all of them (below 0.63 of the truth one time in
a hundred). A deterministic loss costs nothing more.
"""

from __future__ import annotations

from fdgui.core.numbers.noise import NOISE_MORE, steady_sigma

__all__ = ["NOISE_MORE", "steady_sigma"]
