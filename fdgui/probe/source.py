"""Inside the probe process: a user's probe file as one uniform source of losses.

A probe file takes one of three forms (checked in this order):

- ``probe = torch_probe(...)`` / ``jax_probe(...)`` or any object with the richer form's
  methods, bound to the name ``probe``;
- the richer form at module level: ``parameters()`` returning a dict of named arrays,
  ``loss(params)``, optionally ``gradient(params)`` (a dict with the same names, or a flat
  array) and ``losses(batch)`` (``batch``: the same names, each with a leading axis of B
  points; returns B losses);
- the minimal form: ``theta0`` (a flat array, or a function returning one), ``loss(theta)``,
  optionally ``grad(theta)`` (flat, the shape of θ0), ``names`` (``[(name, shape), ...]``
  splitting θ into tensors) and ``losses(thetas)`` (a 2-D array of B points → B losses).

Everything the user's code returns is checked here, so a wrong result is refused in words
naming the function, its file and its line. This module runs in the probe's interpreter and
imports the standard library and numpy only (never Qt, never the rest of fdgui).
"""

from __future__ import annotations

import contextlib
import inspect
import math
import os
import runpy
import time
from typing import Any

import numpy as np


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


# a batch of points built in the probe's process holds at most this many bytes (one point
# at least): a request of many points at 5e7 parameters is never materialised at once
POINT_BYTES = 64 << 20


class ResultError(Exception):
    """User code ran but returned something that is not what the protocol needs."""


def where(function: Any) -> str:
    """' (defined in FILE, line N)' for a user function, or ''."""
    try:
        target = inspect.unwrap(getattr(function, "__func__", function))
        code = target.__code__
        return f" (defined in {code.co_filename}, line {code.co_firstlineno})"
    except (AttributeError, TypeError, ValueError):
        return ""


def to_numpy(value: Any) -> Any:
    """A torch tensor (or anything with ``detach``/``numpy``) as a numpy array. A dtype
    numpy has no type for (torch's bfloat16) comes as float64, which holds its values
    exactly (its precision is read from the tensor itself: ``precision_of_result``)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu()
        try:
            return value.numpy()
        except TypeError:  # "Got unsupported ScalarType BFloat16" and the like
            return value.double().numpy()
    return value


def precision_of_result(value: Any) -> str | None:
    """The float format of a value a loss returned ('float32', 'float16', 'bfloat16'), None
    for float64 or a value without one (a Python float): see ``fdgui.probe.precision``."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return None
    name = str(dtype).replace("torch.", "")
    return name if name in ("float32", "float16", "bfloat16") else None


def real_array(value: Any, what: str) -> np.ndarray:
    value = to_numpy(value)
    if value is None or isinstance(value, str | bytes | bool | np.bool_):
        raise ResultError(f"{what} returned {type(value).__name__}, not numbers")
    if isinstance(value, np.ma.MaskedArray):  # np.ma.masked too: a missing value is NaN,
        # never the data under the mask (np.asarray gives that: a masked loss read as 0)
        with contextlib.suppress(TypeError, ValueError):
            value = np.ma.filled(value.astype(np.float64), np.nan)
    try:
        array = np.asarray(value)
    except Exception as error:  # a ragged list, an object numpy cannot read
        raise ResultError(f"{what} returned something that is not numbers ({error})") from None
    if array.dtype.kind == "c":
        if np.any(np.imag(array) != 0):
            kind = "a gradient of a real loss" if "grad" in what else "a loss"
            raise ResultError(f"{what} returned complex numbers; {kind} is real")
        array = np.real(array)
    if array.dtype.kind == "V" and "float" in array.dtype.name:
        # ml_dtypes' formats (bfloat16, float8_…): numpy stores them as its own "void"
        # kind, but float32 holds each of their values exactly (the precision is read from
        # the dtype itself: ``precision_of_result``)
        with contextlib.suppress(TypeError, ValueError):
            array = array.astype(np.float32)
    if array.dtype.kind not in "iuf":
        raise ResultError(
            f"{what} returned {type(value).__name__} of {array.dtype}, not real numbers"
        )
    return array.astype(np.float64)


def scalar(value: Any, what: str) -> float:
    """One real number from a user's loss, or ResultError saying what came back."""
    array = real_array(value, what)
    if array.size != 1:
        raise ResultError(
            f"{what} returned an array of shape {tuple(array.shape)}, not one number "
            "(reduce it to a scalar, e.g. with .mean() or .sum())"
        )
    return float(array.reshape(()))


class _NoProgress:
    def starting(self, points: int) -> None:
        pass

    def finished(self, points: int) -> None:
        pass


def _unused(namespace: dict[str, Any], form: str) -> list[str]:
    """Names of the other forms the file defines, which the form it is read in does not use
    (review18p L7: both forms in one file, the richer one read silently; a minimal form's
    ``gradient`` that is not its ``grad``)."""
    names = {"minimal": ("gradient",) if "grad" not in namespace else (),
             "richer": ("theta0", "grad"),
             "object": ("theta0", "grad", "parameters", "gradient")}[form]  # fmt: skip
    return [name for name in names if name in namespace]


def _function(value: Any, name: str, form: str) -> Any:
    """``value`` if it is a function, None if the file does not define it; a gradient that is
    not a function is refused in words (never ignored: the check would give no verdict)."""
    if value is None or callable(value):
        return value
    raise ResultError(
        f"the probe defines {name} as {type(value).__name__}, not a function: define "
        f"{form} returning the gradient under check"
    )


class Source:
    """The loaded probe: tensors, θ0, the loss (one point or many) and the gradient."""

    def __init__(self, path: str, progress: Any = None) -> None:
        self._pid = os.getpid()  # the worker's (see ``_user``)
        self.path = os.path.abspath(path)
        # the worker's count of evaluations (``progress.Progress``: the per-evaluation timeout)
        self.progress = progress if progress is not None else _NoProgress()
        self.user_seconds = 0.0
        self.failures: list[tuple[int, BaseException]] = []  # a tolerant request's
        self.loss_dtype: str | None = None  # the coarsest float format a loss returned
        namespace = runpy.run_path(self.path, run_name="__fdgui_probe__")
        self.namespace = namespace
        target = namespace.get("probe")
        if target is not None and not callable(getattr(target, "loss", None)):
            target = None
        if target is not None:
            self.form = "object"
            self._richer(target, lambda name: getattr(target, name, None))
        elif callable(namespace.get("parameters")):
            self.form = "richer"
            self._richer(namespace, namespace.get)
        else:
            self.form = "minimal"
            self._minimal(namespace)
        self.unused = _unused(namespace, self.form)

    # ---------------------------------------------------------------- the two forms
    def _richer(self, owner: Any, get) -> None:
        self._loss_fn = get("loss")
        if not callable(self._loss_fn):
            raise ResultError("the probe defines parameters() but no loss(params)")
        self._gradient_fn = _function(get("gradient"), "gradient", "gradient(params)")
        self._losses_fn = get("losses")
        self._losses_fn = self._losses_fn if callable(self._losses_fn) else None
        self._varying_fn = get("losses_varying")
        self._varying_fn = self._varying_fn if callable(self._varying_fn) else None
        parameters_fn = get("parameters")
        params = self._user(parameters_fn)
        if not isinstance(params, dict) or not params:
            raise ResultError(
                f"parameters() returned {type(params).__name__}, not a dict of named arrays"
                + where(parameters_fn)
            )
        arrays = {str(name): real_array(value, f"parameters()[{name!r}]")
                  for name, value in params.items()}  # fmt: skip
        self.names = [(name, tuple(array.shape)) for name, array in arrays.items()]
        self.theta0 = self._join(arrays)
        self.named = True

    def _minimal(self, namespace: dict[str, Any]) -> None:
        self._loss_fn = namespace.get("loss")
        if not callable(self._loss_fn):
            found = "theta0" if "theta0" in namespace else "neither theta0 nor parameters()"
            raise ResultError(
                f"the probe defines no loss function ({found} found): a probe file defines "
                "theta0 and loss(theta), or parameters() and loss(params), or probe = "
                "torch_probe(...) / jax_probe(...)"
            )
        if "theta0" not in namespace:
            raise ResultError("the probe defines loss(theta) but no theta0 (the point to check)")
        theta0 = namespace["theta0"]
        if callable(theta0):
            theta0 = self._user(theta0)
        theta0 = real_array(theta0, "theta0")
        self.theta0 = theta0.ravel().copy()
        name = "grad" if "grad" in namespace else "gradient"
        self._gradient_fn = _function(namespace.get(name), name, f"{name}(theta)")
        self._losses_fn = namespace.get("losses") if callable(namespace.get("losses")) else None
        self._varying_fn = None
        names = namespace.get("names")
        self.named = names is not None
        if names is None:
            self.names = [("theta", (self.theta0.size,))]
        else:
            self.names = self._read_names(names)

    def _read_names(self, names: Any) -> list[tuple[str, tuple[int, ...]]]:
        pairs = []
        try:
            for name, shape in names:
                dims = (shape,) if np.ndim(shape) == 0 else tuple(shape)  # 3, np.int64(3)
                pairs.append((str(name), tuple(int(n) for n in dims)))
        except (TypeError, ValueError):
            raise ResultError("names must be a list of (name, shape) pairs") from None
        for name, shape in pairs:
            if any(n < 0 for n in shape):
                raise ResultError(f"names: {name} has a negative size in its shape {shape}")
        total = sum(math.prod(shape) for _, shape in pairs)
        if total != self.theta0.size:
            raise ResultError(
                f"names describe {total:,} entries but theta0 has {self.theta0.size:,}"
            )
        if len({name for name, _ in pairs}) != len(pairs):
            raise ResultError("names repeat a tensor name")
        return pairs

    # ---------------------------------------------------------------- bookkeeping
    def _user(self, function, *args):
        started = time.perf_counter()
        try:
            return function(*args)
        finally:
            if os.getpid() != self._pid:  # a child the person's code forked came back
                os._exit(0)  # into fdgui's code: it ends here (nor forks again, point by point)
            self.user_seconds += time.perf_counter() - started

    def _join(self, arrays: dict[str, Any]) -> np.ndarray:
        if not arrays:
            return np.zeros(0)
        return np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays.values()])

    def split(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        out, start = {}, 0
        for name, shape in self.names:
            size = math.prod(shape)
            out[name] = theta[start : start + size].reshape(shape)
            start += size
        return out

    def _argument(self, theta: np.ndarray) -> Any:
        return self.split(theta) if self.form != "minimal" else theta

    # ---------------------------------------------------------------- evaluation
    def loss(self, theta: np.ndarray) -> float:
        theta = np.array(theta, dtype=np.float64)
        value = self._user(self._loss_fn, self._argument(theta))
        self.progress.finished(1)
        self._saw(value)
        return scalar(value, "loss" + where(self._loss_fn))

    def _saw(self, value: Any) -> None:
        """Remember the coarsest float format a loss came back in (``loss_dtype``)."""
        name = precision_of_result(value)
        if name is not None and (self.loss_dtype is None or name != "float32"):
            self.loss_dtype = name

    def gradient(self, theta: np.ndarray) -> np.ndarray | None:
        if self._gradient_fn is None:
            return None
        name = "gradient" if self.form != "minimal" else "grad"
        what = name + where(self._gradient_fn)
        value = self._user(self._gradient_fn, self._argument(np.array(theta, dtype=np.float64)))
        if isinstance(value, dict):
            missing = [n for n, _ in self.names if n not in value]
            if missing:
                raise ResultError(f"{what} returned no {', '.join(missing)}")
            parts = []
            for n, shape in self.names:
                part = real_array(value[n], f"{name}[{n!r}]")
                if part.ndim > 1 and tuple(part.shape) != tuple(shape):  # (4, 3) for (3, 4)
                    raise ResultError(
                        f"{what}: {n} has shape {tuple(part.shape)}, the parameter {shape} "
                        "(a transposed gradient?)"
                    )
                if part.size != math.prod(shape):
                    raise ResultError(
                        f"{what}: {n} has shape {tuple(part.shape)}, the parameter {shape}"
                    )
                parts.append(part.ravel())
            return np.concatenate(parts) if parts else np.zeros(0)
        flat = real_array(value, what)
        if flat.size != self.theta0.size:
            raise ResultError(
                f"{what} returned shape {tuple(flat.shape)} ({flat.size:,} values) where "
                f"theta0 has {self.theta0.size:,} entries"
            )
        return flat.ravel()

    @property
    def batched(self) -> bool:
        return self._losses_fn is not None or self._varying_fn is not None

    def losses(self, thetas: np.ndarray) -> np.ndarray:
        """L at each row of ``thetas`` (whole points)."""
        count = thetas.shape[0]
        if self._losses_fn is None:
            return np.array([self.loss(row) for row in thetas])
        what = "losses" + where(self._losses_fn)
        argument = thetas
        if self.form != "minimal":
            argument = {
                name: array.reshape((count, *shape))
                for (name, shape), array in zip(self.names, self._columns(thetas), strict=True)
            }
        self.progress.starting(count)
        result = self._user(self._losses_fn, argument)
        self.progress.finished(count)
        self._saw(result)
        values = real_array(result, what).ravel()
        if values.size != count:
            raise ResultError(
                f"{what} returned {_count(values.size, 'loss', 'losses')} for "
                f"{_count(count, 'point', 'points')}"
            )
        return values

    def _columns(self, thetas: np.ndarray) -> list[np.ndarray]:
        out, start = [], 0
        for _, shape in self.names:
            size = math.prod(shape)
            out.append(thetas[:, start : start + size])
            start += size
        return out

    def losses_changed(
        self, count: int, rows: np.ndarray, columns: np.ndarray, values: np.ndarray
    ) -> np.ndarray:
        """L at ``count`` points, each θ0 with ``values`` at (row, column) pairs."""
        base = self.theta0
        if self._varying_fn is not None and columns.size:
            tensor = self._single_tensor(columns)
            if tensor is not None:
                name, start, shape = tensor
                size = math.prod(shape)
                stacked = np.broadcast_to(base[start : start + size], (count, size)).copy()
                stacked[rows, columns - start] = values
                what = "losses" + where(self._varying_fn)
                self.progress.starting(count)
                result = self._user(self._varying_fn, name, stacked.reshape((count, *shape)))
                self.progress.finished(count)
                self._saw(result)
                result = real_array(result, what).ravel()
                if result.size != count:
                    raise ResultError(
                        f"{what} returned {_count(result.size, 'loss', 'losses')} "
                        f"for {_count(count, 'point', 'points')}"
                    )
                return result
        if self._losses_fn is not None or self._varying_fn is not None:
            thetas = np.broadcast_to(base, (count, base.size)).copy()
            thetas[rows, columns] = values
            if self._losses_fn is not None:
                return self.losses(thetas)
            return np.array([self.loss(row) for row in thetas])
        out = np.empty(count)
        theta = base.copy()
        order = np.argsort(rows, kind="stable")
        rows, columns, values = rows[order], columns[order], values[order]
        bounds = np.searchsorted(rows, np.arange(count + 1))
        for k in range(count):
            lo, hi = bounds[k], bounds[k + 1]
            theta[columns[lo:hi]] = values[lo:hi]
            out[k] = self.loss(theta)
            theta[columns[lo:hi]] = base[columns[lo:hi]]
        return out

    def losses_points(
        self,
        count: int,
        bases: np.ndarray,
        base_of: np.ndarray,
        rows: np.ndarray,
        columns: np.ndarray,
        values: np.ndarray,
        tolerate: bool = False,
    ) -> np.ndarray:
        """L at ``count`` points, point k being base ``base_of[k]`` (a row of ``bases``; −1:
        θ0) with ``values`` at its (row, column) pairs: each point is built here from the
        one base it names, a batch of POINT_BYTES at most at a time (never all at once)."""
        self.failures = []
        near = not base_of.size or bool(np.all(base_of < 0))
        varying = self._varying_fn is not None and columns.size
        if near and varying and self._single_tensor(columns) is not None:
            try:  # one tensor's copies (vmapped), as the forward engine's points
                return self.losses_changed(count, rows, columns, values)
            except ResultError:
                raise
            except Exception:
                if not tolerate:
                    raise  # else: which points raised, each alone (below)
        order = np.argsort(rows, kind="stable")
        rows, columns, values = rows[order], columns[order], values[order]
        bounds = np.searchsorted(rows, np.arange(count + 1))

        def point(k: int, into: np.ndarray) -> None:
            base = int(base_of[k]) if base_of.size else -1
            into[:] = self.theta0 if base < 0 else bases[base]
            low, high = bounds[k], bounds[k + 1]
            into[columns[low:high]] = values[low:high]

        return self._evaluate(count, point, tolerate)

    def losses_lines(
        self, directions: np.ndarray, steps: np.ndarray, tolerate: bool = False
    ) -> np.ndarray:
        """L at θ0 + steps[i, j]·directions[i] (row-major over i, j): the points of lines
        through θ0, computed here as numpy computes ``theta + step * direction``."""
        per_line = steps.shape[1] if steps.ndim == 2 else 0

        def point(k: int, into: np.ndarray) -> None:
            line, j = divmod(k, per_line)
            np.multiply(steps[line, j], directions[line], out=into)
            np.add(self.theta0, into, out=into)

        return self._evaluate(int(steps.size), point, tolerate)

    def _evaluate(self, count: int, point, tolerate: bool) -> np.ndarray:
        """L at the ``count`` points ``point(k, into)`` writes; ``tolerate``: a point where
        the person's loss raises gives NaN (and ``failures`` holds (k, the exception))."""
        size = self.theta0.size
        out = np.empty(count)
        self.failures = []
        if self._losses_fn is not None:
            per = max(1, POINT_BYTES // (8 * max(size, 1)))
            for start in range(0, count, per):
                stop = min(count, start + per)
                block = np.empty((stop - start, size))
                for k in range(start, stop):
                    point(k, block[k - start])
                try:
                    out[start:stop] = self.losses(block)
                except Exception:
                    if not tolerate:
                        raise
                    for k in range(start, stop):  # which points: each alone
                        out[k] = self._tolerant_loss(k, block[k - start])
            return out
        theta = np.empty(size)
        for k in range(count):
            point(k, theta)
            out[k] = self._tolerant_loss(k, theta) if tolerate else self.loss(theta)
        return out

    def _tolerant_loss(self, k: int, theta: np.ndarray) -> float:
        try:
            return self.loss(theta)
        except ResultError:
            raise  # a value the protocol cannot use is a bug in the file, not a domain
        except Exception as error:
            self.failures.append((k, error))
            self.progress.finished(1)
            return math.nan

    def _single_tensor(self, columns: np.ndarray):
        low, high = int(columns.min()), int(columns.max())
        start = 0
        for name, shape in self.names:
            size = math.prod(shape)
            if start <= low and high < start + size:
                return name, start, shape
            start += size
        return None
