"""What the ε explorer sweeps: one entry of any Model, or a model made of measured rows.

``EntryObjective`` turns a Model and one flat entry into a function of one variable: the
loss at many values of that entry in one call, in the dtype being studied, the gradient under
check for that entry, and whether the complex step applies. Any model that can evaluate its
loss can be swept this way (an expression, the built-in network, later your own code).

``MeasuredObjective`` is the other kind: a model with no loss function, only the rows a
person typed, each with its own ε. The sweep tells the two apart by ``rows`` (None for an
entry objective), not by their class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import Model, real_numbers
from fdgui.core.models.expression_model import expression_model
from fdgui.core.models.measured import MeasuredModel, MeasuredRow, measured_model
from fdgui.core.models.mlp_model import (
    memory_allowance_bytes,
    mlp_model,
    network_memory_bytes,
)
from fdgui.core.numbers import format as numbers
from fdgui.core.sweep.references import ReferenceValue

__all__ = [
    "EntryObjective",
    "MeasuredObjective",
    "MeasuredRow",
    "entry_objective",
    "expression_objective",
    "measured_objective",
    "memory_allowance_bytes",
    "network_memory_bytes",
    "network_objective",
]


@dataclass(frozen=True)
class EntryObjective:
    """The loss of ``model`` as a function of its flat entry ``index``, the rest held at θ0."""

    model: Model
    index: int = 0
    rows: None = None  # an entry objective is evaluated, not measured
    _gradient: list[float] = field(default_factory=list, repr=False, compare=False)

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def point(self) -> float:
        return float(self.model.theta0()[self.index])

    @property
    def label(self) -> str:
        describe = getattr(self.model, "entry_label", None)
        if describe is not None:
            return describe(self.index)
        if self.model.parameter_count == 1:
            return self.model.label
        name = self.model.entry_name(self.index)  # type: ignore[attr-defined]
        return f"{self.model.label}: {name} = {numbers.significant(self.point, 6)}"

    @property
    def smooth(self) -> bool:
        return self.model.smooth

    @property
    def supports_complex_step(self) -> bool:
        return "complex128" in self.model.dtypes

    @property
    def cache_key(self) -> tuple[Any, ...]:
        return (self.model.cache_key, self.index)

    def losses(self, values: np.ndarray, dtype: str) -> np.ndarray:
        """L at each value, evaluated in ``dtype``; float64 array holding the dtype's results."""
        values = np.asarray(values)
        losses = self.model.losses_along(self.index, values, dtype)
        return real_numbers(losses, values.size, f"{self.model.label}: the losses")

    def losses_complex(self, values: np.ndarray) -> np.ndarray:
        return self.model.losses_along(self.index, values, "complex128")

    def checked_gradient(self) -> ReferenceValue:
        """The gradient under check at this entry (analytic derivative, backprop, ...)."""
        if not self._gradient:
            self._gradient.append(float(self.model.gradient()[self.index]))
        from fdgui.core.sweep.computed import computed_gradient_error

        error = getattr(self.model, "gradient_error", None)
        if error is None:  # a probe's own gradient: its rounding (computed.py)
            error = computed_gradient_error(self.model, self._gradient[0])
        return ReferenceValue(
            getattr(self.model, "gradient_method", "gradient"),
            self._gradient[0],
            error,
            evaluations=1,
            note=getattr(self.model, "gradient_note", ""),
        )


@dataclass(frozen=True)
class MeasuredObjective:
    """The calculator's history rows: the estimates are computed exactly from typed decimals."""

    model: MeasuredModel

    kind: str = "measured"

    @property
    def rows(self) -> tuple[MeasuredRow, ...]:
        return self.model.rows

    @property
    def reference(self) -> float | None:
        return self.model.reference

    @property
    def label(self) -> str:
        return self.model.label

    @property
    def cache_key(self) -> tuple[Any, ...]:
        return self.model.cache_key


Objective = EntryObjective | MeasuredObjective


def entry_objective(model: Model, tensor: str | None = None, index: int = 0) -> Objective:
    """Sweep entry ``index`` of ``tensor`` of any model (measured models: their rows)."""
    if model.measurements() is not None:
        return MeasuredObjective(model)  # type: ignore[arg-type]
    if not model.evaluable:
        raise InputError("source", f"{model.label} cannot be evaluated")
    if tensor is not None:
        return EntryObjective(model, model.flat_index(tensor, index))  # type: ignore[attr-defined]
    count = model.parameter_count
    if isinstance(index, bool) or not isinstance(index, int | np.integer):
        raise InputError("index", f"{index!r} is not a whole number")
    if not 0 <= index < count:
        raise InputError("index", f"{index} is outside 0…{count - 1}")
    return EntryObjective(model, int(index))


def expression_objective(text: str, point_text: str | float) -> EntryObjective:
    """Parse the expression and the point; raise InputError ('expression' or 'point')."""
    return EntryObjective(expression_model(text, point_text), 0)


def network_objective(spec: Any, tensor: str, index: int, bug: str | None = None) -> EntryObjective:
    """One entry of the built-in network (cached); raise InputError naming the bad field."""
    model = mlp_model(spec, bug)
    return EntryObjective(model, model.flat_index(tensor, index))


def measured_objective(rows: Sequence[Any], reference: Any = None) -> MeasuredObjective:
    """Rows with fields epsilon, loss, loss_plus, loss_minus (the calculator's Measurement)."""
    return MeasuredObjective(measured_model(rows, reference))
