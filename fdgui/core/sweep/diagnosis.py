"""Reading a sweep the way an experienced person would, and saying it in words.

The kinds:

- ``vanished``: no ε in the range survives rounding: w ± ε is w itself in the dtype.
- ``wrong``: the gradient under check disagrees with what the finite differences converge to
  (and with complex step / Richardson when available) by far more than their spread: the
  error plateaus above the floor at every ε.
- ``kink``: forward and backward disagree by more than truncation allows (a kink at w), or
  their difference jumps at some ε (a kink crossed at about that distance).
- ``correct``: the error falls with the expected slope as ε shrinks, bottoms out, then rises
  with round-off; the title is plain "Gradient correct" only when the best relative error is
  in the calculator's "Correct" band (numbers.verdicts.VERDICTS). When the dtype (or the range)
  keeps the finite differences from getting that close but an independent reference (complex
  step, Richardson) confirms the gradient, the title says "limited by <dtype>" (or "range too
  narrow") and the text says why.
- ``unknown``: no gradient to compare against (measured rows without a typed backprop value
  and too few rows to extrapolate), or the dtype cannot resolve the gradient and nothing
  independent confirms it ("Too coarse to judge").

"Wrong" is said only when the evidence could not come from rounding: an independent float64
reference disagrees, or the finite differences sit far (10×) outside the error a correct
gradient could show in this dtype (round-off u·|L|/ε, the rounding of w ± ε, truncation) at
nearly every ε where that error is small enough to judge by.

Each diagnosis recommends a central and a forward ε for this objective and dtype, and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fdgui.core.numbers.verdicts import Verdict, verdict_for
from fdgui.core.sweep.engine import PointReadout, SweepResult, relative_error
from fdgui.core.sweep.references import ReferenceValue

KINDS: tuple[str, ...] = ("correct", "wrong", "kink", "vanished", "unknown")
TITLES = {
    "correct": "Gradient correct",
    "wrong": "Gradient wrong",
    "kink": "Kink crossed",
    "vanished": "Perturbation vanished",
    "unknown": "No reference to judge by",
}
CONSENSUS_WINDOW = 7
WRONG_AGAINST_INDEPENDENT = 1e-6  # relative disagreement with complex step / Richardson
WRONG_AGAINST_CONSENSUS = 1e-4  # relative disagreement with the finite differences
WRONG_BAND = 1e-2  # the calculator's "Wrong" band starts here (numbers.verdicts.VERDICTS)


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    title: str
    text: str
    recommended: dict[str, float]  # "central", "forward"
    recommended_reason: str
    consensus: float | None = None  # where the central estimates settle
    consensus_spread: float | None = None
    slope: float | None = None  # measured slope of the central error on the truncation side
    kink_epsilon: float | None = None


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    return f"{value:.{digits}g}"


def _consensus(result: SweepResult, usable: np.ndarray) -> tuple[float | None, float | None, int]:
    """The flattest run of central estimates: their median and spread (max − min).

    Points where L+ == L− (the dtype could not resolve any change) are skipped unless nothing
    else is left, so that a run of exact zeros is not taken for agreement.
    """
    estimates = result.central.estimates
    good = usable & np.isfinite(estimates)
    resolved = good & (result.loss_plus != result.loss_minus)
    if resolved.sum() >= 2:
        good = resolved
    window = min(CONSENSUS_WINDOW, max(1, int(good.sum())))
    if not good.any():
        return None, None, -1
    windows = np.lib.stride_tricks.sliding_window_view(estimates, window)
    complete = np.lib.stride_tricks.sliding_window_view(good, window).all(axis=1)
    best_start = -1
    if complete.any():
        with np.errstate(invalid="ignore"):
            spreads = np.where(complete, windows.max(axis=1) - windows.min(axis=1), np.inf)
        best_start = int(np.argmin(spreads))
        best_spread = float(spreads[best_start])
    if best_start < 0:
        index = int(np.flatnonzero(good)[0])
        return float(estimates[index]), None, index
    part = estimates[best_start : best_start + window]
    return float(np.median(part)), best_spread, best_start + window // 2


def _slope(result: SweepResult, usable: np.ndarray) -> float | None:
    """Log-log slope of the central error between 3× and 300× the best ε (truncation side)."""
    curve = result.central
    if curve.best_index is None:
        return None
    best = result.epsilons[curve.best_index]
    with np.errstate(all="ignore"):
        mask = (
            usable
            & (result.epsilons > 3 * best)
            & (result.epsilons < 300 * best)
            & np.isfinite(curve.errors)
            & (curve.errors > 0)
        )
    if mask.sum() < 4:
        return None
    x, y = np.log10(result.epsilons[mask]), np.log10(curve.errors[mask])
    return float(np.polyfit(x, y, 1)[0])


def _kink(result: SweepResult, usable: np.ndarray) -> tuple[str | None, float | None]:
    """('at', ε) for a kink at w (ε: the smallest ε where the jump is readable), ('crossed', ε)
    for a slope break at ε, else (None, None).

    Forward − backward = ε·L'' for a smooth loss: it falls tenfold per decade of ε. At a kink
    at w it is a constant jump that does not fall however small ε gets; at a kink a distance
    d away it follows ε·L'' below d and leaps up once ε reaches d. Only differences well above
    round-off (30 × (4u|L|/ε + the rounding of w ± ε)) are read.
    """
    forward, backward = result.forward.estimates, result.backward.estimates
    epsilons = result.epsilons
    slope = 0.0 if result.reference is None else abs(result.reference.value)
    with np.errstate(all="ignore"):
        jump = np.abs(forward - backward)
        # round-off in the losses plus the rounding of w ± ε to the dtype (the steps taken
        # differ from ε by up to a gap at w, which shifts each one-sided quotient)
        noise = 4.0 * result.roundoff_floor + 2.0 * slope * (
            (result.spacing or 0.0) / epsilons + result.unit_roundoff
        )
        readable = usable & np.isfinite(jump) & (jump > 0) & (jump > 30.0 * noise)
    if epsilons.size < 4 or readable.sum() < 2:
        return None, None
    per_decade = (epsilons.size - 1) / max(np.log10(epsilons[-1] / epsilons[0]), 1e-9)
    offset = max(1, round(per_decade))
    slopes: list[tuple[float, float]] = []  # (ε at the upper end, local slope per decade)
    for i in range(0, epsilons.size - offset):
        j = i + offset
        if readable[i] and readable[j]:
            slope = np.log10(jump[j] / jump[i]) / np.log10(epsilons[j] / epsilons[i])
            slopes.append((float(epsilons[j]), float(slope)))
    if not slopes:
        return None, None
    scale = max(abs(result.reference.value) if result.reference else 0.0, 1e-8)
    smallest_readable = int(np.flatnonzero(readable)[0])
    first = [slope for _, slope in slopes[: max(1, offset // 4)]]
    if abs(np.median(first)) < 0.3 and jump[smallest_readable] > 1e-6 * scale:
        return "at", float(epsilons[smallest_readable])
    for upper, slope in slopes:
        if slope > 2.5:
            return "crossed", upper / 10 ** (1 - 1 / slope)  # where the leap starts, roughly
    return None, None


def _agreeing_reference(
    checked: float, independent: tuple[ReferenceValue, ...]
) -> ReferenceValue | None:
    """An independent reference (complex step, Richardson) that confirms ``checked``.

    It must carry a tight error bar of its own (≤ 1e-4 relative) and agree with ``checked``
    within max(1e-6, 10 × that bar). Such agreement does not depend on the studied dtype:
    both are float64 computations that share nothing with the finite differences.
    """
    for item in independent:
        scale = max(abs(item.value), abs(checked), 1e-8)
        bar = 0.0 if item.error is None else float(item.error)
        if not np.isfinite(bar) or bar > 1e-4 * scale:
            continue
        if abs(checked - item.value) <= max(WRONG_AGAINST_INDEPENDENT * scale, 10 * bar):
            return item
    return None


def _fd_contradicts(result: SweepResult, checked: float, mask: np.ndarray) -> bool:
    """True when the finite differences, where the dtype can resolve the gradient, sit far
    from ``checked`` at (nearly) every such ε.

    "Can resolve" means the predicted error of a correct gradient (round-off u·|L|/ε, the
    rounding of w ± ε, truncation) is at most a tenth of the gradient's size and the loss
    changed at all (L+ ≠ L−). "Far" means more than 10× that predicted error and more than
    1e-4 relative. Where the dtype resolves nothing, nothing contradicts.
    """
    estimates = result.central.estimates
    with np.errstate(all="ignore"):
        finite = mask & np.isfinite(estimates) & (result.loss_plus != result.loss_minus)
        if not finite.any():
            return False
        typical = float(np.median(np.abs(estimates[finite])))
        size = max(abs(checked), typical, 1e-8)
        predicted = result.predicted_error("central", gradient=size)
        resolving = finite & (predicted <= 0.1 * size)
        if resolving.sum() < 3:
            return False
        error = np.abs(estimates - checked)
        relative = error / np.maximum(np.maximum(np.abs(estimates), abs(checked)), 1e-8)
        far = (error > 10.0 * predicted) & (relative > WRONG_AGAINST_CONSENSUS)
    return bool(far[resolving].mean() >= 0.9)


def _best_possible(result: SweepResult, checked: float, mask: np.ndarray) -> float | None:
    """The smallest relative error a correct gradient could show in this dtype and range."""
    size = max(abs(checked), 1e-8)
    predicted = result.predicted_error("central", gradient=size)[mask]
    predicted = predicted[np.isfinite(predicted)]
    return None if predicted.size == 0 else float(predicted.min() / size)


def _recommend(result: SweepResult, rule: dict[str, float]) -> tuple[dict[str, float], str]:
    """The measured best ε per scheme where it is any good, else the rule of thumb."""
    recommended: dict[str, float] = {}
    fallbacks: list[str] = []
    for scheme in ("central", "forward"):
        curve = result.curves[scheme]
        best = curve.best_relative_error
        if curve.best_epsilon is not None and best is not None and best < 0.5:
            recommended[scheme] = curve.best_epsilon
        else:
            recommended[scheme] = rule[scheme]
            fallbacks.append(scheme)
    if len(fallbacks) == 2:
        reason = (
            f"no ε in the range gives a useful estimate in {result.dtype}, so these are only "
            f"the rule of thumb (u^(1/3)·max(1,|w|) central, u^(1/2)·max(1,|w|) one-sided)"
        )
    else:
        reason = (
            f"the bottom of the measured V (rule of thumb for {result.dtype}: central "
            f"{_fmt(rule['central'], 2)}, forward {_fmt(rule['forward'], 2)})"
        )
        if fallbacks:
            reason += (
                f"; no {fallbacks[0]} estimate in the range is useful (the loss does not "
                f"change enough), so the {fallbacks[0]} value is the rule of thumb"
            )
    return recommended, reason


def _rises_again(result: SweepResult, mask: np.ndarray) -> bool:
    """Whether the central error measurably grows again below the best ε (round-off side)."""
    curve = result.central
    if curve.best_index is None or curve.best_relative_error is None:
        return False
    best_eps = result.epsilons[curve.best_index]
    with np.errstate(all="ignore"):
        below = mask & (result.epsilons < best_eps / 10) & np.isfinite(curve.relative_errors)
    if below.sum() < 3:
        return False
    return bool(np.median(curve.relative_errors[below]) > 3 * max(curve.best_relative_error, 1e-17))


def diagnose(result: SweepResult) -> Diagnosis:
    """Say which case the sweep shows, recommend ε, and explain both in plain words."""
    dtype = result.dtype
    rule = {"central": result.rule_of_thumb["central"], "forward": result.rule_of_thumb["forward"]}
    rule_reason = (
        f"the rule of thumb for {dtype}: u^(1/3)·max(1,|w|) for central and u^(1/2)·max(1,|w|) "
        f"for one-sided differences (u = {_fmt(result.unit_roundoff)})"
    )
    usable = ~result.vanished & np.isfinite(result.central.estimates)
    one_sided = ~result.vanished & (
        np.isfinite(result.forward.estimates) | np.isfinite(result.backward.estimates)
    )
    if not usable.any() and one_sided.any():
        side = "forward" if np.isfinite(result.forward.estimates).any() else "backward"
        other = "w − ε" if side == "forward" else "w + ε"
        text = (
            f"The loss is not a finite number at {other} for every ε of the range (w sits at "
            f"the edge of the function's domain, like sqrt or log at 0), so central "
            f"differences do not exist; only {side} differences do. The derivative there may "
            "be infinite or one-sided."
        )
        return Diagnosis("unknown", "Only one side defined", text, rule, rule_reason)
    if not usable.any() and not result.vanished.all():
        text = (
            "The loss is not a finite number near w at any ε of the range (overflow, or a "
            "function used outside its domain, such as log or sqrt of a negative number), so "
            "there is nothing to difference. Check the point and the expression."
        )
        return Diagnosis("unknown", "Loss not finite", text, rule, rule_reason)
    if not usable.any():
        spacing = result.spacing
        spacing_text = f" (the gap between neighbouring {dtype} numbers there is {_fmt(spacing)})"
        if result.point is None:
            spacing_text = ""
        text = (
            f"No ε in the range changes anything: in {dtype}, w ± ε rounds back to w itself"
            f"{spacing_text}, so L+ = L− = L and every estimate is 0. Sweep larger ε."
        )
        return Diagnosis("vanished", TITLES["vanished"], text, rule, rule_reason)
    consensus, spread, _ = _consensus(result, usable)
    vanished_note = ""
    if result.vanished.any():
        largest = float(result.epsilons[result.vanished].max())
        vanished_note = (
            f" Below about ε = {_fmt(largest, 2)} the perturbation vanishes in {dtype} "
            "(w ± ε == w), so those estimates are 0."
        )
    reference = result.reference
    if reference is None:
        text = (
            "There is no gradient to compare against: type a backprop value or measure at "
            "three or more ε so that Richardson extrapolation can give one."
        )
        if consensus is not None:
            text += f" The central estimates settle near {_fmt(consensus, 6)}."
        return Diagnosis(
            "unknown", TITLES["unknown"], text + vanished_note, rule, rule_reason, consensus, spread
        )
    checked = reference.value
    smooth = result.smooth
    independent = result.independent_references()
    agreeing = _agreeing_reference(checked, independent)
    best_independent = independent[0] if independent else None
    if smooth and best_independent is not None and agreeing is None:
        disagreement = float(relative_error(checked, best_independent.value))
        tolerance = WRONG_AGAINST_INDEPENDENT
        if best_independent.error is not None:
            tolerance = max(tolerance, 10 * best_independent.error / max(abs(checked), 1e-8))
        if disagreement > tolerance:
            return _wrong(result, checked, consensus, spread, best_independent, rule, rule_reason)
    kink, kink_epsilon = (None, None) if smooth else _kink(result, usable)
    # A kink at w is only established when the jump is readable at ε below Richardson's
    # smallest step (~1e-3); otherwise (coarse dtypes) a converged Richardson value with a
    # tight error bar decides: a disagreement in the calculator's "Wrong" band is a bug.
    kink_seen_close = kink == "at" and kink_epsilon is not None and kink_epsilon < 1e-3
    if not smooth and agreeing is None and not kink_seen_close:
        for item in independent:
            scale = max(abs(item.value), abs(checked), 1e-8)
            tight = item.error is not None and item.error <= 1e-4 * scale
            if tight and abs(checked - item.value) > WRONG_BAND * scale:
                return _wrong(result, checked, consensus, spread, item, rule, rule_reason)
    if kink == "at":
        text = (
            "Forward and backward differences disagree by a jump that does not shrink with ε: "
            "the loss has a kink at w itself (a ReLU unit exactly at 0, abs, max). There the "
            f"derivative is one-sided; the {reference.method} value {_fmt(checked, 6)} is one "
            f"choice. Central differences give the average of the two slopes "
            f"({_fmt(consensus, 6)}). Move w slightly or compare one-sided estimates."
        )
        return Diagnosis(
            "kink",
            TITLES["kink"],
            text + vanished_note,
            rule,
            "no ε removes a kink at w; " + rule_reason,
            consensus,
            spread,
            None,
            None,
        )
    if kink == "crossed" and kink_epsilon is not None:
        safe = kink_epsilon / 3
        below = usable & (result.epsilons < safe)
        if below.any():
            consensus, spread, _ = _consensus(result, below)
            if agreeing is None and _fd_contradicts(result, checked, below):
                return _wrong(
                    result,
                    checked,
                    consensus,
                    spread,
                    None,
                    rule,
                    rule_reason,
                    note=f" (Judged below a kink that ε crosses at about {_fmt(kink_epsilon, 2)}.)",
                )
        recommended = {
            "central": min(rule["central"], safe),
            "forward": min(rule["forward"], safe),
        }
        text = (
            f"Forward and backward differences jump apart once ε reaches about "
            f"{_fmt(kink_epsilon, 2)}: w ± ε crosses a kink (a ReLU unit changing sides, abs, "
            f"max) about that far from w. Estimates with larger ε mix two slopes. Below it the "
            f"loss is smooth and the estimates agree with the {reference.method} value "
            f"{_fmt(checked, 6)}."
        )
        return Diagnosis(
            "kink",
            TITLES["kink"],
            text + vanished_note,
            recommended,
            f"ε must stay below the kink distance (~{_fmt(kink_epsilon, 2)}), so at most a third "
            "of it; otherwise " + rule_reason,
            consensus,
            spread,
            None,
            kink_epsilon,
        )
    if agreeing is None and _fd_contradicts(result, checked, usable):
        return _wrong(result, checked, consensus, spread, None, rule, rule_reason)
    central = result.central
    best_relative = central.best_relative_error
    recommended, reason = _recommend(result, rule)
    band = None if best_relative is None else verdict_for(best_relative)
    if band is None or band.key != "correct":
        return _limited(
            result, checked, agreeing, band, recommended, reason, consensus, spread, vanished_note
        )
    slope = _slope(result, usable)
    best_eps = central.best_epsilon
    if slope is not None and 1.3 <= slope <= 2.7:
        slope_text = f"the central error falls like ε^{slope:.1f} as ε shrinks (theory: ε²)"
    elif slope is not None:
        slope_text = (
            f"the central error does not follow the ε² law here (measured slope {slope:.1f}; "
            "the loss may be nearly linear or round-off may be tiny)"
        )
    else:
        slope_text = "the central error settles"
    edge = result.best_at_edge("central")
    if edge == "high":
        slope_text = (
            "round-off dominates the whole range, so the central error is smallest at its "
            "largest ε (the bottom of the V lies above the range)"
        )
    elif edge == "low" and slope is None:
        slope_text = (
            "the central error is still falling at the smallest ε of the range (the bottom of "
            "the V lies below it)"
        )
    band_low = 1e-7  # the small end of the seed's float64 rule
    seed_index_low = result.index_of(band_low)
    seed_note = ""
    if result.epsilons[0] <= band_low <= result.epsilons[-1]:
        regime = result.regime(seed_index_low)
        if dtype != "float64" and regime in ("round-off", "vanished"):
            seed_note = (
                f" The usual 1e-7…1e-4 advice is a float64 rule: in {dtype} ε = 1e-7 is "
                f"{'below the resolution at w' if regime == 'vanished' else 'round-off dominated'}."
            )
    if edge is not None:
        rise = ""
    elif _rises_again(result, usable):
        rise = f", then rises again at smaller ε as round-off (about u·|L|/ε in {dtype}) takes over"
    else:
        rise = "; at smaller ε of this range the error does not grow measurably"
    text = (
        f"The {reference.method} gradient {_fmt(checked, 6)} agrees with the finite "
        f"differences: {slope_text} and reaches a relative error of {_fmt(best_relative, 2)} "
        f"at ε ≈ {_fmt(best_eps, 2)}{rise}.{seed_note}{vanished_note}"
    )
    return Diagnosis(
        "correct",
        TITLES["correct"],
        text,
        recommended,
        reason,
        consensus,
        spread,
        slope,
        None,
    )


def _limit_note(result: SweepResult, checked: float) -> str:
    """Which of round-off, the spacing of numbers at w, or truncation limits the best ε."""
    dtype = result.dtype
    index = result.central.best_index
    cause = "round-off in the loss (u·|L|/ε) is large against the gradient"
    if index is not None:
        epsilon = float(result.epsilons[index])
        parts = {
            "round-off": float(result.roundoff_floor[index]),
            "gap": abs(checked) * (result.spacing or 0.0) / epsilon,
            "truncation": 0.0,
        }
        guide = result.central.truncation_guide
        if guide is not None and np.isfinite(guide[index]):
            parts["truncation"] = float(guide[index])
        largest = max(parts, key=lambda key: parts[key])
        if largest == "gap":
            cause = (
                f"numbers near w are {_fmt(result.spacing, 2)} apart in {dtype}, so w ± ε "
                "cannot be formed exactly for small ε"
            )
        elif largest == "truncation":
            cause = "the loss curves strongly on the scale where round-off allows ε"
    if dtype == "float64":
        return f"That is the limit of finite differences here ({cause}), not a bug."
    return (
        f"That is {dtype}'s resolution ({cause}), not a bug; sweep in a wider dtype to confirm "
        "it with finite differences."
    )


def _limited(
    result: SweepResult,
    checked: float,
    agreeing: ReferenceValue | None,
    band: Verdict | None,
    recommended: dict[str, float],
    reason: str,
    consensus: float | None,
    spread: float | None,
    vanished_note: str,
) -> Diagnosis:
    """The finite differences in this dtype cannot confirm the gradient to the calculator's
    "Correct" band (relative error ≤ 1e-7), yet they do not contradict it either."""
    dtype = result.dtype
    reference = result.reference
    method = "the gradient" if reference is None else f"the {reference.method} gradient"
    usable = ~result.vanished & np.isfinite(result.central.estimates)
    central = result.central
    if band is None:
        fd_text = (
            f"In {dtype} the loss does not change at any ε of the range (L+ = L− = L): the "
            f"change ε·|dL/dw| stays below the loss's resolution (about u·|L| = "
            f"{_fmt(result.unit_roundoff * abs(result.loss), 2)}), so finite differences "
            "cannot check anything here."
        )
    else:
        possible = _best_possible(result, checked, usable)
        possible_text = (
            ""
            if possible is None
            else f" Even for a correct gradient, {dtype}'s round-off, the rounding of w ± ε and "
            f"truncation allow errors up to about {_fmt(possible, 2)} at the best ε of this "
            "range."
        )
        fd_text = (
            f"The finite differences in {dtype} get no closer than a relative error of "
            f"{_fmt(central.best_relative_error, 2)} (at ε ≈ {_fmt(central.best_epsilon, 2)}), "
            f"which the calculator would rate “{band.title}”.{possible_text}"
        )
        edge = result.best_at_edge("central")
        if edge is not None and result.regime(central.best_index) in ("truncation", "round-off"):
            side = "smallest" if edge == "low" else "largest"
            direction = "smaller" if edge == "low" else "larger"
            cause = "truncation" if edge == "low" else "round-off"
            return Diagnosis(
                "correct" if agreeing is not None else "unknown",
                "Gradient correct (range too narrow)"
                if agreeing is not None
                else "Range too narrow to judge",
                (
                    (
                        f"{method[0].upper()}{method[1:]} {_fmt(checked, 6)} agrees with the "
                        f"{agreeing.method} reference {_fmt(agreeing.value, 6)}. "
                        if agreeing is not None
                        else ""
                    )
                    + f"{fd_text} The best ε is the {side} of the range and {cause} still "
                    f"dominates there: the bottom of the V lies outside it. Sweep {direction} ε."
                    + vanished_note
                ),
                recommended,
                reason,
                consensus,
                spread,
            )
    if agreeing is not None:
        title = f"Gradient correct (limited by {dtype})"
        text = (
            f"{method[0].upper()}{method[1:]} {_fmt(checked, 6)} agrees with the "
            f"{agreeing.method} reference {_fmt(agreeing.value, 6)} (relative difference "
            f"{_fmt(float(relative_error(checked, agreeing.value)), 2)}), which shares no "
            f"rounding with the finite differences. {fd_text} {_limit_note(result, checked)}"
        )
        kind = "correct"
    else:
        title = f"Too coarse to judge in {dtype}"
        text = (
            f"{fd_text} The estimates stay within what {dtype}'s rounding allows around "
            f"{method} {_fmt(checked, 6)}, so they neither confirm nor refute it."
            + (" Sweep in a wider dtype to decide." if dtype != "float64" else "")
        )
        kind = "unknown"
    return Diagnosis(kind, title, text + vanished_note, recommended, reason, consensus, spread)


def _wrong(
    result: SweepResult,
    checked: float,
    consensus: float | None,
    spread: float | None,
    independent: ReferenceValue | None,
    rule: dict[str, float],
    rule_reason: str,
    note: str = "",
) -> Diagnosis:
    reference = result.reference
    best = result.central.best_relative_error
    truth = independent.value if independent is not None else consensus
    ratio = ""
    if truth not in (None, 0) and checked != 0 and truth * checked > 0:
        factor = checked / truth
        if factor > 1.5 or factor < 1 / 1.5:
            ratio = f" (about {factor:.3g} times the true value)"
    resolved = best is not None and np.isfinite(best) and consensus not in (None, 0.0)
    if independent is not None:
        evidence = (
            f"the {independent.method} reference, which shares no rounding with it or with "
            f"the finite differences, gives {_fmt(independent.value, 6)}."
        )
        if resolved:
            evidence += (
                f" The finite differences in {result.dtype} settle near {_fmt(consensus, 6)} "
                f"(best relative error against the checked gradient {_fmt(best, 2)})."
            )
    else:
        evidence = (
            f"the error stays on a plateau far above what {result.dtype}'s rounding allows at "
            f"every ε (best relative error {_fmt(best, 2)}), so no choice of ε explains it. "
            f"The finite differences settle near {_fmt(consensus, 6)}."
        )
    text = (
        f"The {reference.method} gradient {_fmt(checked, 6)}{ratio} is wrong: {evidence} "
        f"Look for a bug in the backward pass.{note}"
    )
    return Diagnosis(
        "wrong",
        TITLES["wrong"],
        text,
        rule,
        "ε is not the problem; " + rule_reason,
        consensus,
        spread,
    )


def point_text(result: SweepResult, readout: PointReadout) -> str:
    """One sentence about the chosen ε: which error dominates there."""
    epsilon = _fmt(readout.epsilon, 3)
    if readout.vanished:
        return (
            f"At ε = {epsilon} the perturbation vanishes in {result.dtype}: w ± ε rounds to w, "
            "so L+ = L− = L and every estimate is 0."
        )
    error = readout.relative_errors.get("central")
    error_text = "" if error is None else f" (central relative error {_fmt(error, 2)})"
    if readout.loss_plus == readout.loss_minus == readout.loss:
        return (
            f"At ε = {epsilon} the loss does not change at all in {result.dtype}: the change "
            "ε·|dL/dw| is below the loss's resolution, so every estimate is 0."
        )
    messages = {
        "round-off": "round-off dominates: the losses agree in most of their digits and the "
        "difference is mostly rounding",
        "truncation": "truncation dominates: ε is large enough that the curvature of the loss "
        "shows in the estimate",
        "balanced": "truncation and round-off are balanced: this is near the best ε",
        "unknown": "the estimate is not finite here",
    }
    return f"At ε = {epsilon}, {messages.get(readout.regime, readout.regime)}{error_text}."


def _number(value: float | None) -> float | None:
    """JSON-safe: None for missing or non-finite values."""
    if value is None or not np.isfinite(value):
        return None
    return float(value)


def sweep_json(result: SweepResult, diagnosis: Diagnosis) -> dict:
    """The sweep summary as plain JSON-ready data (used by the CLI and Copy)."""
    from fdgui.core.sweep.engine import SCHEMES

    reference = result.reference
    return {
        "objective": result.label,
        "kind": result.kind,
        "dtype": result.dtype,
        "point": _number(result.point),
        "loss": _number(result.loss),
        "grid": {
            "min": float(result.epsilons[0]),
            "max": float(result.epsilons[-1]),
            "points": int(result.epsilons.size),
        },
        "schemes": {
            name: {
                "best_epsilon": _number(result.curves[name].best_epsilon),
                "best_estimate": _number(result.curves[name].best_estimate),
                "best_relative_error": _number(result.curves[name].best_relative_error),
            }
            for name in SCHEMES
        },
        "recommended_epsilon": {
            "central": _number(diagnosis.recommended["central"]),
            "forward": _number(diagnosis.recommended["forward"]),
            "reason": diagnosis.recommended_reason,
        },
        "rule_of_thumb_epsilon": {
            "central": result.rule_of_thumb["central"],
            "forward": result.rule_of_thumb["forward"],
        },
        "reference": {
            "method": None if reference is None else reference.method,
            "value": None if reference is None else _number(reference.value),
            "note": None if reference is None else reference.note,
        },
        "references": [
            {
                "method": item.method,
                "value": _number(item.value),
                "error": _number(item.error),
                "evaluations": item.evaluations,
            }
            for item in result.references
        ],
        "vanished_below": _number(
            float(result.epsilons[result.vanished].max()) if result.vanished.any() else None
        ),
        "diagnosis": {"kind": diagnosis.kind, "title": diagnosis.title, "text": diagnosis.text},
    }


def sweep_text(result: SweepResult, diagnosis: Diagnosis) -> str:
    """The sweep summary as lines of text for a terminal or the clipboard."""
    from fdgui.core.sweep.engine import SCHEMES

    lines = [
        f"ε sweep of {result.label}",
        f"dtype {result.dtype}, {result.epsilons.size} ε from {result.epsilons[0]:.3g} to "
        f"{result.epsilons[-1]:.3g}",
        "",
        f"{'scheme':<10}{'best ε':>12}{'estimate':>22}{'relative error':>16}",
    ]
    for name in SCHEMES:
        curve = result.curves[name]
        lines.append(
            f"{name:<10}{_fmt(curve.best_epsilon):>12}{_fmt(curve.best_estimate, 15):>22}"
            f"{_fmt(curve.best_relative_error, 2):>16}"
        )
    lines.append("")
    for item in result.references:
        bar = "" if not item.error else f" ± {item.error:.2g}"
        if item.error is not None and not np.isfinite(item.error):
            bar = " (unreliable: did not converge)"
        lines.append(f"reference ({item.method}): {item.value:.17g}{bar}")
    lines += [
        f"recommended ε: central {_fmt(diagnosis.recommended['central'], 2)}, forward "
        f"{_fmt(diagnosis.recommended['forward'], 2)} ({diagnosis.recommended_reason})",
        "",
        f"{diagnosis.title}: {diagnosis.text}",
    ]
    return "\n".join(lines) + "\n"


def sweep_csv(result: SweepResult) -> str:
    """One row per ε: losses, the three estimates and their relative errors, regime."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "epsilon",
            "loss",
            "loss_plus",
            "loss_minus",
            "central",
            "forward",
            "backward",
            "central_relative_error",
            "forward_relative_error",
            "backward_relative_error",
            "roundoff_floor",
            "vanished",
            "regime",
        ]
    )
    for i, epsilon in enumerate(result.epsilons):
        writer.writerow(
            [
                repr(float(epsilon)),
                repr(float(result.loss_values[i])),
                repr(float(result.loss_plus[i])),
                repr(float(result.loss_minus[i])),
                *(
                    repr(float(result.curves[n].estimates[i]))
                    for n in ("central", "forward", "backward")
                ),
                *(
                    repr(float(result.curves[n].relative_errors[i]))
                    for n in ("central", "forward", "backward")
                ),
                repr(float(result.roundoff_floor[i])),
                int(bool(result.vanished[i])),
                result.regime(i),
            ]
        )
    return buffer.getvalue()
