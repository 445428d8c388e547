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

from typing import Any

import numpy as np

from fdgui.core.sweep.cases import (
    _correct_or_limited,
    _estimate,
    _flat_rows,
    _unresolved,
    _wrong,
)
from fdgui.core.sweep.claim import (
    agreement_facts,
    allowance,
    computation_too_coarse,
    formula_too_coarse,
    own_error,
    too_few_digits,
)
from fdgui.core.sweep.engine import SweepResult, relative_error
from fdgui.core.sweep.evidence import _kink, one_sided_slopes, pole_within_range
from fdgui.core.sweep.extended import TOO_LARGE
from fdgui.core.sweep.fd_verdict import _fd_contradicts, fd_bar, fd_outvotes
from fdgui.core.sweep.guides import reading_refutes, settled_reading
from fdgui.core.sweep.hidden_kink import hidden_kink_at, hidden_sides
from fdgui.core.sweep.reading import (
    CASES,
    KINDS,
    LIMITS,
    REASONS,
    RECOMMENDATIONS,
    Diagnosis,
    _Reading,
)
from fdgui.core.sweep.references import ReferenceValue
from fdgui.core.sweep.settled import (
    jump_keeps_rising,
    settled_refutes,
    sides_refute,
    unsupported,
)
from fdgui.core.sweep.typed import computed_exactly

__all__ = ["CASES", "KINDS", "LIMITS", "REASONS", "RECOMMENDATIONS", "Diagnosis", "diagnose"]

CONSENSUS_WINDOW = 7
WRONG_BAND = 1e-2  # the calculator's "Wrong" band starts here (numbers.verdicts.VERDICTS)


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


SAFETY_FACTOR = 2.0  # a disagreement must exceed twice the combined error bars to be "wrong"
UNKNOWN_GRADIENT_ERROR = 1e-6  # relative error assumed for a gradient that states none


def _gradient_bar(checked: ReferenceValue, truth: float) -> float:
    """What the gradient under check may be off by as computed: its own bar (a typed
    expression's float64 round-off, measured) or, when it states none (a backprop), 1e-6 of
    its size."""
    if checked.error is not None and np.isfinite(checked.error):
        # without a typed claim's own rounding, taken once (allowance, core/sweep/claim.py)
        return own_error(checked) + 4.0 * 2.0**-53 * abs(checked.value)
    return UNKNOWN_GRADIENT_ERROR * max(abs(checked.value), abs(truth))


def _disagrees(checked: ReferenceValue, reference: ReferenceValue) -> bool:
    """|g − T| > 2 · (bar of T + bar of g): resolved beyond both error bars."""
    bar = float(reference.error or 0.0) + _gradient_bar(checked, reference.value)
    difference = abs(checked.value - reference.value)
    return difference - allowance(checked, reference) > SAFETY_FACTOR * bar


RESOLVING = 0.25  # a reference judges only where both bars together are ≤ 1/4 of the gradient


def _resolves(checked: ReferenceValue, reference: ReferenceValue, share: float = RESOLVING) -> bool:
    """Whether ``reference`` can tell the gradient under check from twice, half or minus it:
    the window 2·(bar of T + bar of g) within which it confirms is at most a quarter of
    |T| (not of |g|: the verdict stays monotone in how far g is off). Then a confirmed g
    is within 3/8 of the truth the bar bounds (a factor 2, a half or a sign flip cannot be
    confirmed); a wider bar confirms nothing. ``share``: that quarter, or a narrower one."""
    window = SAFETY_FACTOR * (
        float(reference.error or 0.0) + _gradient_bar(checked, reference.value)
    )
    # by |T| alone: a larger claimed gradient must not loosen its own threshold
    return window <= min(share, RESOLVING) * max(abs(reference.value), 1e-300)


def _note_own_bar(reading, checked: ReferenceValue, reference: ReferenceValue) -> None:
    """When the gradient under check's own measured bar (a typed expression's float64
    round-off) is what keeps ``reference`` from resolving it, the words name that bar."""
    own = _gradient_bar(checked, reference.value)
    if checked.error is not None and np.isfinite(checked.error) and own > (reference.error or 0):
        reading.facts["own_error"] = own


def _not_a_number(reading) -> Diagnosis:
    """The gradient under check is NaN or ±inf and no trusted reference says what it should
    be (against one it is wrong, decided first): never correct, nothing is judged (case
    ``checked-not-finite``, exit 2)."""
    return reading.diagnosis("undefined", "checked-not-finite", recommended_by="no-useful-epsilon")


def _overflows(reading, exactly: ReferenceValue, truth: ReferenceValue) -> Diagnosis:
    """A typed formula whose float64 evaluation is not finite while its exact value agrees
    with ``truth``: the formula is right, its float64 evaluation is not; nothing is judged
    (case ``checked-overflows``, exit 2)."""
    return reading.diagnosis(
        "estimate",
        "checked-overflows",
        recommended_by="no-useful-epsilon",
        exact_value=exactly.value,
        exact_error=exactly.error,
        agreeing_method=truth.method,
        agreeing_value=truth.value,
        agreeing_error=truth.error,
    )


def _seed_relative(checked: float, truth: float) -> float:
    return float(relative_error(checked, truth))


def _domain_edge_in_range(result, analytic, checked, usable) -> tuple[float, float] | None:
    """(the loss's scale at w, the smallest ε) when a narrowed range reaches past the edge of
    the loss's domain (no central difference is finite) while the exact derivative at w is
    trusted and the dtype could form ε well inside that scale: the range, not w, is to
    blame (log(w) at 1e-3 swept from ε = 0.01), so the analytic reference judges."""
    if (
        checked is None
        or analytic is None
        or checked is analytic
        or not analytic.trusted
        or usable.any()
        or result.point is None
    ):
        return None
    rows = ~result.vanished
    if not rows.any():
        return None
    smallest = float(result.epsilons[rows].min())
    gap = result.spacing
    if gap is None or not np.isfinite(gap) or gap > smallest / 2:
        return None  # the dtype itself cannot form ε inside the range's smallest
    gradient, second, third = analytic.value, result.curvature, result.third_derivative
    with np.errstate(all="ignore"):
        scales = [
            abs(result.loss / gradient) if gradient else np.inf,
            abs(2 * gradient / second) if second else np.inf,
            float(np.sqrt(abs(6 * gradient / third))) if third else np.inf,
        ]
    finite = [float(x) for x in scales if np.isfinite(x) and x > 0]
    if not finite and second is None and third is None:
        # no Taylor scale at w (w**1.5 at 0: L = L' = 0, no finite L''): w itself sits on the
        # edge, every ε crosses it; 0 says so (the words give no "sweep smaller ε")
        return 0.0, smallest
    # the distance the loss's Taylor expansion holds over (the smallest reading): the edge
    # is at least that close for the range's ε to leave the domain
    return (min(finite) if finite else smallest), smallest


def _edge_range_too_large(reading, analytic, checked, edge) -> Diagnosis:
    """The typed derivative agrees with the exact one; the range's ε all reach past the
    domain's edge (see ``_domain_edge_in_range``)."""
    reading.facts.update(
        agreeing_method=analytic.method,
        agreeing_value=analytic.value,
        agreeing_error=analytic.error,
        relative_difference=_seed_relative(checked.value, analytic.value),
    )
    return reading.diagnosis(
        "correct",
        "range-too-large",
        recommended_by="no-useful-epsilon",
        limited_by="range",
        loss_scale=edge[0],
        smallest_epsilon=edge[1],
        gap=reading.result.spacing,
    )


def diagnose(result: SweepResult) -> Diagnosis:
    """DIAGNOSIS.md: _diagnose, too_few_rows, contradicting_rows, tread_claim, explained_wrong."""
    from fdgui.core.sweep.contradicting_rows import contradicting_rows
    from fdgui.core.sweep.grid_tread import tread_claim
    from fdgui.core.sweep.measured import too_few_rows
    from fdgui.core.sweep.row_explained import explained_wrong

    diagnosis = contradicting_rows(result, too_few_rows(result, _diagnose(result)))
    return explained_wrong(result, tread_claim(result, diagnosis))


def _diagnose(result: SweepResult) -> Diagnosis:
    """Undefined, kink at w, wrong (trusted reference), vanished, kink crossed, estimate,
    wrong/consistent by the finite differences alone, correct."""
    reading = _Reading(result)
    rule = reading.rule
    usable = ~result.vanished & np.isfinite(result.central.estimates)
    checked = result.reference
    if checked is not None:
        reading.facts.update(method=checked.method, checked=checked.value)
    blind = _blind(result, usable)
    if blind is not None:  # the ε where an inner format does not move measure nothing
        if not (usable & ~blind).any():
            if checked is not None:  # no ε above them resolves the derivative: undecided
                reading.facts["inner_unresolved"] = True
                return _unresolved(reading, None, None, None)
        else:
            usable = usable & ~blind
    trusted = result.trusted_references()
    truth = trusted[0] if trusted else None
    analytic = next((r for r in result.references if r.method == "analytic"), None)
    # an expression's derivative in extended precision has a rigorous bar: when it is an
    # independent reference it alone judges (the others are shown); when it is itself the
    # gradient under check, nothing can show it wrong — only how far the others confirm it
    if analytic is not None and analytic.trusted and analytic is not checked:
        truth = analytic
    exact_under_check = checked is not None and checked is analytic and checked.trusted
    if exact_under_check and truth is not None and not _resolves(checked, truth):
        # a bar too wide to tell it from twice or half of it confirms nothing (review10i M7)
        truth = next((r for r in trusted if r is not checked and _resolves(checked, r)), None)
    # 1. undefined: no loss at w, no derivative at w, or no finite difference at any ε
    if result.point is not None and not np.isfinite(result.loss):
        return reading.diagnosis("undefined", "not-finite-at-w")
    if (
        checked is not None
        and checked is not analytic
        and not np.isfinite(checked.value)
        and truth is not None
    ):
        # a gradient that is not a number, where the loss has a trusted derivative: wrong,
        # before any range reading (a domain edge) could confirm it — unless only its float64
        # evaluation overflows and its exact value agrees (review10i M9; core/sweep/typed.py)
        exactly = computed_exactly(checked)
        if exactly is not None and not _disagrees(exactly, truth):
            return _overflows(reading, exactly, truth)
        return _wrong(reading, None, None, truth)
    one_sided = ~result.vanished & (
        np.isfinite(result.forward.estimates) | np.isfinite(result.backward.estimates)
    )
    edge = _domain_edge_in_range(result, analytic, checked, usable)
    if edge is not None:
        beyond = np.concatenate([result.loss_plus, result.loss_minus])
        beyond = beyond[~np.isfinite(beyond)]
        reading.facts.update(
            domain_edge=True,
            edge_at_w=edge[0] == 0.0,
            # ±inf only, no NaN: the loss overflows there (exp(1000·w)), no domain ends
            overflow=bool(beyond.size and not np.isnan(beyond).any()),
        )
        if _disagrees(checked, analytic):
            return _wrong(reading, None, None, analytic, pole=edge[0])
        if not _resolves(checked, analytic):
            # the same resolving rule as every other reference: a bar too wide confirms nothing
            _note_own_bar(reading, checked, analytic)
            return _unresolved(reading, analytic, None, None)
        return _edge_range_too_large(reading, analytic, checked, edge)
    if not usable.any() and one_sided.any():
        side = "forward" if np.isfinite(result.forward.estimates).any() else "backward"
        return reading.diagnosis("undefined", "one-sided", side=side)
    if not usable.any() and not result.vanished.all():
        return reading.diagnosis("undefined", "not-finite")
    if analytic is not None and analytic.status == "undefined":
        if TOO_LARGE in analytic.note:  # it exists, beyond float64 (1/w at 1e-300: M3)
            return reading.diagnosis("estimate", "derivative-overflows")
        return reading.diagnosis("undefined", "undefined-at-w", why=analytic.note)
    if checked is not None and not np.isfinite(checked.value):
        return _not_a_number(reading)
    consensus, spread, _ = _consensus(result, usable) if usable.any() else (None, None, -1)
    reading.note_vanished()
    # 2. a kink at w: the expression says a branch switches there, or (any other model) the
    # one-sided differences keep a jump that does not shrink with ε
    kink_reference = analytic if analytic is not None and analytic.status == "kink" else None
    kink, kink_epsilon = (None, None)
    # measured rows under check are judged by the Richardson reference over the rows that
    # follow the h² law, or not at all: one-sided differences of rows beyond the loss's scale
    # leap like a kink (sin(100·w) at ε = 0.1), so they are not read as one
    rows_under_check = result.kind == "measured" and checked is not None
    if result.switched is None and not result.smooth and usable.any() and not rows_under_check:
        kink, kink_epsilon = _kink(result, usable)
    hidden_kink = hidden_kink_at(result, blind, kink_reference)
    if hidden_kink is not None:  # every usable ε crosses it: no reference but an expression's
        truth = truth if truth is analytic else None
        kink, kink_epsilon = ("at", hidden_kink[0]) if kink != "at" else (kink, kink_epsilon)
    if kink_reference is not None or (kink == "at" and truth is None):
        sides = kink_reference.sides if kink_reference is not None else None
        read_error = 0.0
        if sides is None and checked is not None:
            # no expression to say the slopes: read them from the one-sided differences
            # (a probe's gradient of 5 at |t| at 0 was "one choice" of the subgradient)
            read = one_sided_slopes(result, usable, cut=True)  # M1: a cut decade's bar
            hidden = None if hidden_kink is None else hidden_sides(hidden_kink[1], result, usable)
            if hidden is not None and (read is None or hidden[1] < read[1]):  # the closer
                read = hidden
            if read is not None:
                sides, read_error = read
        # the jump is read from this ε up: a kink that close to w is all it shows (M1)
        facts: dict[str, Any] = {} if kink_epsilon is None else {"kink_within": kink_epsilon}
        if sides is not None:
            facts["sides"] = sides
        if kink_reference is None and sides is not None:
            facts["sides_error"] = 2.0 * read_error
        if checked is not None and sides is not None and checked is not kink_reference:
            known = [s for s in sides if s is not None]
            if known:
                low, high = min(known), max(known)
                slack = (
                    SAFETY_FACTOR * _gradient_bar(checked, high)
                    + allowance(checked)
                    + 1e-12 * max(abs(low), abs(high))
                    + 2.0 * read_error
                )
                if not low - slack <= checked.value <= high + slack:
                    return _wrong(reading, consensus, spread, None, outside_sides=(low, high))
                facts["subgradient"] = True
                # strictly between, or outside by less than the slack (the words differ)
                facts.update(between=bool(low <= checked.value <= high), subgradient_slack=slack)
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
    # 3. a reference's wide bar never outvotes the finite differences where they resolve
    # the derivative far better (sin(1e3·w)'s 5 % bug inside a Richardson bar of 5 %): they
    # judge, refuting beyond twice both bars, else as with no reference (step 7)
    outvoted = None
    if (
        checked is not None
        and truth is not None
        and not exact_under_check
        and kink is None
        and (result.switched is None or not result.switched.any())
        and (own := fd_outvotes(result, truth, usable)) is not None
    ):
        if _disagrees(checked, ReferenceValue("finite differences", *own)) and _fd_contradicts(
            result, checked.value, usable
        ):
            return _wrong(reading, consensus, spread, None, outvoted=truth)
        if not _disagrees(checked, truth):  # a wide bar may not confirm; its own
            # disagreement still counts (a 1e-4 bug against 1 ± 1.8e-14, the differences
            # 1 ± 1.1e-16, fell through to "consistent", exit 0: review_final19 C1)
            outvoted, truth = truth, None
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
        # within 1 % but the finite differences themselves, at every ε that resolves the
        # gradient, sit far from it (neither side matching it, which a kink beside w would
        # leave): the loss's own measurements refute it, whatever a kink could do to the
        # reference's steps (review9i: every 1 % bug of a smooth probe was "too coarse")
        if _fd_contradicts(result, checked.value, usable):
            return _wrong(reading, consensus, spread, truth, pole=pole)
        # nor where both one-sided differences, each resolving a tenth of the difference,
        # lie beyond their bars on the reference's side: no kink bends both sides that way
        if kink is None and sides_refute(result, checked.value, truth.value, usable):
            return _wrong(reading, consensus, spread, truth, pole=pole)
        # beyond the bars but within 1 %: a kink Richardson's steps cannot see could make a
        # difference that small, so it is not called wrong; nor is it a confirmation (a 1 %
        # bug against a bar of 1e-12 was "Gradient correct" for probes)
        reading.facts.update(
            kink_band=True,
            exact_relative_difference=abs(checked.value - truth.value)
            / max(abs(truth.value), abs(checked.value), 1e-300),
        )
        return _unresolved(reading, truth, consensus, spread)
    if checked is not None and truth is not None:
        reading.facts.update(
            agreeing_method=truth.method,
            agreeing_value=truth.value,
            agreeing_error=truth.error,
            relative_difference=_seed_relative(checked.value, truth.value),
            exact_relative_difference=abs(checked.value - truth.value)
            / max(abs(truth.value), abs(checked.value), 1e-300),
        )
        # a typed claim's own rounding (its last digit, the dtype's): core/sweep/claim.py
        strict = float(truth.error or 0.0) + _gradient_bar(checked, truth.value)
        reading.facts.update(agreement_facts(checked, truth, strict))
        if too_few_digits(reading.facts, checked):
            reading.facts["few_typed_digits"] = True
            return _unresolved(reading, truth, consensus, spread)
        if coarse := computation_too_coarse(reading.facts, checked, truth):
            reading.facts["computation_too_coarse"] = coarse
            return _unresolved(reading, truth, consensus, spread)
        if formula_too_coarse(checked, truth):  # its own round-off beyond seven digits
            reading.facts.update(own_error=_gradient_bar(checked, truth.value), own_coarse=True)
            return _unresolved(reading, truth, consensus, spread)
    # 3a. beyond both bars but not twice them: neither refutes nor confirms (a float16 5 % bug)
    if (
        checked is not None
        and truth is not None
        and not exact_under_check
        and abs(checked.value - truth.value)
        > float(truth.error or 0.0)
        + _gradient_bar(checked, truth.value)
        + allowance(checked, truth)
    ):
        reading.facts["beyond_bars"] = True
        return _unresolved(reading, truth, consensus, spread)
    # an agreeing reference whose bar cannot tell g from 2g, g/2 or −g confirms nothing
    if (
        checked is not None
        and truth is not None
        and not exact_under_check
        and not _resolves(checked, truth)
    ):
        _note_own_bar(reading, checked, truth)
        return _unresolved(reading, truth, consensus, spread)
    # a noisy loss's reference (its bar the noise's spread, σ measured from a few repeats)
    # confirms only where a gradient off by the "Wrong" band would lie beyond twice its bar
    # (review9m HIGH-1: a 1 % bug "confirmed" by a Richardson reference of ± 1.7 %)
    if (
        checked is not None
        and truth is not None
        and not exact_under_check
        and result.extras.get("noise_sigma")
        and not _resolves(checked, truth, WRONG_BAND)
    ):
        return _unresolved(reading, truth, consensus, spread)
    if pole is not None and pole[2] and checked is None:
        pole = None  # only the range is too large: the estimate reads it
    if pole is not None and pole[2]:
        # the dtype could form ε below the distance the loss changes over: only the chosen
        # range is too large; the reference that judged above confirms the gradient
        return reading.diagnosis(
            "correct",
            "range-too-large",
            recommended_by="no-useful-epsilon",
            limited_by="range",
            consensus=consensus,
            spread=spread,
            loss_scale=pole[0],
            smallest_epsilon=float(result.epsilons[usable].min()),
            gap=result.spacing,
        )
    if pole is not None:
        # the loss and its derivative exist: a reference that judged above confirms a gradient
        # under check (review10i M3), else the exact value is only read, not judged
        confirmed = (
            truth is not None
            and checked is not None
            and truth is not checked
            and not _disagrees(checked, truth)  # the analytic one under check: checked here
        )
        return reading.diagnosis(
            "correct" if confirmed else "estimate",
            "pole-confirmed" if confirmed else "pole-in-range",
            recommended_by="no-useful-epsilon",
            limited_by="spacing" if confirmed else None,
            pole_distance=pole[0],
            pole=pole[1],
            smallest_epsilon=float(result.epsilons[usable].min()),
            analytic_value=analytic.value if analytic is not None else None,
            analytic_error=analytic.error if analytic is not None else None,
        )
    # 4. vanished: no ε of the range changes w (or, for rows, the loss) at all
    if not usable.any() or result.vanished.all():
        if result.kind == "measured":  # rows: w ± ε moved; the losses show no change
            return _flat_rows(reading, checked)
        reach = _beyond_reach(result, analytic)
        return reading.diagnosis(
            "vanished",
            "vanished",
            recommended_by="no-useful-epsilon" if reach else "rule",
            has_point=result.point is not None,
            vanished_note=False,
            **reach,
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
            if checked is not None and truth is None and not exact_under_check:
                judged = _below_kink(
                    reading, checked, (below, usable), consensus, spread, kink_epsilon
                )
                if judged is not None:
                    return judged
        if checked is None and below.any():
            consensus = _settled_estimate(reading, below, consensus)
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
    # 7. no trusted reference: measured rows are then unresolved (their truncation is
    # bounded only by a Richardson reference over them); else the finite differences decide
    if truth is None and not exact_under_check and result.kind == "measured":
        rows_reference = next((r for r in result.references if r.method == "Richardson"), None)
        return _unresolved(reading, rows_reference, consensus, spread)
    if (
        truth is None
        and outvoted is None  # the differences' own bar judged above and agreed
        and not exact_under_check
        and _fd_contradicts(result, checked.value, usable)
    ):
        if reading_refutes(result, checked.value, usable):  # worded by that reading
            consensus = settled_reading(result, usable)[0]
        return _wrong(reading, consensus, spread, None)
    # 7a. nor consistent when no decade of ε follows it: the ε closest to it is then a
    # chance crossing (differences oscillating over ε, or stepping by the loss's ulps)
    if (
        truth is None
        and not exact_under_check
        and unsupported(result, checked.value, usable, _gradient_bar(checked, checked.value))
    ):
        return _unfollowed(reading, consensus, spread, usable)
    # 7b. nor where a noisy loss's scatter hides the gradient at every ε (core/sweep/noise.py)
    if truth is None and not exact_under_check and result.extras.get("noise_sigma"):
        from fdgui.core.sweep.noise import noise_hides

        if (least := noise_hides(result, checked.value, usable)) is not None:
            reading.facts["noise_hides"] = least
            return _unresolved(reading, None, consensus, spread)
    # 8. correct: how close the finite differences in this dtype get, and what confirms it
    return _correct_or_limited(reading, truth, consensus, spread, usable)


def _blind(result: SweepResult, usable: np.ndarray) -> np.ndarray | None:
    """The usable ε at or below a coarser inner format's first move (review15x X1)."""
    if result.kind == "measured" or not usable.any():
        return None
    from fdgui.core.sweep.inner_format import blind_stretch

    return blind_stretch(result)


def _beyond_reach(result: SweepResult, analytic: ReferenceValue | None) -> dict[str, Any]:
    """Where every ε vanished: the loss's scale at w (``evidence.loss_scale``) when even the
    smallest ε that changes w (half the gap there) is beyond half of it — a larger ε would
    straddle the pole or average over the scale, so the words give no "sweep larger ε"
    (review10i M4: sin at 1e8 in float32 changes completely within 2.6, the gap is 8)."""
    gap = result.spacing
    if analytic is None or not analytic.trusted or gap is None or not np.isfinite(gap):
        return {}
    from fdgui.core.sweep.evidence import loss_scale

    read = loss_scale(result, analytic.value)
    if read is None or not np.isfinite(read[0]) or gap / 2 <= read[0] / 2:
        return {}
    return {"reach_scale": read[0], "reach_pole": read[1]}


def _settled_estimate(reading, below: np.ndarray, consensus: float | None) -> float | None:
    """With nothing under check, the estimate below a kink crossed in the range and a bar
    that bounds it (facts ``settled``, ``settled_error``): the decade of ε whose
    differences spread least, with their round-off and truncation (``fd_verdict.fd_bar``;
    the flattest seven ε's spread missed x⁴'s slope by 1.4 bars, review9i C7), or, where
    the loss did not change at any ε there, 0 within the least u·|L|/ε: the derivative is
    below what they resolve (it was "0 ± 0"). Returns the estimate."""
    from fdgui.core.sweep.guides import reading_mask

    result = reading.result
    own = fd_bar(result, reading_mask(result, below))
    if own is None and np.all(result.loss_plus[below] == result.loss_minus[below]):
        own = (0.0, float(np.min(result.roundoff_floor[below])))
        reading.facts["settled_flat"] = True
    if own is None:
        return consensus
    reading.facts.update(settled=own[0], settled_error=own[1])
    return own[0]


def _below_kink(reading, checked, masks, consensus, spread, kink_epsilon) -> Diagnosis | None:
    """A kink crossed inside the range (at about ``kink_epsilon``): the gradient judged by
    the ε below it (``masks``: those ε, and every usable one), where the loss is smooth,
    with no reference. Wrong where the differences there refute it at (nearly) every
    resolving ε, or where their settled reading puts it beyond twice both bars and no
    decade of them follows it (a 1 % bug 3.6e-8 beside a kink, review_final19 C6); too
    coarse where no decade follows it below the kink or — where the one-sided gap keeps
    rising past it as no kink's does — over every ε (x⁴ + 1e-12·x
    read as a kink at 3.7e-4: a sign flip its own settled bar refutes was "not
    contradicted", review9i C4); None: the kink reading stands."""
    result = reading.result
    below, usable = masks
    if _fd_contradicts(result, checked.value, below):
        return _wrong(reading, consensus, spread, None, below_kink=kink_epsilon)
    bar = _gradient_bar(checked, checked.value)
    if settled_refutes(result, checked.value, below, bar) is not None:
        return _wrong(reading, consensus, spread, None, below_kink=kink_epsilon)
    if unsupported(result, checked.value, below, bar):
        return _unfollowed(reading, consensus, spread, below)
    # with no kink at all (the gap keeps rising as a smooth loss's does: x⁴ + 1e-9·x),
    # the decade they settle on over every ε must follow it too (past a real kink they
    # settle on the slopes' average, or on J·d/ε: no judge of the slope at w)
    if jump_keeps_rising(result, usable, kink_epsilon) and unsupported(
        result, checked.value, usable, bar
    ):
        return _unfollowed(reading, consensus, spread, usable)
    return None


def _unfollowed(reading, consensus, spread, mask) -> Diagnosis:
    """Too coarse to judge: no decade of ε follows the gradient (``settled.unsupported``),
    so the ε that comes closest to it is no evidence; the differences' settled reading over
    ``mask`` (``fd_verdict.fd_bar``) is given."""
    from fdgui.core.sweep.fd_verdict import fd_bar

    own = fd_bar(reading.result, mask)
    reading.facts["unfollowed"] = True
    if own is not None:
        reading.facts.update(settled=own[0], settled_error=own[1])
    return _unresolved(reading, None, consensus, spread)
