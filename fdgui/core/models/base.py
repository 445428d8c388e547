"""The one protocol every source of numbers implements: a ``Model``.

A model is a loss as a function of named parameter tensors. The explorer sweeps one entry of
any model; the network check checks every entry of any model that has parameters and a
gradient under check; reports and sessions name models by their ``label`` and ``kind``.

What a model offers
-------------------
- ``tensors``: the named parameter tensors (name, shape, dtype), in order. Together they
  form one flat vector θ (C order, tensor after tensor); ``theta0()`` is the point under
  study and ``split``/``flat_index``/``entry_name`` translate between the two views.
- ``loss(theta, dtype)`` for one point and ``losses(thetas, dtype)`` for a batch of points
  (rows of a 2-D array). ``dtype`` names the floating-point format the loss is evaluated in
  (``dtypes`` lists those the model can do; "complex128" there means the complex step
  applies). The default ``losses`` loops over ``loss``; a model that can evaluate many
  points at once overrides it.
- ``losses_along(index, values, dtype)``: the loss with flat entry ``index`` set to each of
  ``values`` and every other entry at θ0. The default builds the rows and calls ``losses``;
  a model with a faster path for one entry (the built-in network's rank-one update)
  overrides it.
- ``gradient(theta)``: the gradient under check, when ``has_gradient`` (backprop, an
  analytic derivative, the user's own code), flat like θ. ``gradient_method`` names what it
  is ("backprop", "analytic", …) and ``gradient_note`` says it in words.
- ``measurements()``: a model made of measured rows (a table of ε, L+, L−) has no loss
  function at all; it returns its rows here (``None`` for every other model) and
  ``evaluable`` is False.

A new source of numbers implements this protocol (usually by subclassing ``ModelBase``) and
every panel and CLI command can use it; see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from fdgui.core.errors import InputError


@dataclass(frozen=True)
class TensorInfo:
    """One named parameter tensor of a model."""

    name: str
    shape: tuple[int, ...]
    dtype: str = "float64"

    @property
    def size(self) -> int:
        return math.prod(self.shape)


@runtime_checkable
class Model(Protocol):
    """What the sweep, the network check, reports and sessions need from a source."""

    kind: str  # "network", "expression", "measured", ... (names the source in reports)

    @property
    def label(self) -> str: ...

    @property
    def tensors(self) -> tuple[TensorInfo, ...]: ...

    @property
    def dtypes(self) -> tuple[str, ...]: ...

    @property
    def evaluable(self) -> bool: ...

    @property
    def has_gradient(self) -> bool: ...

    @property
    def smooth(self) -> bool: ...

    @property
    def cache_key(self) -> Any: ...

    @property
    def parameter_count(self) -> int: ...

    def theta0(self) -> np.ndarray: ...

    def loss(self, theta: np.ndarray, dtype: str = "float64") -> float: ...

    def losses(self, thetas: np.ndarray, dtype: str = "float64") -> np.ndarray: ...

    def losses_along(
        self, index: int, values: np.ndarray, dtype: str = "float64"
    ) -> np.ndarray: ...

    def gradient(self, theta: np.ndarray | None = None) -> np.ndarray: ...

    def measurements(self) -> Sequence[Any] | None: ...


def real_numbers(values: object, count: int, what: str) -> np.ndarray:
    """``values`` as ``count`` real float64 numbers, else InputError("model") saying why.

    Numbers only: ints, floats, numpy numbers, complex with a zero imaginary part; not text,
    None or booleans. NaN and inf are numbers here (the reports call them undefined).
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        raise InputError("model", f"{what}: not numbers ({error})") from None
    if array.dtype.kind == "O":
        if not all(
            isinstance(item, numbers.Number) and not isinstance(item, bool | np.bool_)
            for item in array.ravel()
        ):
            raise InputError("model", f"{what}: not all of them are numbers")
        try:
            array = array.astype(np.complex128 if _any_complex(array) else np.float64)
        except (TypeError, ValueError, OverflowError) as error:
            raise InputError("model", f"{what}: not real numbers ({error})") from None
    if array.dtype.kind not in "iufc":
        kind = {"b": "true/false", "U": "text", "S": "bytes"}.get(array.dtype.kind, "other")
        raise InputError("model", f"{what}: {kind} values, not numbers")
    if array.size != count:
        raise InputError("model", f"{what}: {array.size} values where {count} were expected")
    if array.dtype.kind == "c":
        if np.any(np.imag(array) != 0):
            raise InputError("model", f"{what}: complex values; a loss is a real number")
        array = np.real(array)
    return array.astype(np.float64).ravel()


def _any_complex(array: np.ndarray) -> bool:
    return any(isinstance(item, complex | np.complexfloating) for item in array.ravel())


class ModelBase:
    """Defaults for the protocol: flat/tensor bookkeeping, a looping ``losses``, and
    ``losses_along`` through ``losses``. Subclasses set ``kind`` and implement ``label``,
    ``tensors``, ``theta0`` and ``loss`` (and ``gradient`` when they have one)."""

    kind: str = "model"
    gradient_method: str = "gradient"
    gradient_note: str = "the gradient under check"

    # ------------------------------------------------------------------ description
    @property
    def label(self) -> str:
        return self.kind

    @property
    def tensors(self) -> tuple[TensorInfo, ...]:
        raise NotImplementedError

    @property
    def dtypes(self) -> tuple[str, ...]:
        return ("float64",)

    @property
    def evaluable(self) -> bool:
        return True

    @property
    def has_gradient(self) -> bool:
        return False

    @property
    def smooth(self) -> bool:
        return "complex128" in self.dtypes

    @property
    def cache_key(self) -> Any:
        return (self.kind, id(self))

    @property
    def parameter_count(self) -> int:
        return sum(tensor.size for tensor in self.tensors)

    # ------------------------------------------------------------------ flat <-> tensors
    def offsets(self) -> list[int]:
        """Start of each tensor in the flat vector (one more at the end: the total)."""
        starts = [0]
        for tensor in self.tensors:
            starts.append(starts[-1] + tensor.size)
        return starts

    def tensor(self, name: str) -> TensorInfo:
        for tensor in self.tensors:
            if tensor.name == name:
                return tensor
        names = ", ".join(t.name for t in self.tensors)
        raise InputError("tensor", f"{name!r} is not one of {names}")

    def tensor_position(self, name: str) -> int:
        return [t.name for t in self.tensors].index(self.tensor(name).name)

    def flat_index(self, name: str, index: int) -> int:
        """The flat position of entry ``index`` (C order) of tensor ``name``."""
        tensor = self.tensor(name)
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise InputError("index", f"{index!r} is not a whole number")
        if not 0 <= index < tensor.size:
            raise InputError("index", f"{index} is outside 0…{tensor.size - 1} for {name}")
        return self.offsets()[self.tensor_position(name)] + int(index)

    def entry_of(self, flat: int) -> tuple[str, int]:
        """(tensor name, index within it) of a flat position."""
        starts = self.offsets()
        for tensor, start, stop in zip(self.tensors, starts, starts[1:], strict=False):
            if start <= flat < stop:
                return tensor.name, flat - start
        raise InputError("index", f"{flat} is outside 0…{starts[-1] - 1}")

    def entry_name(self, flat: int) -> str:
        name, index = self.entry_of(flat)
        shape = self.tensor(name).shape
        if not shape:
            return name
        position = np.unravel_index(index, shape)
        return f"{name}[{', '.join(str(int(p)) for p in position)}]"

    def split(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """The flat vector as named arrays of the tensors' shapes (views, not copies)."""
        theta = np.asarray(theta)
        starts = self.offsets()
        return {
            tensor.name: theta[start:stop].reshape(tensor.shape)
            for tensor, start, stop in zip(self.tensors, starts, starts[1:], strict=False)
        }

    def join(self, arrays: dict[str, np.ndarray] | Sequence[np.ndarray]) -> np.ndarray:
        """Named (or ordered) arrays as one flat float64 vector."""
        if isinstance(arrays, dict):
            arrays = [arrays[tensor.name] for tensor in self.tensors]
        if not arrays:
            return np.zeros(0)
        return np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])

    # ------------------------------------------------------------------ evaluation
    def theta0(self) -> np.ndarray:
        raise NotImplementedError

    def loss(self, theta: np.ndarray, dtype: str = "float64") -> float:
        raise NotImplementedError

    def losses(self, thetas: np.ndarray, dtype: str = "float64") -> np.ndarray:
        """L at each row of ``thetas`` (a loop over ``loss``; override to vectorise)."""
        thetas = np.atleast_2d(np.asarray(thetas))
        values = [self.loss(row, dtype) for row in thetas]
        if dtype == "complex128":
            return np.array(values, dtype=np.complex128)
        return real_numbers(values, thetas.shape[0], f"{self.label}: the losses")

    def losses_along(self, index: int, values: np.ndarray, dtype: str = "float64") -> np.ndarray:
        """L with flat entry ``index`` set to each of ``values``, the rest at θ0."""
        values = np.asarray(values).ravel()
        base = self.theta0()
        row_dtype = np.complex128 if dtype == "complex128" else np.float64
        thetas = np.broadcast_to(base.astype(row_dtype), (values.size, base.size)).copy()
        thetas[:, index] = values
        return self.losses(thetas, dtype)

    def gradient(self, theta: np.ndarray | None = None) -> np.ndarray:
        raise InputError("gradient", f"{self.label} has no gradient under check")

    def measurements(self) -> Sequence[Any] | None:
        return None
