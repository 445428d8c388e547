"""What the ε explorer can sweep: an expression, one parameter of the built-in network, or
the calculator's measured rows.

A function objective (expression, network) evaluates its loss at many values of its one
variable in one vectorised call, in the dtype being studied, and knows the gradient it is
checked against (exact derivative of the expression; the network's backprop, possibly with
a deliberate bug) plus whether the complex step applies. A measured objective has no
function: only the rows a person typed, each with its own ε.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from fdgui.core.models.expression import Expression, parse_expression
from fdgui.core.numbers.parsing import InputError
from fdgui.core.sweep.references import ReferenceValue

if TYPE_CHECKING:
    from fdgui.core.models.mlp import Network, NetworkSpec


@dataclass(frozen=True)
class ExpressionObjective:
    """L(w) = a typed expression, studied at the point w0."""

    expression: Expression
    point: float
    kind: str = "expression"

    @property
    def label(self) -> str:
        return f"L(w) = {self.expression.text} at w = {self.point:g}"

    @property
    def smooth(self) -> bool:
        return self.expression.analytic

    @property
    def supports_complex_step(self) -> bool:
        return self.expression.analytic

    @property
    def cache_key(self) -> tuple[Any, ...]:
        return ("expression", self.expression.text, self.point)

    def losses(self, values: np.ndarray, dtype: str) -> np.ndarray:
        """L at each value, evaluated in ``dtype``; float64 array holding the dtype's results."""
        return self.expression.evaluate(values, dtype).astype(np.float64)

    def losses_complex(self, values: np.ndarray) -> np.ndarray:
        return self.expression.evaluate_complex(values)

    def checked_gradient(self) -> ReferenceValue:
        """The exact derivative (forward-mode differentiation of the expression)."""
        value = float(self.expression.derivative(self.point))
        note = "exact derivative of the expression"
        if self.expression.kinks:
            note += f" (one-sided at kinks of {', '.join(self.expression.kinks)})"
        return ReferenceValue("analytic", value, 0.0, evaluations=1, note=note)


@dataclass(frozen=True)
class NetworkObjective:
    """The built-in network's mean loss as a function of one parameter, the rest held fixed."""

    network: Network
    tensor: str
    index: int
    bug: str | None = None
    kind: str = "network"
    _gradient: list[float] = field(default_factory=list, repr=False, compare=False)

    @property
    def point(self) -> float:
        return float(
            self.network.parameters[self.network.tensor_position(self.tensor)].flat[self.index]
        )

    @property
    def label(self) -> str:
        spec = self.network.spec
        sizes = "-".join(str(size) for size in spec.layer_sizes)
        bug = f", backprop bug '{self.bug}'" if self.bug else ""
        return (
            f"network {sizes} {spec.activation}/{spec.loss}, batch {spec.batch_size}: "
            f"{self.tensor}[{self.index}] = {self.point:.6g}{bug}"
        )

    @property
    def smooth(self) -> bool:
        from fdgui.core.models.mlp import SMOOTH_ACTIVATIONS

        return self.network.spec.activation in SMOOTH_ACTIVATIONS

    @property
    def supports_complex_step(self) -> bool:
        return self.smooth

    @property
    def cache_key(self) -> tuple[Any, ...]:
        return ("network", self.network.spec, self.tensor, self.index, self.bug)

    def losses(self, values: np.ndarray, dtype: str) -> np.ndarray:
        return self.network.loss_along(self.tensor, self.index, values, dtype)

    def losses_complex(self, values: np.ndarray) -> np.ndarray:
        return self.network.loss_along(self.tensor, self.index, values, "complex128")

    def checked_gradient(self) -> ReferenceValue:
        """The backprop value for this parameter (with the chosen bug, if any)."""
        if not self._gradient:
            position = self.network.tensor_position(self.tensor)
            gradient = self.network.gradient(self.bug)[position]
            self._gradient.append(float(gradient.flat[self.index]))
        note = f"backprop with bug '{self.bug}'" if self.bug else "the network's own backprop"
        return ReferenceValue("backprop", self._gradient[0], None, evaluations=1, note=note)


def network_objective(
    spec: NetworkSpec, tensor: str, index: int, bug: str | None = None
) -> NetworkObjective:
    """Build (and cache) the network for ``spec``; raise InputError naming the bad field."""
    from fdgui.core.models import mlp as networks

    spec.validate()  # InputError naming the field
    networks.check_bug(bug, spec)
    needed = network_memory_bytes(spec)
    allowed = memory_allowance_bytes()
    if needed > allowed:
        sizes = spec.layer_sizes
        batch_heavy = spec.batch_size * sum(sizes) * 8 > 6 * spec.parameter_count
        advice = "use a smaller batch" if batch_heavy else "use smaller layers"
        raise InputError(
            "batch_size" if batch_heavy else "layer_sizes",
            f"this network needs about {_gigabytes(needed)} of memory to sweep "
            f"({spec.parameter_count:,} parameters); the explorer allows "
            f"{_gigabytes(allowed)}: {advice}",
        )
    network = _cached_network(spec)
    names = dict(spec.tensor_shapes)
    if tensor not in names:
        raise InputError("tensor", f"{tensor!r} is not one of {', '.join(names)}")
    size = int(np.prod(names[tensor]))
    if isinstance(index, bool) or not isinstance(index, int | np.integer):
        raise InputError("index", f"{index!r} is not a whole number")
    if not 0 <= index < size:
        raise InputError("index", f"{index} is outside 0…{size - 1} for {tensor}")
    return NetworkObjective(network, tensor, int(index), bug)


MEMORY_CEILING = 2 * 1024**3  # bytes a sweep of the built-in network may take at most


def network_memory_bytes(spec: NetworkSpec) -> int:
    """A generous estimate of the memory a network sweep takes, from the spec alone.

    Parameters in float64 several times over (the weights, the backprop gradient, copies
    rounded to the studied dtype and a complex128 copy for the complex step), the forward
    pass's activations for the batch (also in each dtype), and the sweep's temporaries
    (the network bounds these to about 2 million elements per piece).
    """
    sizes = spec.layer_sizes
    parameters = sum(sizes[k] * sizes[k - 1] + sizes[k] for k in range(1, len(sizes)))
    activations = spec.batch_size * sum(sizes)
    return 8 * (6 * parameters + 8 * activations) + 8 * 4 * 2_000_000


def memory_allowance_bytes() -> int:
    """At most MEMORY_CEILING, and at most half of the machine's physical memory."""
    import os

    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        physical = 0
    return min(MEMORY_CEILING, physical // 2) if physical > 0 else MEMORY_CEILING


def _gigabytes(count: int) -> str:
    value = count / 1024**3
    return f"{value:.3g} GB" if value >= 0.1 else f"{count / 1024**2:.0f} MB"


_NETWORKS: dict[Any, Network] = {}


def _cached_network(spec: NetworkSpec) -> Network:
    """Networks are deterministic in their spec; keep the last few so re-sweeps are instant."""
    from fdgui.core.models.mlp import build_network

    network = _NETWORKS.get(spec)
    if network is None:
        if len(_NETWORKS) >= 4:
            _NETWORKS.pop(next(iter(_NETWORKS)))
        network = build_network(spec)
        _NETWORKS[spec] = network
    return network


def expression_objective(text: str, point_text: str | float) -> ExpressionObjective:
    """Parse the expression and the point; raise InputError ('expression' or 'point')."""
    expression = parse_expression(text)
    if not expression.uses_w:
        raise InputError("expression", "the expression does not depend on w")
    if isinstance(point_text, str):
        from fdgui.core.numbers.parsing import parse_number

        point = float(parse_number(point_text, "point"))  # type: ignore[arg-type]
    else:
        point = float(point_text)
        if not np.isfinite(point):
            raise InputError("point", "enter a finite number")
    return ExpressionObjective(expression, point)


@dataclass(frozen=True)
class MeasuredRow:
    """One typed measurement: ε and the losses at w, w + ε, w − ε (L may be missing)."""

    epsilon: Decimal
    loss: Decimal | None
    loss_plus: Decimal
    loss_minus: Decimal


@dataclass(frozen=True)
class MeasuredObjective:
    """The calculator's history rows: the estimates are computed exactly from typed decimals."""

    rows: tuple[MeasuredRow, ...]
    reference: float | None = None  # a backprop value to check, typed by the person
    kind: str = "measured"

    @property
    def label(self) -> str:
        return f"{len(self.rows)} measured row{'s' if len(self.rows) != 1 else ''}"

    @property
    def cache_key(self) -> tuple[Any, ...]:
        return ("measured", self.rows, self.reference)


def measured_objective(rows: list[Any], reference: float | None = None) -> MeasuredObjective:
    """Rows with fields epsilon, loss, loss_plus, loss_minus (the calculator's Measurement)."""
    kept = tuple(
        MeasuredRow(row.epsilon, row.loss, row.loss_plus, row.loss_minus)
        for row in rows
        if row.epsilon is not None and row.epsilon > 0
    )
    if not kept:
        raise InputError(
            "rows", "no measured rows yet: calculate in the calculator, each ε adds a row"
        )
    return MeasuredObjective(kept, reference)
