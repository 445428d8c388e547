"""What the ε ladder (``netcheck.ladder``) asks of an engine: ΔL± at steps of its choosing, in
the dtype and (to measure the dtype's round-off) in float64 at the same rounded points.

``ExactSteps`` and ``ForwardSteps`` are mixed into the two engines (kept here so that each
engine module stays about one thing).
"""

from __future__ import annotations

import numpy as np

from fdgui.core.netcheck.projection import direction, projection_losses


class ExactSteps:
    """The exact engine's side (``self``: an ``ExactEngine``)."""

    def use_tolerances(self, tolerances) -> None:
        """The check's tolerances (measured round-off): the engine judges nothing itself."""

    def tensor_sizes(self) -> list[int]:
        return [p.size for p in self.net.parameters]

    def values_of(self, position: int, indices: np.ndarray) -> np.ndarray:
        return self.net.parameters[position].ravel()[indices]

    def step_chunk(self, position: int) -> int:
        """Entries per ``step_changes`` call (what bounds the engine's temporaries)."""
        return self.gather_chunk(position)

    def step_changes(self, position: int, indices: np.ndarray, steps: np.ndarray):
        """ΔL± at w ± steps (one step per entry) in the dtype, and where a relu switches."""
        chunk = self._evaluate_in_dtype(position, indices, steps)
        return chunk.plus, chunk.minus, np.broadcast_to(chunk.kink, np.shape(chunk.plus))

    def direction_changes(self, position: int, k: int, steps: np.ndarray):
        """ΔL± along projection direction k at each of ``steps``."""
        shape = self.net.parameters[position].shape
        unit = direction(shape, self.settings.sample_seed, position, k)
        found = [
            projection_losses(self.net, self.dtype, position, unit, float(h), with_flags=True)
            for h in steps
        ]
        plus = np.array([f[0] for f in found]) - self.loss
        minus = np.array([f[1] for f in found]) - self.loss
        return plus, minus, np.array([bool(f[2]) for f in found])

    def reference_changes(self, position: int, indices: np.ndarray, steps: np.ndarray):
        """ΔL± at the same rounded points as ``step_changes``, every operation in float64
        (what the dtype's round-off is measured against)."""
        if self.dtype == "float64":
            return None
        values = self.values_of(position, indices)
        base = float(self.net.loss(dtype="float64"))
        found = []
        for sign in (1.0, -1.0):
            moved = self.ar.cast(values + sign * steps).astype(np.float64)
            losses = []
            for index, value in zip(indices, moved, strict=True):
                parameters = list(self.net.parameters)
                changed = parameters[position].copy()
                changed.flat[index] = value
                parameters[position] = changed
                losses.append(float(self.net.loss(parameters, dtype="float64")) - base)
            found.append(np.array(losses))
        return found[0], found[1]

    def float64_losses(self, position: int, index: int, values: np.ndarray | None):
        """float64 losses with entry ``index`` of tensor ``position`` set to each of
        ``values`` (every other weight as the dtype holds it); ``values`` None: L itself
        (``netcheck.confirm``)."""
        if values is None:
            return float(self.net.loss(dtype="float64"))
        if np.size(values) == 0:
            return np.zeros(0)
        name = self.net.parameter_names[position]
        return self.net.loss_along(name, int(index), np.asarray(values, float), "float64")

    def float64_direction_losses(self, position: int, k: int, values: np.ndarray):
        """float64 losses at θ + s·v for each s of ``values`` (v: projection direction k of
        tensor ``position``; θ as the dtype holds it): ``netcheck.confirm`` along a
        direction, as ``float64_losses`` along an entry."""
        parameters = self.net.parameters
        unit = direction(parameters[position].shape, self.settings.sample_seed, position, k)
        values = np.asarray(values, dtype=float).ravel()
        # many points per batched forward pass, their parameters within about 4M numbers
        size = sum(p.size for p in parameters)
        rows = max(1, min(values.size, 4_000_000 // max(size, 1)))
        found = []
        for start in range(0, values.size, rows):
            steps = values[start : start + rows]
            stacks = [np.broadcast_to(p, (steps.size, *p.shape)) for p in parameters]
            stacks[position] = parameters[position] + steps.reshape(-1, *[1] * unit.ndim) * unit
            found.append(np.asarray(self.net.losses_batch(stacks, "float64"), dtype=float))
        return np.concatenate(found) if found else np.zeros(0)

    @property
    def smooth(self) -> bool:
        return self.net.spec.activation != "relu"


class ForwardSteps:
    """The forward engine's side (``self``: a ``ForwardEngine``)."""

    def use_tolerances(self, tolerances) -> None:
        """The check's tolerances (measured round-off), for the kink test and second look."""
        self._tolerances = tolerances

    def tensor_sizes(self) -> list[int]:
        return [self.offsets[p + 1] - self.offsets[p] for p in range(len(self.shapes))]

    def values_of(self, position: int, indices: np.ndarray) -> np.ndarray:
        return self.theta[self.offsets[position] + indices]

    def step_chunk(self, position: int) -> int:
        """Entries per ``step_changes`` call: the engine's rows per chunk (2 points each)."""
        return self.rows

    def step_changes(self, position: int, indices: np.ndarray, steps: np.ndarray):
        """ΔL± at w ± steps (one step per entry) of the model's own loss; no kink flags (the
        ladder retries only smooth models)."""
        rows_for = self.rows_maker(position, indices)
        plus, minus, _ = self._changes(rows_for, np.asarray(steps, dtype=float))
        return plus, minus, np.zeros(plus.shape, dtype=bool)

    def direction_changes(self, position: int, k: int, steps: np.ndarray):
        start, stop = self.offsets[position], self.offsets[position + 1]
        unit = direction(self.shapes[position][1], self.settings.sample_seed, position, k).ravel()
        steps = np.asarray(steps, dtype=float)
        points = np.empty((2 * steps.size, self.size))
        points[:] = self.theta
        signed = np.concatenate([steps, -steps])
        points[:, start:stop] = self.round(self.theta[start:stop] + signed[:, None] * unit)
        with np.errstate(invalid="ignore", over="ignore"):
            changes = self._losses(points) - self.loss
        return changes[: steps.size], changes[steps.size :], np.zeros(steps.size, dtype=bool)

    def reference_changes(self, position: int, indices: np.ndarray, steps: np.ndarray):
        """The same rounded points in float64; None when the model cannot do that (a float64
        check, a loss computed in a coarser format than asked, or no float64 at all)."""
        usable = (
            self.dtype != "float64"
            and self.precision == self.dtype
            and "float64" in self.model.dtypes
            and not self.changes_only
        )
        if not usable:
            return None
        rows_for = self.rows_maker(position, indices)
        steps = np.asarray(steps, dtype=float)
        points, _ = rows_for(np.concatenate([steps, -steps]))
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            losses = np.asarray(self.model.losses(points, "float64"), dtype=float)
            base = float(np.asarray(self.model.losses(self.theta[None, :], "float64"))[0])
        changes = losses - base
        return changes[: steps.size], changes[steps.size :]

    def float64_losses(self, position: int, index: int, values: np.ndarray | None):
        """As ``ExactSteps.float64_losses``; None when the model has no float64 loss."""
        usable = "float64" in self.model.dtypes and not self.changes_only
        if not usable:
            return None
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            if values is None:
                return float(np.asarray(self.model.losses(self.theta[None, :], "float64"))[0])
            values = np.asarray(values, dtype=float).ravel()
            points = np.empty((values.size, self.size))
            points[:] = self.theta
            points[:, self.offsets[position] + int(index)] = values
            return np.asarray(self.model.losses(points, "float64"), dtype=float)

    def float64_direction_losses(self, position: int, k: int, values: np.ndarray):
        """As ``ExactSteps.float64_direction_losses``; None when the model has no float64
        loss."""
        if "float64" not in self.model.dtypes or self.changes_only:
            return None
        start, stop = self.offsets[position], self.offsets[position + 1]
        unit = direction(self.shapes[position][1], self.settings.sample_seed, position, k).ravel()
        values = np.asarray(values, dtype=float).ravel()
        points = np.empty((values.size, self.size))
        points[:] = self.theta
        points[:, start:stop] = self.theta[start:stop] + values[:, None] * unit
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            return np.asarray(self.model.losses(points, "float64"), dtype=float)
