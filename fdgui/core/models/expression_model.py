"""A typed expression in w as a Model: one parameter, its exact derivative under check."""

from __future__ import annotations

from typing import Any

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase, TensorInfo
from fdgui.core.models.expression import Expression, parse_expression
from fdgui.core.numbers import format as numbers
from fdgui.core.numbers.precision import DTYPE_NAMES

_W = (TensorInfo("w", ()),)


class ExpressionModel(ModelBase):
    """L(w) = a typed expression, studied at the point w0 (the one parameter "w")."""

    kind = "expression"

    def __init__(
        self,
        expression: Expression,
        point: float,
        typed_gradient: str | None = None,
        typed_point: str | None = None,
    ) -> None:
        self.expression = expression
        self.point = float(point)
        # the point as typed (its decimal text), where one was: a typed derivative may be the
        # exact derivative there rather than at the float64 point (``sweep/claim_ends.py``)
        self.typed_point = typed_point
        # a derivative typed by a person (text of an expression in w or a number): when
        # given, it is the gradient under check and the analytic derivative a reference
        self.typed_gradient = typed_gradient
        if typed_gradient is not None:
            self._typed = parse_expression(typed_gradient, "grad")

    @property
    def label(self) -> str:
        label = f"L(w) = {self.expression.text} at w = {numbers.significant(self.point, 6)}"
        if self.typed_gradient is not None:
            label += f", your derivative {self._typed.text}"
        return label

    @property
    def gradient_method(self) -> str:  # type: ignore[override]
        return "analytic" if self.typed_gradient is None else "your derivative"

    @property
    def tensors(self) -> tuple[TensorInfo, ...]:
        return _W

    @property
    def dtypes(self) -> tuple[str, ...]:
        return (*DTYPE_NAMES, "complex128") if self.expression.analytic else DTYPE_NAMES

    @property
    def smooth(self) -> bool:
        return self.expression.analytic

    @property
    def has_gradient(self) -> bool:
        return True

    @property
    def cache_key(self) -> Any:
        return (
            "expression",
            self.expression.text,
            self.point,
            self.typed_gradient,
            self.typed_point if self.typed_gradient is not None else None,
        )

    @property
    def gradient_note(self) -> str:  # type: ignore[override]
        note = "exact derivative of the expression"
        if self.expression.kinks:
            note += f" (one-sided at kinks of {', '.join(self.expression.kinks)})"
        return note

    gradient_error: float | None = 0.0  # exact formula (evaluated in float64)

    def theta0(self) -> np.ndarray:
        return np.array([self.point])

    def _values(self, w: np.ndarray, dtype: str) -> np.ndarray:
        if dtype == "complex128":
            return self.expression.evaluate_complex(w)
        return self.expression.evaluate(w, dtype).astype(np.float64)

    def loss(self, theta: np.ndarray, dtype: str = "float64") -> float:
        return self._values(np.asarray(theta).reshape(-1)[:1], dtype)[0].item()

    def losses(self, thetas: np.ndarray, dtype: str = "float64") -> np.ndarray:
        return self._values(np.atleast_2d(np.asarray(thetas))[:, 0], dtype)

    def losses_along(self, index: int, values: np.ndarray, dtype: str = "float64") -> np.ndarray:
        return self._values(np.asarray(values).ravel(), dtype)

    def gradient(self, theta: np.ndarray | None = None) -> np.ndarray:
        w = self.point if theta is None else float(np.asarray(theta).reshape(-1)[0])
        if self.typed_gradient is not None:
            return self._typed.evaluate(np.array([w]), "float64").astype(np.float64)
        return np.array([float(self.expression.derivative(w))])


def expression_model(
    text: str, point_text: str | float, grad_text: str | None = None
) -> ExpressionModel:
    """Parse the expression, the point and (optionally) a typed derivative; raise InputError
    ('expression', 'point' or 'grad')."""
    expression = parse_expression(text)
    if not expression.uses_w:
        raise InputError("expression", "the expression does not depend on w")
    typed_point = None
    if isinstance(point_text, str):
        from fdgui.core.numbers.parsing import parse_number

        exact = parse_number(point_text, "point")
        point = float(exact)  # type: ignore[arg-type]
        typed_point = str(exact)
    else:
        point = float(point_text)
        if not np.isfinite(point):
            raise InputError("point", "enter a finite number")
    if grad_text is not None and not str(grad_text).strip():
        grad_text = None
    grad = None if grad_text is None else str(grad_text).strip()
    return ExpressionModel(expression, point, grad, typed_point)
