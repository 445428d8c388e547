"""An entry is called wrong only on evidence that bounds the truth: float64 confirms it.

In float32/float16/bfloat16 the ε ladder's bar (``netcheck.ladder``) and the second look
(``netcheck.reexamine``) read the h² law and the kinks from losses whose round-off can be as
large as the differences they test: a loss that has left its Taylor regime, or a relu switch
nearer than any step the dtype resolves, can then make a correct gradient look wrong. So
before the report calls an entry wrong in a low-precision check, the loss is evaluated in
float64 at w ± s around the checked weight w (the dtype's value; every other weight as the
dtype holds it) for s = 2ε·2^−k, k = 0 … ``DEPTH`` (ε: the step that decided the entry), and
for each s:

* c(s) the central difference, f(s), b(s) the one-sided ones, r(s) = R/s their round-off
  (R = ``ROUNDOFF_ULPS``·u64·max(1, |L|): float64's, millions of times below the dtype's);
* s is **usable** where c(s), c(2s), c(4s) follow the h² law (c(4s) − c(2s) four times
  c(2s) − c(s), within ``LAW_SLACK`` and their round-off), and its bar
  B = |c(2s) − c(s)| + 2·(r(s) + r(2s)) + ``GRADIENT_ULPS``·u·|a| (three times the
  truncation of c(s) in that regime) is at most |a|/4;
* the truth lies within B of c(s); where f(s) − b(s) stays the same (within a quarter,
  over two halvings) instead of halving with the step (a kink at w itself), within B of
  the interval between c(s), f(s) and b(s): any subgradient.

The entry stays **wrong** only where some step is usable and either the gradient a lies
outside the interval of every usable step, or the usable steps' intervals all overlap (one
truth each of them bounds) and at least ``REFUTING_STEPS`` of them exclude a (a coarse step,
its bar near |a|/4, admits a gradient a few percent off that every finer step excludes: with
"every step" alone, W1's backprop 6 % off in a float32 sigmoid network passed). Otherwise it
becomes **undecided** (the float64 evidence does not bound a disagreement): reason
``UNCONFIRMED``. Only the entries about to be
called wrong are evaluated, ``EVALUATIONS_PER_ENTRY`` float64 losses each (at most
``CONFIRM_LIMIT`` entries a check, the nearest to their window first: about 2.6 ms an entry
of a 100,000-parameter network, so confirming every entry of a wrong backprop would take
minutes); the entries past the limit keep the dtype's verdict unconfirmed, and the report
says how many (``Confirmation``). A model without a float64 evaluation is left as it was.

Projection mode: a direction v mixes entries, so its "wrong" is confirmed the same way
along v itself — float64 losses at θ ± s·v, the gradient under check g·v.

The confirmation is a phase of the check (``confirming``: a yield after every entry, where
Cancel stops it); each entry is marked undecided ("not confirmed") before its evaluations
and gets its "wrong" back only when they confirm it, so an unfinished confirmation never
leaves an unconfirmed "wrong" among the entries it took on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fdgui.core.netcheck.converged import converged
from fdgui.core.netcheck.ladder import DECIDE_SHARE, GRADIENT_ULPS, LAW_SLACK
from fdgui.core.netcheck.reexamine import SOME_EPSILON, UNCONFIRMED
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.numbers.verdicts import VERDICTS

DEPTH = 24  # steps 2ε … 2ε·2^−DEPTH (a kink nearer than ε/10⁶ is left undecided)
ROUNDOFF_ULPS = 1024.0  # float64 round-off of one loss change: 1024·u64·max(1, |L|)
CONFIRM_LIMIT = 256  # entries confirmed per check (the nearest to their window first)


def suspects(result, tolerances) -> np.ndarray:
    """Entries the report may call wrong (a superset: those beyond their window, not
    explained by a kink, undecided or a second look)."""
    a, n = result.analytic, result.numeric
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = np.abs(n - a)
        scale = np.maximum(np.maximum(np.abs(n), np.abs(a)), 1e-8)
        correct = difference / scale <= VERDICTS[0].upper
        window = tolerances.atol + tolerances.rtol * np.abs(a)
        if result.bar is not None:
            window = np.where(np.isnan(result.bar), window, result.bar)
        beyond = difference > window
    pick = result.checked & np.isfinite(a) & np.isfinite(n) & ~correct & beyond
    pick &= ~result.kink & ~result.undecided & ~result.vanished & (result.reason != SOME_EPSILON)
    return np.flatnonzero(pick)


def verdicts(a: float, w: float, epsilon: float, losses, loss: float, dtype: str) -> bool:
    """Whether float64 confirms that ``a`` is wrong (see module doc); ``losses(values)``:
    float64 losses with the entry set to each value, ``loss`` L(w) in float64."""
    steps = 2.0 * epsilon * 2.0 ** -np.arange(DEPTH + 1)
    values = np.concatenate([w + steps, w - steps])
    found = np.asarray(losses(values), dtype=float)
    up, down = found[: steps.size] - loss, loss - found[steps.size :]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        forward, backward = up / steps, down / steps
        central = (up + down) / (2 * steps)
        rounding = ROUNDOFF_ULPS * unit_roundoff("float64") * max(1.0, abs(loss)) / steps
    allowance = GRADIENT_ULPS * unit_roundoff(dtype) * abs(a)
    intervals: list[tuple[float, float, float, int]] = []
    # index k: step steps[k]; 2s = steps[k − 1], 4s = steps[k − 2]
    for k in range(2, steps.size):
        first = central[k - 1] - central[k]
        second = central[k - 2] - central[k - 1]
        noise_first = rounding[k] + rounding[k - 1]
        noise_second = rounding[k - 1] + rounding[k - 2]
        if not np.isfinite([first, second, forward[k], backward[k]]).all():
            continue
        lawful = abs(second - 4 * first) <= LAW_SLACK * abs(second) + noise_second + 4 * noise_first
        bar = abs(first) + 2 * noise_first + allowance
        if not lawful or bar > DECIDE_SHARE * abs(a):
            continue
        # one-sided slopes that keep their spread as the step halves: a kink at w itself,
        # where any slope between them is a subgradient (on a smooth stretch it halves)
        spread = np.abs(forward[k - 2 : k + 1] - backward[k - 2 : k + 1])  # at 4s, 2s, s
        slack = 2 * (rounding[k - 2 : k] + rounding[k - 1 : k + 1])
        kink = bool(np.all(np.abs(spread[1:] - spread[:-1]) <= 0.25 * spread[:-1] + slack))
        kink &= bool(spread[-1] > slack[-1])
        sides = (central[k], forward[k], backward[k]) if kink else (central[k],)
        intervals.append((min(sides) - bar, max(sides) + bar, bar, k))
    # a step whose interval a smaller step's excludes is not converged (``converged``)
    return _refuted(a, [(low, high) for low, high, *_ in converged(intervals)])


REFUTING_STEPS = 2  # usable steps that must exclude the gradient (one may be a fluke)


def _refuted(a: float, intervals: list[tuple[float, float]]) -> bool:
    """Whether the usable steps' intervals show ``a`` wrong: every one excludes it; or they
    all overlap (one truth that each bounds) and at least ``REFUTING_STEPS`` of them
    exclude it. A coarse step whose bar is near |a|/4 admits a gradient a few percent off
    that the finer steps exclude: requiring every step to exclude it let such bugs pass."""
    if not intervals:
        return False
    outside = sum(not low <= a <= high for low, high in intervals)
    if outside == len(intervals):
        return True
    common = max(low for low, _ in intervals) <= min(high for _, high in intervals)
    return common and outside >= REFUTING_STEPS


EVALUATIONS_PER_ENTRY = 2 * (DEPTH + 1)  # float64 losses at w ± s for each step s


@dataclass(frozen=True)
class Confirmation:
    """What the float64 confirmation did: ``suspects`` entries the dtype's differences
    called wrong, ``examined`` of them evaluated in float64 (the first ``limit``, nearest to
    their window first), ``confirmed`` of those float64 confirms wrong. The others examined
    are undecided ("not confirmed"); the ``suspects − examined`` past the limit keep the
    dtype's verdict, unconfirmed (the report says so)."""

    suspects: int = 0
    examined: int = 0
    confirmed: int = 0
    limit: int = CONFIRM_LIMIT

    @property
    def past_limit(self) -> int:
        return self.suspects - self.examined

    def fields(self) -> dict[str, int]:
        """As JSON fields (the report's JSON and stored reports write the same)."""
        return {
            "suspects": self.suspects,
            "examined": self.examined,
            "confirmed": self.confirmed,
            "limit": self.limit,
        }


def _ordered_suspects(results, tolerances) -> list[tuple[float, int, int]]:
    found = []
    for position, result in enumerate(results):
        for flat in suspects(result, tolerances):
            a = result.analytic[flat]
            margin = abs(result.numeric[flat] - a) / max(abs(a), 1e-300)
            found.append((margin, position, int(flat)))
    found.sort()
    return found


def _unconfirmed(result, flat: int) -> tuple:
    """Mark entry ``flat`` undecided (not confirmed); returns its state before, which a
    confirmation puts back. Marked before the float64 evaluations, so that an entry no
    evaluation has confirmed is never left wrong."""
    before = (
        bool(result.undecided[flat]),
        int(result.reason[flat]),
        None if result.bar is None else float(result.bar[flat]),
    )
    result.undecided[flat] = True
    result.reason[flat] = UNCONFIRMED
    if result.bar is not None and not np.isnan(result.bar[flat]):
        result.bar[flat] = np.inf
    return before


def _restore(result, flat: int, before: tuple) -> None:
    result.undecided[flat], result.reason[flat] = before[0], before[1]
    if result.bar is not None and before[2] is not None:
        result.bar[flat] = before[2]


def confirming(results, engine, settings, tolerances, tally=None):
    """The confirmation phase (see module doc), as a job: yields ``(done, total)`` after
    each entry (a point where the caller may stop it) and returns a ``Confirmation``.
    Float64 loss evaluations are added to ``tally.evaluations``."""
    if settings.dtype == "float64":
        return Confirmation()
    projection = settings.mode == "projection"
    evaluate = getattr(engine, "float64_losses", None)
    along = getattr(engine, "float64_direction_losses", None)
    if evaluate is None or (projection and along is None):
        return Confirmation()
    found = _ordered_suspects(results, tolerances)
    if not found:
        return Confirmation()
    base = evaluate(0, 0, None)
    if base is None:  # the model has no float64 loss: nothing to confirm with
        return Confirmation()
    if tally is not None:
        tally.evaluations += 1
    chosen = found[:CONFIRM_LIMIT]
    marked = [_unconfirmed(results[position], flat) for _, position, flat in chosen]
    confirmed = 0
    yield 0, len(chosen)
    for done, ((_, position, flat), before) in enumerate(zip(chosen, marked, strict=True)):
        result = results[position]
        epsilon = float(result.epsilon[flat])
        if projection:  # direction ``flat``: along it from θ, the same rule as an entry
            w = 0.0

            def losses(values, position=position, flat=flat):
                return along(position, flat, values)
        else:
            w = float(engine.values_of(position, np.array([flat]))[0])

            def losses(values, position=position, flat=flat):
                return evaluate(position, flat, values)

        if np.isfinite(epsilon) and epsilon > 0:
            a = float(result.analytic[flat])
            if tally is not None:
                tally.evaluations += EVALUATIONS_PER_ENTRY
            if verdicts(a, w, epsilon, losses, float(base), settings.dtype):
                _restore(result, flat, before)
                confirmed += 1
        else:  # no step to confirm from: as before, the dtype's verdict stands
            _restore(result, flat, before)
            confirmed += 1
        yield done + 1, len(chosen)
    return Confirmation(len(found), len(chosen), confirmed)
