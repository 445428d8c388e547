"""The values at one chosen ε of a finished sweep: what the explorer's cursor reads out and
what "Send to calculator" sends (exact decimal texts that reproduce the explorer's estimate).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from fdgui.core.sweep.engine import (
    SCHEMES,
    FunctionObjective,
    SweepResult,
    perturbed_points,
    relative_error,
)
from fdgui.core.sweep.objectives import MeasuredObjective


@dataclass(frozen=True)
class PointReadout:
    """The values at one chosen ε: what the cursor shows and what goes to the calculator."""

    epsilon: float
    loss: float
    loss_plus: float
    loss_minus: float
    estimates: dict[str, float]
    relative_errors: dict[str, float | None]
    vanished: bool
    regime: str

    def calculator_texts(self, steps: tuple[Decimal, Decimal] | None = None) -> dict[str, str]:
        """Decimal strings for the calculator's fields: as few digits as a person can read
        that still make the calculator reproduce the explorer's estimates.

        The shortest round-trip text (repr) names the same float but is a different decimal,
        and the calculator computes exactly on what it is given: after the subtraction
        cancels digits its gradient could differ in the 9th digit. So each value is given with
        the fewest significant digits (17 or more, never fewer than repr needs) for which
        the calculator's exact central, forward and backward differences round to the very
        floats the explorer computed; the exact binary expansion if none does.

        ``steps``: the steps (h+, h−) the losses were really taken at (w ± ε rounded to the
        dtype), which the calculator then divides by: the digits reproduce the exact
        quotients of these losses over them (rounded to float64), not the explorer's over ε.
        """
        return readable_calculator_texts(self, steps)


CALCULATOR_MAX_CHARACTERS = 200  # the calculator refuses longer text
_FIELDS = ("loss", "loss_plus", "loss_minus", "epsilon")


def readable_calculator_texts(
    readout: PointReadout, steps: tuple[Decimal, Decimal] | None = None
) -> dict[str, str]:
    """See ``PointReadout.calculator_texts``."""
    from fdgui.core.numbers.format import decimal_exact
    from fdgui.core.numbers.parsing import CONTEXT

    exact = {field: Decimal(float(getattr(readout, field))) for field in _FIELDS}
    # the fewest digits that still name each float (repr's), as a floor for every field
    floor = {f: len(Decimal(repr(float(exact[f]))).normalize().as_tuple().digits) for f in _FIELDS}
    if steps is None:
        targets = {k: v for k, v in readout.estimates.items() if v is not None and np.isfinite(v)}
    else:  # the exact quotients of these losses over the steps taken, to the nearest float
        targets = {name: float(value()) for name, value in _formulas(exact, CONTEXT, steps).items()}

    def works(values: dict[str, Decimal]) -> bool:
        return _reproduces(values, targets, CONTEXT, steps)

    for digits in range(max(17, *floor.values()), 60):  # one count of digits for all that works
        values = {
            field: _rounded(value, max(digits, floor[field])) for field, value in exact.items()
        }
        if works(values):
            # then each field as short as it can be on its own (ε is often just "0.00037")
            for field in ("epsilon", "loss", "loss_plus", "loss_minus"):
                for fewer in range(floor[field], digits):
                    trial = {**values, field: _rounded(exact[field], fewer)}
                    if works(trial):
                        values = trial
                        break
            return {
                field: decimal_exact(value.normalize(CONTEXT)) for field, value in values.items()
            }
    return {field: exact_decimal_text(float(getattr(readout, field))) for field in _FIELDS}


def _rounded(value: Decimal, digits: int) -> Decimal:
    """``value`` to ``digits`` significant digits, in the parsers' context: up to 59 digits
    are tried, past the default context's 28 (a quantize there raised InvalidOperation: Send
    to calculator failed where no count below 29 digits reproduces the estimates)."""
    from fdgui.core.numbers.parsing import CONTEXT

    if value == 0:
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), context=CONTEXT)


def _reproduces(
    values: dict[str, Decimal],
    targets: dict[str, float],
    context,
    steps: tuple[Decimal, Decimal] | None = None,
) -> bool:
    """Whether the calculator's exact differences on ``values`` (over ``steps`` when given,
    else over ε) round to ``targets``."""
    if values["epsilon"] <= 0:
        return False
    formulas = _formulas(values, context, steps)
    return all(float(formulas[name]()) == target for name, target in targets.items())


def _formulas(values: dict[str, Decimal], context, steps: tuple[Decimal, Decimal] | None):
    """The calculator's central, forward and backward differences on ``values`` (to be
    called): over 2ε, ε and ε, or over the steps taken h+ + h−, h+ and h−."""
    loss, plus, minus, epsilon = (values[f] for f in _FIELDS)
    step_plus, step_minus = (epsilon, epsilon) if steps is None else steps
    return {
        "central": lambda: context.divide(
            context.subtract(plus, minus), context.add(step_plus, step_minus)
        ),
        "forward": lambda: context.divide(context.subtract(plus, loss), step_plus),
        "backward": lambda: context.divide(context.subtract(loss, minus), step_minus),
    }


def exact_decimal_text(value: float) -> str:
    """The exact decimal expansion of a binary float (e.g. 0.1 → 0.1000000000000000055511…),
    cut to 100 significant digits only if it would not fit the calculator's 200 characters
    (numbers below about 1e-100), which is still exact far beyond float64's 17 digits."""
    exact = Decimal(float(value))
    text = str(exact)
    if len(text) > CALCULATOR_MAX_CHARACTERS:
        text = format(exact, ".100e")
    return text


def evaluate_at(
    objective: FunctionObjective | MeasuredObjective, result: SweepResult, epsilon: float
) -> PointReadout:
    """L, L±, estimates and errors at exactly ``epsilon`` (nearest row for measured data)."""
    if objective.rows is not None or result.point is None:
        index = result.index_of(epsilon)
        return _readout_from_index(result, index)
    dtype = result.dtype
    plus, minus = perturbed_points(objective.point, np.array([epsilon]), dtype)
    values = np.array([result.point, plus[0], minus[0]])
    with np.errstate(all="ignore"):
        loss, loss_plus, loss_minus = (float(v) for v in objective.losses(values, dtype))
        estimates = {
            "central": (loss_plus - loss_minus) / (2 * epsilon),
            "forward": (loss_plus - loss) / epsilon,
            "backward": (loss - loss_minus) / epsilon,
        }
    reference = result.reference
    errors = {
        name: None if reference is None else float(relative_error(value, reference.value))
        for name, value in estimates.items()
    }
    vanished = bool(plus[0] == result.point and minus[0] == result.point)
    index = result.index_of(epsilon)
    regime = "vanished" if vanished else result.regime(index)
    if not vanished and not result.epsilons[0] <= epsilon <= result.epsilons[-1]:
        # the nearest grid point's regime says nothing about an ε beyond the range (the
        # rule of thumb's 3.91e5 at sin(1e8) read "vanished" beside L± that changed: M4)
        regime = "outside"
    return PointReadout(epsilon, loss, loss_plus, loss_minus, estimates, errors, vanished, regime)


def _readout_from_index(result: SweepResult, index: int) -> PointReadout:
    estimates = {name: float(result.curves[name].estimates[index]) for name in SCHEMES}
    errors = {
        name: None
        if result.reference is None
        else float(result.curves[name].relative_errors[index])
        for name in SCHEMES
    }
    return PointReadout(
        float(result.epsilons[index]),
        float(result.loss_values[index]),
        float(result.loss_plus[index]),
        float(result.loss_minus[index]),
        estimates,
        errors,
        bool(result.vanished[index]),
        result.regime(index),
    )
