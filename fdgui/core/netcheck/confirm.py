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

The entry stays **wrong** only where some step is usable and the gradient a lies outside the
interval of every usable step; otherwise it becomes **undecided** (the float64 evidence does
not bound a disagreement): reason ``UNCONFIRMED``. Cheap: only the entries about to be
called wrong are evaluated (at most ``CONFIRM_LIMIT`` a check, the nearest to their window
first; past that, a check has failed on confirmed entries already). A model without a
float64 evaluation is left as it was.
"""

from __future__ import annotations

import numpy as np

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
    usable_any = False
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
        usable_any = True
        # one-sided slopes that keep their spread as the step halves: a kink at w itself,
        # where any slope between them is a subgradient (on a smooth stretch it halves)
        spread = np.abs(forward[k - 2 : k + 1] - backward[k - 2 : k + 1])  # at 4s, 2s, s
        slack = 2 * (rounding[k - 2 : k] + rounding[k - 1 : k + 1])
        kink = bool(np.all(np.abs(spread[1:] - spread[:-1]) <= 0.25 * spread[:-1] + slack))
        kink &= bool(spread[-1] > slack[-1])
        sides = (central[k], forward[k], backward[k]) if kink else (central[k],)
        low, high = min(sides) - bar, max(sides) + bar
        if low <= a <= high:
            return False  # a usable step admits the gradient: not confirmed
    return usable_any


def confirm(results, engine, settings, tolerances) -> int:
    """Entries about to be called wrong that float64 does not confirm become undecided (see
    module doc); returns the float64 loss evaluations made."""
    if settings.dtype == "float64" or settings.mode == "projection":
        return 0
    evaluate = getattr(engine, "float64_losses", None)
    if evaluate is None:
        return 0
    found = []
    for position, result in enumerate(results):
        for flat in suspects(result, tolerances):
            a = result.analytic[flat]
            margin = abs(result.numeric[flat] - a) / max(abs(a), 1e-300)
            found.append((margin, position, int(flat)))
    if not found:
        return 0
    found.sort()
    base = evaluate(0, 0, None)
    if base is None:  # the model has no float64 loss: nothing to confirm with
        return 0
    for _, position, flat in found[:CONFIRM_LIMIT]:
        result = results[position]
        w = float(engine.values_of(position, np.array([flat]))[0])
        epsilon = float(result.epsilon[flat])
        if not np.isfinite(epsilon) or epsilon <= 0:
            continue

        def losses(values, position=position, flat=flat):
            return evaluate(position, flat, values)

        if verdicts(float(result.analytic[flat]), w, epsilon, losses, float(base), settings.dtype):
            continue
        result.undecided[flat] = True
        result.reason[flat] = UNCONFIRMED
        if result.bar is not None and not np.isnan(result.bar[flat]):
            result.bar[flat] = np.inf
    return 1 + 2 * (DEPTH + 1) * min(len(found), CONFIRM_LIMIT)
