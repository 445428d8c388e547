"""Reading a sweep the way an experienced person would: which case it shows, and the facts.

``diagnose`` returns kinds, causes and numbers, never sentences; ``fdgui.core.report.sweep``
words them (title, explanation, why this ε) for the window, Copy and the CLI.

The kinds:

- ``vanished``: no ε in the range survives rounding: w ± ε is w itself in the dtype.
- ``wrong``: the gradient under check disagrees with what the finite differences converge to
  (and with complex step / Richardson when available) by far more than their spread: the
  error plateaus above the floor at every ε.
- ``kink``: forward and backward disagree by more than truncation allows (a kink at w), or
  their difference jumps at some ε (a kink crossed at about that distance).
- ``correct``: the error falls with the expected slope as ε shrinks, bottoms out, then rises
  with round-off; ``limited_by`` is None only when the best relative error is in the
  calculator's "Correct" band (numbers.verdicts.VERDICTS). When the dtype (or the range) keeps
  the finite differences from getting that close but an independent reference (complex step,
  Richardson) confirms the gradient, ``limited_by`` names what limits them.
- ``unknown``: no gradient to compare against (measured rows without a typed backprop value
  and too few rows to extrapolate), or the dtype cannot resolve the gradient and nothing
  independent confirms it ("too coarse").

"Wrong" is said only when the evidence could not come from rounding: an independent float64
reference disagrees, or the finite differences sit far (10×) outside the error a correct
gradient could show in this dtype (round-off u·|L|/ε, the rounding of w ± ε, truncation) at
nearly every ε where that error is small enough to judge by.

Each diagnosis recommends a central and a forward ε for this objective and dtype, and says by
which rule (``recommended_by``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fdgui.core.numbers import precision
from fdgui.core.numbers.verdicts import Verdict, verdict_for
from fdgui.core.sweep.engine import SweepResult, relative_error
from fdgui.core.sweep.evidence import _kink, _slope, pole_within_range
from fdgui.core.sweep.references import ReferenceValue

KINDS: tuple[str, ...] = ("correct", "wrong", "kink", "undefined", "vanished", "estimate")
# The finer reading behind a kind; the report words each one.
CASES: dict[str, str] = {
    "not-finite-at-w": "undefined",  # the loss at w itself is not finite
    "undefined-at-w": "undefined",  # the derivative does not exist at w (pole, jump, complex)
    "pole-in-range": "undefined",  # every usable ε straddles a pole: nothing resolves it
    "one-sided": "undefined",  # the loss is finite on one side of w only
    "not-finite": "undefined",  # the loss is not finite near w at any ε
    "vanished": "vanished",  # w ± ε == w at every ε
    "estimate": "estimate",  # nothing under check: the best estimate and its error bar
    "too-few-rows": "estimate",  # measured rows too few to judge what is under check
    "wrong": "wrong",
    "kink-at": "kink",  # a kink at w itself
    "kink-crossed": "kink",  # ε crosses a kink at about kink_epsilon
    "range-too-narrow": "correct",  # the bottom of the V lies outside the range
    "limited": "correct",  # the dtype limits the finite differences; a reference confirms
    "consistent": "correct",  # no trusted reference; the finite differences do not refute
    "correct": "correct",
}
# How the recommended ε was chosen.
RECOMMENDATIONS: tuple[str, ...] = (
    "rule",  # the rule of thumb (nothing better to go by)
    "wrong",  # the rule of thumb: ε is not the problem
    "kink-at",  # the rule of thumb: no ε removes a kink at w
    "kink-crossed",  # at most a third of the kink distance
    "measured",  # the bottom of the measured V (facts["fallback"]: a scheme left at the rule)
    "no-useful-epsilon",  # no ε of the range gives a useful estimate: the rule of thumb
)
# What keeps the finite differences from confirming the gradient to the "Correct" band.
LIMITS: tuple[str, ...] = ("range", "round-off", "spacing", "truncation")
# Further observations the words mention.
REASONS: tuple[str, ...] = (
    "vanished-below",  # below facts["vanished_below"] the perturbation vanishes
    "loss-unchanged",  # L+ = L− = L at every ε: the change is below the loss's resolution
    "fd-resolved",  # (wrong) the finite differences settle, next to an independent reference
    "rises-again",  # (correct) the error grows again at smaller ε
    "no-rise",  # (correct) ... or does not, within the range
    "seed-rule-vanished",  # (correct) the float64 1e-7…1e-4 rule: ε = 1e-7 vanishes here
    "seed-rule-round-off",  # ... or is round-off dominated
)
CONSENSUS_WINDOW = 7
WRONG_AGAINST_INDEPENDENT = 1e-6  # relative disagreement with complex step / Richardson
WRONG_AGAINST_CONSENSUS = 1e-4  # relative disagreement with the finite differences
WRONG_BAND = 1e-2  # the calculator's "Wrong" band starts here (numbers.verdicts.VERDICTS)


@dataclass(frozen=True)
class Diagnosis:
    """What a sweep shows, as kinds and numbers; ``fdgui.core.report.sweep`` words it.

    ``facts`` holds the numbers and names the words need (always ``dtype``,
    ``unit_roundoff``, ``rule`` and ``spacing``; the others depend on the case: ``method`` and
    ``checked`` for the gradient under check, ``agreeing_method``/``agreeing_value`` for a
    confirming reference, ``best_relative_error``, ``best_epsilon``, ``band`` (a verdict key),
    ``possible``, ``edge``, ``vanished_below``, ``fallback``, ...).
    """

    kind: str
    case: str
    recommended: dict[str, float]  # "central", "forward"
    recommended_by: str
    limited_by: str | None = None
    reasons: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    consensus: float | None = None  # where the central estimates settle
    consensus_spread: float | None = None
    slope: float | None = None  # measured slope of the central error on the truncation side
    kink_epsilon: float | None = None


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
        count = int(resolving.sum())
        if count == 0:
            return False
        error = np.abs(estimates - checked)
        relative = error / np.maximum(np.maximum(np.abs(estimates), abs(checked)), 1e-8)
        far = (error > 10.0 * predicted) & (relative > WRONG_AGAINST_CONSENSUS)
    if count < 3:
        # two ε (a two-row table) show no trend: only a gross disagreement at both, where
        # the two estimates agree with each other far better than with the gradient (so
        # truncation cannot explain it), contradicts; one ε never does
        picked = estimates[resolving]
        return bool(
            count == 2
            and (far & (relative > 0.5))[resolving].all()
            and abs(picked[0] - picked[1]) < 0.1 * float(np.min(error[resolving]))
        )
    return bool(far[resolving].mean() >= 0.9)


def _best_possible(result: SweepResult, checked: float, mask: np.ndarray) -> float | None:
    """The smallest relative error a correct gradient could show in this dtype and range."""
    size = max(abs(checked), 1e-8)
    predicted = result.predicted_error("central", gradient=size)[mask]
    predicted = predicted[np.isfinite(predicted)]
    return None if predicted.size == 0 else float(predicted.min() / size)


def _recommend(
    result: SweepResult, rule: dict[str, float]
) -> tuple[dict[str, float], str, str | None]:
    """The measured best ε per scheme where it is any good, else the rule of thumb; the rule
    that chose them, and the scheme left at the rule of thumb (if only one is)."""
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
        return recommended, "no-useful-epsilon", None
    return recommended, "measured", fallbacks[0] if fallbacks else None


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


def _epsilon_limit(dtype: str) -> float:
    """The largest ε a sweep in ``dtype`` accepts (measured rows: "exact" has no format)."""
    try:
        return min(precision.LARGEST_EPSILON, precision.largest_finite(dtype))
    except ValueError:
        return precision.LARGEST_EPSILON


class _Reading:
    """Builds the Diagnosis: the facts every case shares, plus the case's own."""

    def __init__(self, result: SweepResult) -> None:
        self.result = result
        self.rule = {
            "central": result.rule_of_thumb["central"],
            "forward": result.rule_of_thumb["forward"],
        }
        self.facts: dict[str, Any] = {
            "dtype": result.dtype,
            "unit_roundoff": result.unit_roundoff,
            "rule": dict(self.rule),
            "spacing": result.spacing,
            # the sweep's largest ε and the largest one a sweep accepts in this dtype (advice
            # to sweep larger ε is given only below it)
            "epsilon_max": float(result.epsilons[-1]),
            "epsilon_limit": _epsilon_limit(result.dtype),
        }
        self.reasons: list[str] = []

    def note_vanished(self) -> None:
        """Below some ε the perturbation vanishes (w ± ε == w): said after most readings."""
        result = self.result
        if result.vanished.any():
            self.facts["vanished_below"] = float(result.epsilons[result.vanished].max())

    def diagnosis(
        self,
        kind: str,
        case: str,
        recommended: dict[str, float] | None = None,
        recommended_by: str = "rule",
        limited_by: str | None = None,
        reasons: tuple[str, ...] = (),
        consensus: float | None = None,
        spread: float | None = None,
        slope: float | None = None,
        kink_epsilon: float | None = None,
        vanished_note: bool = True,
        **facts: Any,
    ) -> Diagnosis:
        all_reasons = list(reasons)
        if vanished_note and "vanished_below" in self.facts:
            all_reasons.append("vanished-below")
        return Diagnosis(
            kind,
            case,
            dict(self.rule) if recommended is None else recommended,
            recommended_by,
            limited_by,
            tuple(all_reasons),
            {**self.facts, **facts},
            consensus,
            spread,
            slope,
            kink_epsilon,
        )


SAFETY_FACTOR = 2.0  # a disagreement must exceed twice the combined error bars to be "wrong"
UNKNOWN_GRADIENT_ERROR = 1e-6  # relative error assumed for a gradient that states none


def _gradient_bar(checked: ReferenceValue, truth: float) -> float:
    """What the gradient under check may be off by as computed: its own bar (a typed
    expression's float64 round-off, measured) or, when it states none (a backprop), 1e-6 of
    its size."""
    if checked.error is not None and np.isfinite(checked.error):
        return float(checked.error) + 4.0 * 2.0**-53 * abs(checked.value)
    return UNKNOWN_GRADIENT_ERROR * max(abs(checked.value), abs(truth))


def _disagrees(checked: ReferenceValue, reference: ReferenceValue) -> bool:
    """|g − T| > 2 · (bar of T + bar of g): resolved beyond both error bars."""
    bar = float(reference.error or 0.0) + _gradient_bar(checked, reference.value)
    return abs(checked.value - reference.value) > SAFETY_FACTOR * bar


def _seed_relative(checked: float, truth: float) -> float:
    return float(relative_error(checked, truth))


def diagnose(result: SweepResult) -> Diagnosis:
    """The decision procedure of docs/DIAGNOSIS.md (``_diagnose``, then ``too_few_rows``)."""
    from fdgui.core.sweep.measured import too_few_rows

    return too_few_rows(result, _diagnose(result))


def _diagnose(result: SweepResult) -> Diagnosis:
    """Undefined, kink at w, wrong (trusted reference), vanished, kink crossed, estimate,
    wrong/consistent by the finite differences alone, correct."""
    reading = _Reading(result)
    rule = reading.rule
    usable = ~result.vanished & np.isfinite(result.central.estimates)
    checked = result.reference
    if checked is not None:
        reading.facts.update(method=checked.method, checked=checked.value)
    trusted = result.trusted_references()
    truth = trusted[0] if trusted else None
    analytic = next((r for r in result.references if r.method == "analytic"), None)
    # an expression's derivative in extended precision has a rigorous bar: when it is an
    # independent reference it alone judges (the others are shown); when it is itself the
    # gradient under check, nothing can show it wrong — only how far the others confirm it
    if analytic is not None and analytic.trusted and analytic is not checked:
        truth = analytic
    exact_under_check = checked is not None and checked is analytic and checked.trusted
    # 1. undefined: no loss at w, no derivative at w, or no finite difference at any ε
    if result.point is not None and not np.isfinite(result.loss):
        return reading.diagnosis("undefined", "not-finite-at-w")
    one_sided = ~result.vanished & (
        np.isfinite(result.forward.estimates) | np.isfinite(result.backward.estimates)
    )
    if not usable.any() and one_sided.any():
        side = "forward" if np.isfinite(result.forward.estimates).any() else "backward"
        return reading.diagnosis("undefined", "one-sided", side=side)
    if not usable.any() and not result.vanished.all():
        return reading.diagnosis("undefined", "not-finite")
    if analytic is not None and analytic.status == "undefined":
        return reading.diagnosis("undefined", "undefined-at-w", why=analytic.note)
    if checked is not None and not np.isfinite(checked.value):
        return reading.diagnosis("undefined", "undefined-at-w", why="the gradient under check")
    consensus, spread, _ = _consensus(result, usable) if usable.any() else (None, None, -1)
    reading.note_vanished()
    # 2. a kink at w: the expression says a branch switches there, or (any other model) the
    # one-sided differences keep a jump that does not shrink with ε
    kink_reference = analytic if analytic is not None and analytic.status == "kink" else None
    kink, kink_epsilon = (None, None)
    if result.switched is None and not result.smooth and usable.any():
        kink, kink_epsilon = _kink(result, usable)
    if kink_reference is not None or (kink == "at" and truth is None):
        sides = kink_reference.sides if kink_reference is not None else None
        facts: dict[str, Any] = {}
        if sides is not None:
            facts["sides"] = sides
        if checked is not None and sides is not None and checked is not kink_reference:
            known = [s for s in sides if s is not None]
            if known:
                low, high = min(known), max(known)
                slack = SAFETY_FACTOR * _gradient_bar(checked, high) + 1e-12 * max(1.0, abs(high))
                if not low - slack <= checked.value <= high + slack:
                    return _wrong(reading, consensus, spread, None, outside_sides=(low, high))
                facts["subgradient"] = True
        return reading.diagnosis(
            "kink",
            "kink-at",
            recommended_by="kink-at",
            consensus=consensus,
            spread=spread,
            **facts,
        )
    # a pole (or singularity) closer to w than the smallest usable ε: no finite difference
    # sees the derivative, so they neither confirm nor are "resolved" (tan at the float64 π/2)
    pole = None
    if analytic is not None and analytic.trusted and usable.any():
        pole = pole_within_range(result, analytic.value, usable)
    # 3. wrong: a trusted reference (error bar finite and honest) disagrees beyond both bars
    if (
        checked is not None
        and truth is not None
        and not exact_under_check
        and _disagrees(checked, truth)
    ):
        # a network with relu: Richardson's steps may straddle kinks it cannot know of
        judged_by_kinked_fd = (
            result.switched is None and not result.smooth and result.kind != "measured"
        )
        if (
            not judged_by_kinked_fd
            or truth.method in ("analytic", "complex step")
            or (
                abs(checked.value - truth.value)
                > WRONG_BAND * max(abs(truth.value), abs(checked.value), 1e-300)
            )
        ):
            return _wrong(reading, consensus, spread, truth, pole=pole)
    if checked is not None and truth is not None:
        reading.facts.update(
            agreeing_method=truth.method,
            agreeing_value=truth.value,
            agreeing_error=truth.error,
            relative_difference=_seed_relative(checked.value, truth.value),
            exact_relative_difference=abs(checked.value - truth.value)
            / max(abs(truth.value), abs(checked.value), 1e-300),
        )
    if pole is not None:
        return reading.diagnosis(
            "undefined",
            "pole-in-range",
            recommended_by="no-useful-epsilon",
            pole_distance=pole[0],
            pole=pole[1],
            smallest_epsilon=float(result.epsilons[usable].min()),
            analytic_value=analytic.value if analytic is not None else None,
            analytic_error=analytic.error if analytic is not None else None,
        )
    # 4. vanished: no ε of the range changes w (or, for rows, the loss) at all
    if not usable.any() or result.vanished.all():
        return reading.diagnosis(
            "vanished", "vanished", has_point=result.point is not None, vanished_note=False
        )
    # 5. a kink crossed inside the range
    if result.switched is not None and result.switched.any():
        kink, kink_epsilon = "crossed", float(result.epsilons[result.switched].min())
    if kink == "crossed" and kink_epsilon is not None:
        safe = kink_epsilon / 3
        below = usable & (result.epsilons < safe)
        if result.switched is not None:
            below = usable & ~result.switched
        if below.any():
            consensus, spread, _ = _consensus(result, below)
            if (
                checked is not None
                and truth is None
                and not exact_under_check
                and _fd_contradicts(result, checked.value, below)
            ):
                return _wrong(reading, consensus, spread, None, below_kink=kink_epsilon)
        recommended = {"central": min(rule["central"], safe), "forward": min(rule["forward"], safe)}
        return reading.diagnosis(
            "kink",
            "kink-crossed",
            recommended,
            "kink-crossed",
            consensus=consensus,
            spread=spread,
            kink_epsilon=kink_epsilon,
        )
    # 6. nothing under check: the best estimate with a bar that bounds it
    if checked is None:
        return _estimate(reading, truth, consensus, spread)
    # 7. no trusted reference: the finite differences alone decide
    if truth is None and not exact_under_check and _fd_contradicts(result, checked.value, usable):
        return _wrong(reading, consensus, spread, None)
    # 8. correct: how close the finite differences in this dtype get, and what confirms it
    return _correct_or_limited(reading, truth, consensus, spread, usable)


def _estimate(
    reading: _Reading,
    truth: ReferenceValue | None,
    consensus: float | None,
    spread: float | None,
) -> Diagnosis:
    """No gradient under check: the best estimate, with its error bar and where it comes from."""
    result = reading.result
    reading.facts["source"] = result.kind  # the words say how to give a gradient
    if truth is not None:
        return reading.diagnosis(
            "estimate",
            "estimate",
            consensus=consensus,
            spread=spread,
            estimate=truth.value,
            estimate_error=truth.error,
            estimate_method=truth.method,
        )
    # no bounded reference: the best central estimate, its bar the predicted error there
    central = result.central
    index = central.best_index
    if index is None:
        usable = np.flatnonzero(~result.vanished & np.isfinite(central.estimates))
        index = int(usable[len(usable) // 2]) if usable.size else None
    value = None if index is None else float(central.estimates[index])
    bar = None
    if index is not None and value is not None:
        bar = float(result.predicted_error("central", gradient=value)[index])
        if result.kind == "measured" and result.curvature is None:
            bar = float("inf")  # truncation unknown from one row: no honest bound
    return reading.diagnosis(
        "estimate",
        "estimate",
        consensus=consensus,
        spread=spread,
        estimate=value,
        estimate_error=bar,
        estimate_method="finite differences",
    )


def _correct_or_limited(
    reading: _Reading,
    truth: ReferenceValue | None,
    consensus: float | None,
    spread: float | None,
    usable: np.ndarray,
) -> Diagnosis:
    result = reading.result
    checked = reading.facts["checked"]
    central = result.central
    recommended, recommended_by, fallback = _recommend(result, reading.rule)
    reading.facts["fallback"] = fallback
    best_relative = central.best_relative_error
    band = None if best_relative is None else verdict_for(best_relative)
    if truth is not None and abs(checked) < 1e-8 and band is not None and band.key == "correct":
        # the seed's 1e-8 floor makes a tiny gradient's estimates look "Correct"; say what the
        # error relative to the gradient itself is
        index = central.best_index
        if index is not None:
            exact = float(central.errors[index]) / max(abs(checked), 1e-300)
            if exact > 1e-7:
                reading.facts["floor_hides"] = exact
                band = verdict_for(exact)
    if band is None or band.key != "correct":
        return _limited(
            reading, truth, band, recommended, recommended_by, consensus, spread, usable
        )
    slope = _slope(result, usable)
    edge = result.best_at_edge("central")
    reasons: list[str] = []
    band_low = 1e-7  # the small end of the seed's float64 rule
    if result.epsilons[0] <= band_low <= result.epsilons[-1]:
        regime = result.regime(result.index_of(band_low))
        if result.dtype != "float64" and regime in ("round-off", "vanished"):
            reasons.append(f"seed-rule-{regime}")
    if edge is None:
        reasons.insert(0, "rises-again" if _rises_again(result, usable) else "no-rise")
    return reading.diagnosis(
        "correct",
        "correct",
        recommended,
        recommended_by,
        reasons=tuple(reasons),
        consensus=consensus,
        spread=spread,
        slope=slope,
        edge=edge,
        best_relative_error=best_relative,
        best_epsilon=central.best_epsilon,
    )


def _limit_cause(result: SweepResult, checked: float) -> str:
    """Which of round-off, the spacing of numbers at w, or truncation limits the best ε."""
    index = result.central.best_index
    if index is None:
        return "round-off"
    epsilon = float(result.epsilons[index])
    parts = {
        "round-off": float(result.roundoff_floor[index]),
        "spacing": abs(checked) * (result.spacing or 0.0) / epsilon,
        "truncation": 0.0,
    }
    guide = result.central.truncation_guide
    if guide is not None and np.isfinite(guide[index]):
        parts["truncation"] = float(guide[index])
    return max(parts, key=lambda key: parts[key])


def _limited(
    reading: _Reading,
    agreeing: ReferenceValue | None,
    band: Verdict | None,
    recommended: dict[str, float],
    recommended_by: str,
    consensus: float | None,
    spread: float | None,
    usable: np.ndarray,
) -> Diagnosis:
    """The finite differences in this dtype cannot confirm the gradient to the calculator's
    "Correct" band (relative error ≤ 1e-7), yet they do not contradict it either."""
    result = reading.result
    checked = reading.facts["checked"]
    central = result.central
    facts: dict[str, Any] = {}
    if agreeing is not None:
        facts.update(agreeing_method=agreeing.method, agreeing_value=agreeing.value)
    reasons: tuple[str, ...] = ()
    if band is None:
        reasons = ("loss-unchanged",)
        facts["loss_resolution"] = result.unit_roundoff * abs(result.loss)
    else:
        facts.update(
            band=band.key,
            possible=_best_possible(result, checked, usable),
            best_relative_error=central.best_relative_error,
            best_epsilon=central.best_epsilon,
        )
        edge = result.best_at_edge("central")
        if edge is not None and result.regime(central.best_index) in ("truncation", "round-off"):
            return reading.diagnosis(
                "correct",
                "range-too-narrow",
                recommended,
                recommended_by,
                "range",
                consensus=consensus,
                spread=spread,
                edge=edge,
                **facts,
            )
    if agreeing is not None:
        facts["relative_difference"] = float(relative_error(checked, agreeing.value))
    return reading.diagnosis(
        "correct",
        "limited" if agreeing is not None else "consistent",
        recommended,
        recommended_by,
        _limit_cause(result, checked),
        reasons,
        consensus=consensus,
        spread=spread,
        **facts,
    )


def _wrong(
    reading: _Reading,
    consensus: float | None,
    spread: float | None,
    independent: ReferenceValue | None,
    below_kink: float | None = None,
    outside_sides: tuple[float, float] | None = None,
    pole: float | None = None,
) -> Diagnosis:
    result = reading.result
    checked = reading.facts["checked"]
    best = result.central.best_relative_error
    truth = independent.value if independent is not None else consensus
    factor = None  # checked / truth, when it is far from 1 and of the same sign
    if truth not in (None, 0) and checked != 0 and truth * checked > 0:
        factor = checked / truth
        if 1 / 1.5 <= factor <= 1.5:
            factor = None
    resolved = best is not None and np.isfinite(best) and consensus not in (None, 0.0)
    resolved = resolved and pole is None  # across a pole the differences resolve nothing
    facts: dict[str, Any] = {"factor": factor, "best_relative_error": best}
    if independent is not None:
        facts.update(independent_method=independent.method, independent_value=independent.value)
    if below_kink is not None:
        facts["below_kink"] = below_kink
    if outside_sides is not None:
        facts["outside_sides"] = outside_sides
    if independent is not None:
        facts["independent_error"] = independent.error
        truth_value = independent.value
        facts["exact_relative_difference"] = abs(checked - truth_value) / max(
            abs(truth_value), abs(checked), 1e-300
        )
        if verdict_for(float(relative_error(checked, truth_value))).key == "correct":
            facts["floor_hides"] = facts["exact_relative_difference"]
    return reading.diagnosis(
        "wrong",
        "wrong",
        recommended_by="wrong",
        reasons=("fd-resolved",) if resolved and independent is not None else (),
        consensus=consensus,
        spread=spread,
        vanished_note=False,
        **facts,
    )
