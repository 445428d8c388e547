"""The diagnosis' case builders: the estimate, correct/limited and wrong readings with their
facts (``diagnose`` in ``fdgui.core.sweep.diagnosis`` chooses the case)."""

from __future__ import annotations

from typing import Any

import numpy as np

from fdgui.core.numbers.verdicts import Verdict, verdict_for
from fdgui.core.sweep.engine import SweepResult, relative_error
from fdgui.core.sweep.evidence import _slope
from fdgui.core.sweep.noise import noise_dominates
from fdgui.core.sweep.reading import Diagnosis, _Reading
from fdgui.core.sweep.references import ReferenceValue


def _best_possible(result: SweepResult, checked: float, mask: np.ndarray) -> float | None:
    """The smallest relative error a correct gradient could show in this dtype and range
    (None for measured rows: their truncation is not known at each ε)."""
    if result.kind == "measured":
        return None
    size = max(abs(checked), 1e-8)
    predicted = result.predicted_error("central", gradient=size)[mask]
    predicted = predicted[np.isfinite(predicted)]
    return None if predicted.size == 0 else float(predicted.min() / size)


def _recommend(
    result: SweepResult, rule: dict[str, float], against: float | None = None
) -> tuple[dict[str, float], str, str | None]:
    """The measured best ε per scheme where it is any good, else the rule of thumb; the rule
    that chose them, and the scheme left at the rule of thumb (if only one is). "Any good"
    against the gradient under check, or against ``against`` (a trusted reference's value)."""
    recommended: dict[str, float] = {}
    fallbacks: list[str] = []
    for scheme in ("central", "forward"):
        curve = result.curves[scheme]
        best = curve.best_relative_error
        if against is not None and curve.best_estimate is not None:
            best = float(relative_error(np.array([curve.best_estimate]), against)[0])
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
            estimate_limit=truth.limit,
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
    if result.kind != "measured" and value is not None:
        # the decade of ε whose differences spread least, its bar their spread plus the
        # round-off and truncation there: one ε's predicted error is no bound where the
        # loss bends inside the range (a kink 1.2e-7 beside w = 1e6: 0.22 ± 6.7e-6 for a
        # slope of −1.75, review9i C6)
        from fdgui.core.sweep.fd_verdict import fd_bar
        from fdgui.core.sweep.guides import reading_mask

        finite = ~result.vanished & np.isfinite(central.estimates)
        own = fd_bar(result, reading_mask(result, finite))
        if own is not None:
            value, bar = own
    # how many distinct ε the estimate could be read from (the words say why no bar)
    steps = result.epsilons[~result.vanished & np.isfinite(central.estimates)]
    return reading.diagnosis(
        "estimate",
        "estimate",
        consensus=consensus,
        spread=spread,
        estimate=value,
        estimate_error=bar,
        estimate_method="finite differences",
        usable_steps=int(np.unique(steps).size),
    )


def _unresolved(
    reading: _Reading,
    reference: ReferenceValue | None,
    consensus: float | None,
    spread: float | None,
) -> Diagnosis:
    """The gradient under check is neither confirmed nor refuted: the reference that would
    judge it has a bar too wide for that, or (measured rows) there is none with a bound.

    ``limit`` names what keeps it so: "truncation" (the rows do not follow the h² law, or
    truncation dominates the bar: ε too large for the loss's scale) or "round-off" (the
    losses' round-off over ε dominates)."""
    facts: dict[str, Any] = {"source": reading.result.kind}
    result = reading.result
    if result.kind == "measured":
        central = result.central.estimates[~result.vanished & np.isfinite(result.central.estimates)]
        if central.size and not np.any(central):
            facts["all_zero"] = True  # every row's L+ = L−: nothing scatters
    limit = None
    if reference is not None:
        limit = reference.limit
        facts.update(
            estimate=reference.value if np.isfinite(reference.value) else None,
            estimate_error=reference.error,
            estimate_method=reference.method,
            estimate_status=reference.status,
        )
        if reference.kink is not None and reference.error and reference.kink >= reference.error / 2:
            facts["kink_room"] = reference.kink
            facts["no_loss_at_w"] = not bool(np.isfinite(result.forward.estimates).any())
    if limit is None:
        limit = "round-off" if reference is not None and reference.trusted else "truncation"
    noisy = limit == "round-off" or reading.facts.get("noise_hides") is not None
    if noisy and noise_dominates(result):  # σ/ε, not u·|L|/ε (noise.py)
        limit = "noise"
    facts["limit"] = limit
    recommended, recommended_by = None, "no-useful-epsilon"
    if reference is not None and reference.trusted and np.isfinite(reference.value):
        # the differences' V measured against the reference, not the claim it leaves
        # undecided (a "0.7648" typed for 0.764842: "no ε … useful" beside differences that
        # resolve the derivative to 1e-11, review10j M1)
        recommended, recommended_by, facts["fallback"] = _recommend(
            result, reading.rule, reference.value
        )
    return reading.diagnosis(
        "estimate",
        "unresolved",
        recommended,
        recommended_by=recommended_by,
        limited_by=limit,
        consensus=consensus,
        spread=spread,
        **facts,
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
        # against a gradient of exactly 0 no relative error exists (it was 1e283): the
        # absolute error against the bars judges there (docs/DIAGNOSIS.md)
        if index is not None and checked != 0:
            exact = float(central.errors[index]) / abs(checked)
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
    elif result.kind == "measured":
        # the row's distance from the rows' own limit (their trusted reference; else the
        # gradient) beyond its round-off: the gradient's own distance from that limit is
        # no truncation (a 1e-4 offset was "the truncation the rows' ε leave" where the rows
        # reached 1e-12 of the truth)
        limit = next(
            (r.value for r in result.references if r.method == "Richardson" and r.trusted),
            checked,
        )
        parts["truncation"] = abs(float(result.central.estimates[index]) - limit)
        parts["truncation"] -= parts["round-off"]
    cause = max(parts, key=lambda key: parts[key])
    return "noise" if cause == "round-off" and noise_dominates(result) else cause


def _resolved_error(result: SweepResult, agreeing: ReferenceValue | None) -> float | None:
    """How close the best central difference gets to the derivative, for the words "get no
    closer than": measured rows' relative error against the trusted reference over them
    (against the gradient under check it is that gradient's distance, up to the bars: a 1 %
    bug read "no closer than 9.9e-3" over float64 rows 1e-6 from the truth, review12t C3),
    else the curve's (against the gradient under check)."""
    central = result.central
    index = central.best_index
    if result.kind != "measured" or agreeing is None or not agreeing.trusted or index is None:
        return central.best_relative_error
    estimate = float(central.estimates[index])
    return float(relative_error(estimate, agreeing.value))


# the finite differences alone confirm only where even their allowed error leaves the
# gradient told from a wrong one: at most this share of it (diagnosis.RESOLVING's quarter)
ALLOWANCE_RESOLVES = 0.25


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
    facts: dict[str, Any] = {"source": result.kind}
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
            best_relative_error=_resolved_error(result, agreeing),
            best_epsilon=central.best_epsilon,
        )
        possible = facts.get("possible")
        if agreeing is None and possible is not None and possible > ALLOWANCE_RESOLVES:
            # an allowed error that wide could not tell the gradient from a wrong one (a 10 %
            # bug beside a bfloat16 part "consistent" with an allowance of 1.7, review15x H1)
            reading.facts.update(allowance_too_wide=possible)
            return _unresolved(reading, None, consensus, spread)
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


RESOLVING = 0.1  # a difference resolves the derivative where its predicted error is ≤ this


def _resolving_reading(result: SweepResult, truth: float, apart: float) -> float | None:
    """Where the central differences settle, read only over the ε that resolve a derivative
    of the reference's size (predicted error — round-off, the rounding of w ± ε, truncation
    from the exact higher derivatives and what the differences show — at most RESOLVING of
    it): the flattest run of all ε lay beyond a pole 1e-6 from w, where the differences fall
    like 1/ε² ("settle near 1.37" beside a derivative of −1.0e12, review10i M2). The decade
    of them that spreads least, else their flattest run; and only where that reading's bar
    (the decade's spread plus its predicted error; the run's spread) is at most a quarter of
    ``apart`` (|g − T|), so that it tells the gradient under check from the reference. None
    otherwise: the words then claim no settling."""
    from fdgui.core.sweep.guides import settled_reading

    if result.kind == "measured" or not np.isfinite(truth) or truth == 0:
        return None
    estimates = result.central.estimates
    with np.errstate(all="ignore"):
        predicted = result.predicted_error("central", gradient=abs(truth))
        mask = (
            ~result.vanished
            & np.isfinite(estimates)
            & (result.loss_plus != result.loss_minus)
            & (predicted <= RESOLVING * abs(truth))
        )
    if mask.sum() < 2:
        return None
    own = settled_reading(result, mask)
    if own is None:  # less than a decade of them: the flattest run among them
        from fdgui.core.sweep.diagnosis import _consensus

        value, spread, _ = _consensus(result, mask)
        own = None if value is None or spread is None else (value, spread)
    if own is None or not np.isfinite(own[1]) or not apart > 4.0 * own[1]:
        return None
    return own[0]


def _wrong(
    reading: _Reading,
    consensus: float | None,
    spread: float | None,
    independent: ReferenceValue | None,
    below_kink: float | None = None,
    outside_sides: tuple[float, float] | None = None,
    pole: float | None = None,
    outvoted: ReferenceValue | None = None,
) -> Diagnosis:
    result = reading.result
    checked = reading.facts["checked"]
    best = result.central.best_relative_error
    truth = independent.value if independent is not None else consensus
    factor = None  # checked / truth, when it is far from 1 and of the same sign
    # not against the slopes' average at a kink, nor a truth its own bar cannot tell from 0
    # ("1.08, about 2.16 times the true value" at a relu whose slopes are 0 and 1)
    bar = independent.error if independent is not None else spread
    meaningful = outside_sides is None and not (
        truth is not None and bar is not None and abs(truth) <= 2.0 * bar
    )
    if (
        meaningful
        and truth not in (None, 0)
        and checked != 0
        and truth * checked > 0
        and np.isfinite(checked)
    ):
        factor = checked / truth
        if 1 / 1.5 <= factor <= 1.5:
            factor = None
    if independent is not None and consensus is not None:
        apart = abs(checked - independent.value)
        consensus = _resolving_reading(result, independent.value, apart)
    resolved = best is not None and np.isfinite(best) and consensus not in (None, 0.0)
    resolved = resolved and pole is None  # across a pole the differences resolve nothing
    facts: dict[str, Any] = {"factor": factor, "best_relative_error": best}
    if independent is not None:
        facts.update(independent_method=independent.method, independent_value=independent.value)
    if below_kink is not None:
        facts["below_kink"] = below_kink
    if outside_sides is not None:
        facts["outside_sides"] = outside_sides
    if outvoted is not None:  # a reference whose bar is far wider than the differences resolve
        facts.update(
            outvoted_method=outvoted.method,
            outvoted_value=outvoted.value,
            outvoted_error=outvoted.error,
        )
    if independent is not None:
        facts["independent_error"] = independent.error
        truth_value = independent.value
        facts["exact_relative_difference"] = abs(checked - truth_value) / max(
            abs(truth_value), abs(checked), 1e-300
        )
        # only when the 1e-8 floor is the cause: the error against the gradient itself is
        # not "Correct" (a 3.6e-9 difference of 0.76 is "Correct" by the band alone: M1)
        if (
            verdict_for(float(relative_error(checked, truth_value))).key == "correct"
            and verdict_for(facts["exact_relative_difference"]).key != "correct"
        ):
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


def _flat_rows(reading: _Reading, checked: ReferenceValue | None) -> Diagnosis:
    """Measured rows whose losses never change (L+ = L− (= L) on every row): nothing rounded
    w ± ε back to w — the change of the loss is below the digits the rows give. Nothing is
    judged, with or without a gradient under check (kind ``estimate``, case ``flat-rows``).

    ``resolution`` is the least change of the central difference the rows could show: the
    losses' round-off and printed digits over ε (their ± at the row where it is smallest,
    mostly the largest ε). A loss smooth on the scale of these ε has a derivative below about
    that; one that is not (an oscillation whose period divides every 2ε) can have any."""
    result = reading.result
    if checked is not None:  # rows that resolve it refute it (``flat_rows``)
        from fdgui.core.sweep.flat_rows import flat_rows_refute

        refuted = flat_rows_refute(result, float(checked.value))
        if refuted is not None:
            return reading.diagnosis(
                "wrong",
                "wrong",
                recommended_by="wrong",
                vanished_note=False,
                factor=None,
                best_relative_error=result.central.best_relative_error,
                **refuted,
            )
    floor = np.asarray(result.roundoff_floor, dtype=float)
    finite = np.isfinite(floor) & (floor > 0)
    facts: dict[str, Any] = {
        "source": result.kind,
        "rows": int(result.epsilons.size),
        "has_loss": bool(np.isfinite(result.forward.estimates).any()),  # an L column
    }
    if finite.any():
        index = int(np.flatnonzero(finite)[np.argmin(floor[finite])])
        facts.update(
            resolution=float(floor[index]), resolution_epsilon=float(result.epsilons[index])
        )
    if checked is not None:
        facts["change"] = 2.0 * abs(checked.value) * float(np.max(result.epsilons))
    return reading.diagnosis(
        "estimate",
        "flat-rows",
        recommended_by="no-useful-epsilon",
        vanished_note=False,
        **facts,
    )
