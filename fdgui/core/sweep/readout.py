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

    def calculator_texts(self) -> dict[str, str]:
        """Decimal strings for the calculator's fields: the exact value of each binary number.

        The shortest round-trip text (repr) names the same float but is a different decimal,
        and the calculator computes exactly on what it is given, so its gradient would differ
        in the 9th digit. The exact expansion makes it reproduce the explorer's estimate.
        """
        return {
            "loss": exact_decimal_text(self.loss),
            "loss_plus": exact_decimal_text(self.loss_plus),
            "loss_minus": exact_decimal_text(self.loss_minus),
            "epsilon": exact_decimal_text(self.epsilon),
        }


CALCULATOR_MAX_CHARACTERS = 200  # the calculator refuses longer text


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
