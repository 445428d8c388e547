"""Richardson references the sweep's own finite differences show unconverged.

Richardson extrapolates central differences at its few steps as if they followed the h² law
D(h) = L' + c·h² + …; its bar is the tableau's spread plus the round-off each D(h) carries.
Two ways that bar can say nothing about the derivative at w, both seen only after the sweep:

- **A structure finer than its steps** (a small fast oscillation 1e-12·sin(5e7·w) on a
  constant loss, review_final19 CRITICAL-3): at every one of its steps the difference
  quotient averages the oscillation to about 0, the h² test passes within the round-off it
  measured (the oscillation itself, read as noise), and "3.8e-11 ± 2.8e-10" comes out where
  the derivative is −4.8e-5. The sweep's differences at ε far below its smallest step settle
  on −4.81e-5 over a decade. For a loss smooth on the scale of Richardson's steps, the
  differences at smaller ε only lose truncation, so they agree with it within both bars; a
  decade of them *below its smallest step* that settles beyond both bars is the derivative
  measured closer to w, and Richardson is unconverged (``refuted_below``). Not only near 0:
  a small fast ripple on a sloped loss, sin(w) + 1e-11·sin(1e6·w), gave the smooth part's
  slope "0.267498827 ± 9.7e-9", 921 bars from the derivative its differences at ε ≈ 1e-8
  measured (review9k CRITICAL-2). Where the differences below its steps do not settle but
  swing beyond its bar, their own predicted error and its smallest step's truncation
  (scaled by ε²) over a run of ε (``converged.deviates_below``), it is unconverged too. A
  staircase's steps (one-sided differences that leap and do not stay apart) are the
  exception: Richardson's slope through them stands.
- **Steps inside a quantum** (a loss rounded to 1e-5 with slope 0.98, review9i C5): its
  steps were cut until L(w + h) = L(w − h) at every one, an exact 0 with a tiny bar. A loss
  that changes only in whole quanta Q resolves no derivative below Q/(2h) at a step h; a bar
  below that at its largest step does not bound (``inside_quantum``).

Either way the reference is shown ``unconverged`` and never judges; the differences then
judge by their own rules.
"""

from __future__ import annotations

import numpy as np

from fdgui.core.sweep.budget import unavailable_then
from fdgui.core.sweep.fd_verdict import decade_windows

SEPARATION = 2.0  # the decade's value beyond twice both bars (as ``diagnosis._disagrees``)


def refuted_below(result, reference, mask: np.ndarray) -> bool:
    """Whether the central differences below ``reference``'s smallest step show it
    unconverged (a computed, trusted Richardson): a decade of them entirely below it
    settles beyond twice both bars from its value, or a run of them lies beyond twice its
    bar, the truncation its smallest step shows, and their own predicted error
    (``converged.deviates_below``: a structure finer than its steps that they resolve or
    swing with). Not where the value is resolved away from 0 and the one-sided differences
    show a staircase's steps (``_staircase``): Richardson's slope through the steps stands."""
    least = getattr(reference, "least", None)
    if reference.method != "Richardson" or not reference.trusted or not least:
        return False
    error, value = float(reference.error), float(reference.value)
    if abs(value) > SEPARATION * error and _staircase(result, mask):
        # finer structure below its steps is the loss's steps (a 1e-9 staircase on a
        # smooth loss, whose slope through its steps Richardson reads), not its derivative
        return False
    epsilons = np.asarray(result.epsilons, dtype=float)
    for window, median, bar in decade_windows(result, mask):
        top = float(np.max(epsilons[window]))
        if top < least and abs(median - value) > SEPARATION * (bar + error):
            return True
    return _swings_below(result, mask, value, error, float(least))


def _swings_below(result, mask: np.ndarray, value: float, error: float, least: float) -> bool:
    """``converged.deviates_below`` for a Richardson ``value`` ± ``error`` whose smallest
    step is ``least``: each smaller ε's predicted error widened by the truncation the
    central difference at that step shows, scaled down by the h² law (T·(ε/least)²)."""
    from fdgui.core.sweep.converged import deviates_below, rounds_as_float64, usable_central
    from fdgui.core.sweep.flat import loss_resolution

    if not rounds_as_float64(result):
        return False
    epsilons, estimates, usable = usable_central(result, mask)
    with np.errstate(all="ignore"):
        at_least = np.flatnonzero(usable & (epsilons >= least))
        if at_least.size == 0:
            return False
        nearest = at_least[np.argmin(epsilons[at_least])]
        truncation = abs(float(estimates[nearest]) - value)
        predicted = np.asarray(result.predicted_error("central", gradient=value), dtype=float)
        predicted = np.maximum(predicted, loss_resolution(result) / epsilons)
        predicted = predicted + truncation * (epsilons / least) ** 2
    return deviates_below(epsilons, estimates, usable, predicted, value, error, least)


def _staircase(result, mask: np.ndarray) -> bool:
    """Whether the one-sided differences leap at some ε and do not stay apart above it
    (``evidence._kink`` reads a break crossed that ``kink_stays`` does not keep): the
    steps of a staircase, a loss rounded to steps on top of a smooth one."""
    from fdgui.core.sweep.evidence import _kink, kink_stays
    from fdgui.core.sweep.straddle import crossed_kinks

    if result.smooth or result.switched is not None:  # an expression knows its kinks
        return False
    usable = np.asarray(mask, dtype=bool)
    with np.errstate(all="ignore"):  # differences near overflow (cosh at 700)
        kink, epsilon = _kink(result, usable)
        if kink != "crossed" or epsilon is None or kink_stays(result, usable, epsilon):
            return False
        return not crossed_kinks(result, epsilon)  # kinks on a grid bend back too (C1)


def inside_quantum(result, reference) -> bool:
    """Whether the loss changes in whole quanta Q (``quantum.loss_quantum``) and
    ``reference``'s bar is below what one quantum makes of a central difference at its
    largest step, Q/(2h): no entry of its tableau can be known that finely, so its steps
    could not resolve the derivative it states (all of them inside one quantum: 0)."""
    span = getattr(reference, "span", None)
    if result.kind == "measured" or reference.method != "Richardson" or not reference.trusted:
        return False
    if not span:
        return False
    from fdgui.core.sweep.quantum import loss_quantum

    quantum = loss_quantum(result)
    if quantum is None:
        return False
    return float(reference.error) < quantum / (2.0 * float(span))


def distrust_unsettled(result):
    """``result`` with its trusted Richardson reference marked ``unconverged`` when the
    sweep's differences show it measured no derivative (``refuted_below``,
    ``inside_quantum``); unchanged otherwise, and for measured rows."""
    from dataclasses import replace

    from fdgui.core.sweep.straddle import _trusted_richardson, _with_references

    judging = _trusted_richardson(result)
    if judging is None:
        return result
    found, usable = judging
    richardson = result.references[found]
    if inside_quantum(result, richardson):
        why = (
            "its steps lie inside the loss's quantum (it changes only in whole steps), so "
            "its differences could not resolve the derivative: it is not used to judge"
        )
    elif refuted_below(result, richardson, usable):
        why = (
            "the central differences at ε below its smallest step settle outside its bar: "
            "the loss varies on a scale finer than its steps, so it is not used to judge"
        )
    else:
        return result
    references = list(result.references)
    references[found] = replace(richardson, status="unconverged", note=f"{richardson.note}; {why}")
    return _with_references(result, tuple(references))


def checked_richardson(objective, text: str | None, w: float, reference, floor: float):
    """``reference`` (Richardson over the float64 losses, before the sweep) marked
    ``kink-nearby`` when its steps cross a kink, jump, pole or other singularity
    (``loss_format.crossed``), else, for an expression, ``unconverged`` when its bar misses
    the exact derivative (``against_exact``); unchanged otherwise."""
    from dataclasses import replace

    from fdgui.core.sweep.loss_format import crossed

    found = crossed(objective, text, w, reference, floor)
    if found:
        what = "the expression" if text is not None else "the loss"
        return replace(
            reference,
            status="kink-nearby",
            note=f"{reference.note}; its steps cross a {found} of {what}, so it is not used "
            "to judge",
        )
    return reference if text is None else against_exact(text, w, reference)


def against_exact(text: str, w: float, reference):
    """A trusted Richardson ``reference`` of an expression that the exact derivative of the
    losses it differentiated (float64 constants, in extended precision with its own bar:
    ``extended.converged_derivative``) finds beyond both bars: its bar does not bound, so it
    never judges. Marked ``kink-nearby`` where its steps reach the nearest singularity the
    expression's highest Taylor coefficients show (``singularity.nearest_singularity``: a
    pole masked by an additive term, 1/(w − c) + 1e6·w, review10j C2), else ``unconverged``.
    Unchanged where its bar holds the exact derivative, or that is undefined or beyond the
    extended-precision budget (the reference then stands as read)."""
    if reference.method != "Richardson" or not reference.trusted:
        return reference
    from dataclasses import replace

    from fdgui.core.numbers import format as numbers
    from fdgui.core.sweep.singularity import nearest_singularity

    found = _exact_derivative(text, w)
    if found is None:
        return reference
    exact, bar = found
    if not abs(float(reference.value) - exact) > float(reference.error) + bar:
        return reference
    singularity = nearest_singularity(text, w)
    span = reference.span
    if singularity is not None and span is not None and span >= singularity.distance:
        what = "pole" if singularity.pole else "singularity"
        return replace(
            reference,
            status="kink-nearby",
            note=f"{reference.note}; its steps cross a {what} of the expression "
            f"{numbers.significant(singularity.distance, 2)} from w (its value lies beyond its "
            "bar from the exact derivative), so it is not used to judge",
        )
    return replace(
        reference,
        status="unconverged",
        note=f"{reference.note}; the exact derivative of the float64 losses, "
        f"{numbers.significant(exact, 8)}, lies beyond its bar and its own: the bar does not "
        "bound, so it is not used to judge",
    )


@unavailable_then(lambda why: None)
def _exact_derivative(text: str, w: float) -> tuple[float, float] | None:
    """(the exact derivative of the float64 losses at w, its bar), or None where it is
    undefined or beyond the extended-precision budget."""
    from fdgui.core.sweep.extended import Undefined, converged_derivative

    try:
        value, bar, _ = converged_derivative(text, w)
    except Undefined:
        return None
    return value, bar
