"""The words of a network check's entry notes: what explains an entry (the table's note
column and its verdict title), kept apart from the report's layout (report.netcheck)."""

from __future__ import annotations

import math

from fdgui.core.report.netcheck_open import OPEN_WORDS

NOTE_WORDS = {
    "no-loss": "the loss is not a finite number at θ + ε or θ − ε: finite differences "
    "estimate nothing here, so the gradient is not judged",
    "undefined": "the gradient under check is not a finite number here (NaN or ±∞): "
    "no loss has such a slope, so the entry is wrong",
    "kink": "±ε crosses a kink (a relu, abs or max, here or in a later layer); the gradient "
    "lies between the one-sided slopes, or agrees at a step clear of the kink",
    "kink-unexamined": "undecided: a relu switches within ±ε and the one-sided slopes, with "
    "their round-off, do not show the gradient to lie between them: a kink or a bug",
    "flat": "no change seen: L+ = L− (or w ± ε = w) in this dtype",
    "undecided": "the dtype's tolerance is ≥ |a|/2: right and wrong look alike",
    "open": OPEN_WORDS,
    "round-off": "|n − a| ≤ atol + rtol·|a|",
    "some-ε": "disagreed at the first ε only; the short ε sweep and Richardson agree",
    "every-ε": "disagrees at every ε of the short sweep and with Richardson: a bug",
    "most-ε": "disagrees with Richardson (one ε of the short sweep happened to agree): a bug",
    "kink-outside": "forward ≠ backward difference (a kink), and the gradient is outside "
    "the one-sided limits: not a subgradient",
    "jump": "a one-sided ΔL does not shrink with ε: the loss jumps (a discontinuity) "
    "inside ±ε, where no gradient exists",
    "larger-ε": "undecided at the first ε; at this larger ε |n − a| is within its error bar "
    "(measured round-off N/ε + truncation from ε, 2ε, 4ε), which is at most |a|/4",
    "larger-ε-wrong": "at this larger ε |n − a| is beyond the error bar (a bar of at most "
    "|a|/4, or |n − a| over twice the bar): a bug",
    "estimate": "undecided at the first ε; Richardson from h and h/2 (h = ε, or a few ε "
    "where the loss rounds coarsely; its bar the measured round-off 4r/h plus truncation) "
    "agrees within a bar of at most |a|/4",
    "estimate-wrong": "Richardson from h and h/2 (h = ε, or a few ε where the loss rounds "
    "coarsely or agreed only loosely) is more than twice its bar (the measured round-off "
    "4r/h plus truncation) from the gradient, and so are both one-sided slopes or the "
    "second differences show no kink: a bug",
    "round-off-limit": "undecided: even at the largest usable ε the losses' round-off is "
    "above |a|/4 (the gradient is below what this dtype's losses resolve)",
    "truncation-limit": "undecided: before round-off fell below |a|/4, truncation grew (or "
    "the loss left its Taylor regime) at larger ε",
    "kink-limit": "undecided: a relu switches on or off within the larger ε this entry needs",
    "unconfirmed": "undecided: the dtype's differences disagree, but the same loss in "
    "float64 (steps from 2ε down to below ε/10⁶) does not bound a disagreement (truncation, a kink "
    "or round-off the dtype's steps cannot separate)",
    "own-scale": "the first step did not read as a smooth slope here (ΔL± of one sign, |w| "
    "far below ε, or no h² law: the loss varies on a scale below the step, or rounds coarser "
    "than its dtype): at smaller steps, down to the entry's "
    "own size, the central differences follow the h² law and agree within the bar shown",
    "own-scale-wrong": "the first step did not read as a smooth slope here (a scale below the "
    "step, or coarse rounding); "
    "at smaller steps, down to the entry's own size, the central differences follow the h² "
    "law and exclude the gradient: a bug",
    "sides": "each side of w alone, at steps from the entry's own scale up to where its "
    "one-sided slopes stop following a smooth loss's law (a kink, or the loss's own scale): "
    "their extrapolation to 0 (or the central differences' Richardson where both sides are "
    "clean and agree) reproduces the gradient within the bar shown",
    "sides-wrong": "each side of w alone, at steps from the entry's own scale up to where its "
    "one-sided slopes stop following a smooth loss's law: a side free of kinks (or both, "
    "or the central differences where both are clean) excludes the gradient by more than "
    "twice its bar, outside what a kink at w allows: a bug",
    "sides-open": "undecided: each side of w alone resolves its slope, the two differ (a kink "
    "nearer to w than the steps can place) and the gradient is neither of them: a bug, or a "
    "subgradient of a kink at w itself",
    "noise-open": "undecided: the loss varies between evaluations; at wider steps, where the "
    "noise over the step is small, the slope lies more than two bars from the gradient, but "
    "the checks that would call it wrong (its two sides, a step pair lower, the scatter of "
    "the steps) could not tell a bug from the noise, a drift from call to call or a kink",
    "coarse-open": "undecided: the loss has a part coarser than float64 (a float16 or "
    "bfloat16 sum, a quantiser) whose steps, found along this entry at wider spans, no step "
    "of the check moves; the small steps measure the rest of the loss alone, and the wide "
    "steps' error (a step's height over the step) hides the part's slope: a bug, or the "
    "coarser part's own derivative",
    "": "",
}

# the ε ladder's reasons for leaving an entry undecided, in words for the verdict
LIMIT_WORDS = {
    "round-off-limit": "below what the losses resolve at any usable ε",
    "truncation-limit": "truncation grows before round-off is small enough",
    "kink-limit": "a relu switches within the ε needed",
    "unconfirmed": "a disagreement float64 does not confirm",
}


ENTRY_VERDICT_TITLES = {
    "no-loss": "No estimate (loss not finite)",
    "kink": "Kink (explained)",
    "flat": "Undecided (no change)",
    "undecided": "Undecided",
    "open": "Undecided (disagrees)",
    "round-off": "Within dtype error",
    "some-ε": "Correct (first ε off)",
    "every-ε": "Wrong at every ε",
    "most-ε": "Wrong (Richardson)",
    "kink-outside": "Wrong (not a subgradient)",
    "jump": "Discontinuity (no gradient)",
    "larger-ε": "Correct at larger ε",
    "larger-ε-wrong": "Wrong at larger ε",
    "estimate": "Correct (estimate's bar)",
    "estimate-wrong": "Wrong (estimate's bar)",
    "own-scale": "Correct at its own scale",
    "own-scale-wrong": "Wrong at its own scale",
    "sides": "Correct (one-sided slopes)",
    "sides-wrong": "Wrong (one-sided slopes)",
    "sides-open": "Undecided (between its sides)",
    "noise-open": "Undecided (noisy, disagrees)",
    "coarse-open": "Too coarse to judge (no ε moves the coarser part)",
    "round-off-limit": "Undecided (round-off)",
    "truncation-limit": "Undecided (truncation)",
    "kink-limit": "Undecided (kink)",
    "kink-unexamined": "Undecided (kink)",
    "unconfirmed": "Undecided (not confirmed)",
}

# what the status decided of an entry, by its note, for scripts (JSON "status"); an entry
# without a note is "wrong" when it fails, else "correct"
NOTE_STATUS = {
    "no-loss": "no-estimate",
    "undefined": "wrong",
    "kink": "kink",
    "round-off": "correct",
    "some-ε": "correct",
    "larger-ε": "correct",
    "estimate": "correct",
    "own-scale": "correct",
    "sides": "correct",
    "every-ε": "wrong",
    "most-ε": "wrong",
    "kink-outside": "wrong",
    "jump": "wrong",
    "larger-ε-wrong": "wrong",
    "estimate-wrong": "wrong",
    "own-scale-wrong": "wrong",
    "sides-wrong": "wrong",
}


def entry_status(note: str, failing: bool) -> str:
    """'correct', 'kink', 'wrong', 'undecided' or 'no-estimate': what the check decided."""
    if note in NOTE_STATUS:
        return NOTE_STATUS[note]
    if note:
        return "undecided"  # flat, open, the ladder's limits, an unexamined kink, …
    return "wrong" if failing else "correct"


def not_finite(value: float) -> str:
    """How a value that is not a finite number reads: 'NaN (not a number)', '+∞' or '−∞'."""
    return "NaN (not a number)" if math.isnan(value) else ("+∞" if value > 0 else "−∞")
