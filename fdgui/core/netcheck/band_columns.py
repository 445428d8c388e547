"""What the per-band columns and the heat map count for an entry the status excuses.

The band columns (and the heat map's colours) show each decided entry by the error the
status leaves it: a failing entry by its error (never in "< 1e-7"); an entry on a kink whose
gradient lies between the one-sided slopes (explained: the status says "ok") in the band the
seed gives to kinks, 1e-7..1e-4 ("Fine only if the loss has kinks"), whatever its error at ε;
an entry within the dtype's tolerance, or one a second look settled at another ε, by what is
left of its difference beyond that allowance (nothing: "< 1e-7"). So a tensor whose status is
"ok" never has counts or red cells in "1e-4..1e-2" or "> 1e-2" (review10i H3). Undecided
entries are NaN: counted in the status instead, blank in the heat map.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.numbers.verdicts import VERDICTS

# inside the kinks band (lower bound exclusive, upper inclusive)
KINK_LOW, KINK_HIGH = 1.01 * VERDICTS[1].lower, VERDICTS[1].upper


def excused_in_bands(
    judged: np.ndarray,
    kink: np.ndarray,
    tolerated: np.ndarray,
) -> np.ndarray:
    """``judged`` (results.judged_errors) with the excused entries placed as the status
    decides: ``kink`` (explained kinks, not within 1e-7) into the kinks band, ``tolerated``
    (within the tolerance or settled at another ε, not on a kink) to 0 — their difference
    is within what the check allows. NaN (undecided) stays NaN."""
    placed = np.where(tolerated & ~np.isnan(judged), 0.0, judged)
    with np.errstate(invalid="ignore"):
        in_band = np.clip(placed, KINK_LOW, KINK_HIGH)
    return np.where(kink & ~np.isnan(judged), in_band, placed)
