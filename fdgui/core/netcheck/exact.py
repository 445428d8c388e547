"""The exact engine: the built-in network's loss *changes*, formed without cancellation.

Perturbing ``W[l][i, j]`` by ±ε changes one pre-activation column, ``Z[l][:, i]``, by
``±ε·A[l][:, j]``; perturbing ``b[l][i]`` changes it by ±ε. Nothing upstream changes, so the
unperturbed forward pass is reused and only what the perturbation touches is recomputed, for
thousands of perturbations per numpy call:

* output layer: one logit changes, and the change of each example's loss has a closed form
  (cross-entropy: ``log1p(p·expm1(δ)) − δ·[target]``; squared error: ``δ·(r + δ/2)``);
* the last hidden layer: the unit's new activation comes from the addition theorem
  ``tanh(z+δ) − tanh(z) = T·sech²z / (1 + tanh z·T)`` with ``T = tanh δ`` (sigmoid through
  ``σ(x) = (1 + tanh(x/2))/2``, relu exactly), and the logits move along the column
  ``W_out[:, i]`` by that change ``d``; the loss along that line comes from its cumulant series
  (``jets.cumulant_series``) where the series' tail is below 1e-20 relative, else from the
  direct ``log1p(Σ p·expm1(d·w))``;
* deeper layers: the loss's 4th-order series in the unit's change (``jets.unit_jets``, once
  per unit), or, where its tail could matter or a relu unit deeper down switches, the change
  pushed through the remaining layers as a difference (``ΔZ = ΔA @ Wᵀ``, activation
  differences by the same addition theorem), one matrix product per chunk.

Each example's loss *change* is formed directly, never as the difference of two rounded
losses, so L(w+ε) − L(w−ε) keeps about 15 digits instead of losing log10(|L|/|ΔL|) of them to
cancellation. That is why the result agrees with exact backprop to about 1e-10 while a plain
one-at-a-time loop carries round-off of about u·|L|/ε.

In float32, float16 and bfloat16 the check is what a person would see in that format: w ± ε
is rounded to the format, the perturbed losses are evaluated in it (rank-one updates, every
operation rounded), and the numeric gradient is (L+ − L−)/(2ε) of those rounded losses.

The engine uses only the network's public API (``Network`` and the arithmetic helpers of
``fdgui.core.models.mlp``).
"""

from __future__ import annotations

import math
import threading

import numpy as np

from fdgui.core.models.mlp import (
    Arithmetic,
    Network,
    activate,
    affine,
    batch_mean,
    per_sample_loss,
)
from fdgui.core.netcheck import jets
from fdgui.core.netcheck.chunks import (
    CHUNK_ELEMENTS,
    DEEP_CHUNK_ELEMENTS,
    FAST_CHUNK_ELEMENTS,
    Chunk,
    sample_indices,
)
from fdgui.core.netcheck.jets import cumulant_series, horner, series_degree, unit_jets
from fdgui.core.netcheck.projection import direction, projection_losses
from fdgui.core.netcheck.settings import CheckSettings
from fdgui.core.netcheck.steps import ExactSteps
from fdgui.core.netcheck.tolerances import (
    Tolerances,
    check_epsilon,
    check_tolerances,
    forward_epsilon,
)

_BUFFERS = threading.local()  # work arrays reused by every check run on the same thread


class ExactEngine(ExactSteps):
    """The network's unperturbed forward pass and the tables every chunk reuses."""

    name = "exact"

    def __init__(self, net: Network, settings: CheckSettings) -> None:
        self.net = net
        self.settings = settings
        self.dtype = settings.dtype
        self.spec = net.spec
        self.layers = net.layer_count
        if settings.dtype != "float64":
            self.net = net = net.rounded_to(settings.dtype)
        self.analytic = net.gradient(settings.bug)
        self.fp = net.forward("float64")
        self.loss = float(net.loss(dtype=settings.dtype))
        self.batch = self.spec.batch_size
        base = check_epsilon(settings.dtype)
        self.epsilon_base = settings.epsilon if settings.epsilon is not None else base
        self.epsilon_scaled = settings.epsilon is None
        # tanh(ε·x) of the last hidden layer's inputs, kept for the (tensor, ε) it was made for
        self._t_key: tuple[int, float] | None = None
        self._t_table: np.ndarray | None = None
        if settings.dtype == "float64":
            self._prepare_float64()
        else:
            self.ar = Arithmetic(settings.dtype)
            self.fp_dtype = net.forward(settings.dtype)

    # -- tables -------------------------------------------------------------------

    def _prepare_float64(self) -> None:
        fp, spec = self.fp, self.spec
        self.hidden: list[dict[str, np.ndarray]] = []
        with np.errstate(over="ignore"):
            for layer in range(self.layers - 1):
                z = fp.pre_activations[layer]
                if spec.activation == "tanh":
                    table = {"a": fp.inputs[layer + 1], "s": 1.0 / np.cosh(z) ** 2}
                    table["gs"] = table["s"]
                elif spec.activation == "sigmoid":
                    table = {"a": np.tanh(z / 2), "s": 1.0 / np.cosh(z / 2) ** 2}
                    table["gs"] = 0.5 * table["s"]
                else:
                    table = {"z": z}
                self.hidden.append(table)
        outputs = fp.pre_activations[-1]
        if spec.loss == "cross-entropy":
            shifted = outputs - outputs.max(axis=1, keepdims=True)
            probabilities = np.exp(shifted)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            self.probabilities = probabilities
            self.onehot = np.zeros_like(outputs)
            self.onehot[np.arange(self.batch), self.net.targets] = 1.0
        else:
            self.residual = outputs - self.net.targets
        if self.layers >= 2:
            output = self.probabilities if spec.loss == "cross-entropy" else self.residual
            self.series, self.weight_range = cumulant_series(
                self.net.parameters[-2], spec.loss, output, self.net.targets
            )

    def tolerances(self) -> Tolerances:
        largest = max(float(np.max(np.abs(p))) for p in self.net.parameters)
        return check_tolerances(self.settings, self.loss, largest)

    def probe_twin(self, position: int) -> int | None:
        """A deep bias reuses the jets its weight row computed: probing it alone would time
        every unit's jet against a few entries; an entry costs what a weight does."""
        deep = position % 2 == 1 and position // 2 < self.layers - 2
        return position - 1 if self.dtype == "float64" and deep else None

    def direction_chunk(self, position: int, k: int) -> Chunk:
        """Projection mode: the k-th random direction of tensor ``position`` (two losses)."""
        settings = self.settings
        epsilon = settings.epsilon or forward_epsilon(settings.dtype)
        unit = direction(self.net.parameters[position].shape, settings.sample_seed, position, k)
        loss_plus, loss_minus, kink, vanished = projection_losses(
            self.net, settings.dtype, position, unit, epsilon, with_flags=True
        )
        plus, minus = loss_plus - self.loss, loss_minus - self.loss
        numeric = (plus - minus) / (2 * epsilon)  # reproducible from (ε, ΔL+, ΔL−)
        projected = float(np.sum(self.analytic[position] * unit))
        return Chunk(k, numeric, projected, epsilon, plus, minus, kink, vanished)

    def epsilon_for(self, values: np.ndarray, position: int | None = None) -> np.ndarray | float:
        if not self.epsilon_scaled:
            return self.epsilon_base
        return self.epsilon_base * np.maximum(1.0, np.abs(values))

    def tensor_indices(self, position: int, full: bool) -> np.ndarray:
        """The flat indices a mode checks in one tensor (k random ones when sampling)."""
        size = self.net.parameters[position].size
        if full:
            return np.arange(size)
        return sample_indices(size, position, self.settings.sample_seed, self.settings.samples)

    def tensor_pieces(self, position: int, full: bool, limit: int | None = None):
        """Evaluate one tensor chunk by chunk; yields a ``Chunk`` for each.

        Whole weight matrices of the last two layers go row-block by row-block (no index
        arrays); everything else goes as chunks of gathered indices. ``limit`` stops after
        about that many entries (the cost planner's probe).
        """
        shape = self.net.parameters[position].shape
        done = 0
        block = position // 2 >= self.layers - 2 and len(shape) == 2
        if full and self.dtype == "float64" and block:
            rows_per_chunk = max(1, FAST_CHUNK_ELEMENTS // (self.batch * shape[1]))
            for row in range(0, shape[0], rows_per_chunk):
                stop = min(shape[0], row + rows_per_chunk)
                yield from self.evaluate_rows(position, row, stop)
                done += (stop - row) * shape[1]
                if limit is not None and done >= limit:
                    return
            return
        indices = self.tensor_indices(position, full)
        step = max(1, self.gather_chunk(position))
        for start in range(0, indices.size, step):
            yield self.evaluate_indices(position, indices[start : start + step])
            done += min(step, indices.size - start)
            if limit is not None and done >= limit:
                return

    def gather_chunk(self, position: int) -> int:
        layer = position // 2
        widest = max(self.spec.layer_sizes[layer + 1 :])
        if self.dtype != "float64":
            return max(1, CHUNK_ELEMENTS // (self.batch * widest))
        if layer < self.layers - 2:
            return max(1, CHUNK_ELEMENTS // (self.batch * 8))  # jets: a few (B, P) arrays
        return max(1, CHUNK_ELEMENTS // (self.batch * max(4, self.spec.layer_sizes[-1])))

    # -- float64 engine ---------------------------------------------------------------

    def _buffer(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A reusable work array: fresh 1 MB temporaries cost more in page faults than the
        arithmetic done in them, so the hot loop writes into the same memory every chunk."""
        buffers = _BUFFERS.__dict__.setdefault("arrays", {})
        size = math.prod(shape)
        buffer = buffers.get(name)
        if buffer is None or buffer.size < size:
            buffer = np.empty(max(size, FAST_CHUNK_ELEMENTS))
            buffers[name] = buffer
        return buffer[:size].reshape(shape)

    def _fast_rows(self, position, rows, epsilon):
        """ΔL± for whole rows of the last hidden layer's weights (smooth activation, one ε).

        Returns None when the series guard fails (the caller then uses the general path).
        """
        layer = position // 2
        table = self.hidden[layer]
        source = self.fp.inputs[layer]  # (B, J)
        key = (position, float(epsilon))
        if self._t_key != key:
            scale = 1.0 if self.spec.activation == "tanh" else 0.5
            self._t_table = np.tanh(scale * epsilon * source)[:, None, :]  # (B, 1, J)
            self._t_key = key
        t = self._t_table
        t_max = float(np.max(np.abs(t)))
        reach = t_max / (1.0 - t_max)  # |d| ≤ |T|·sech²/(1 − |a·T|) ≤ |T|/(1 − |T|)
        terms = [term[:, rows, None] for term in self.series]
        if self.spec.loss == "cross-entropy":
            degree = series_degree(reach * float(np.max(self.weight_range[rows])), epsilon)
            if degree is None:
                return None
            terms = terms[:degree]
        shape = (self.batch, rows.stop - rows.start, source.shape[1])
        numerator = self._buffer("numerator", shape)
        at = self._buffer("at", shape)
        d_plus = self._buffer("d_plus", shape)
        d_minus = self._buffer("d_minus", shape)
        np.multiply(t, table["gs"][:, rows, None], out=numerator)
        np.multiply(t, table["a"][:, rows, None], out=at)
        np.add(at, 1.0, out=d_plus)
        np.divide(numerator, d_plus, out=d_plus)
        np.subtract(at, 1.0, out=d_minus)
        np.divide(numerator, d_minus, out=d_minus)  # = −T·s/(1 − a·T)
        changes = []
        for d, work in ((d_plus, numerator), (d_minus, at)):
            changes.append(horner(d, terms, out=work).sum(axis=0) / self.batch)
        return changes[0], changes[1]

    def evaluate_rows(self, position: int, row_start: int, row_stop: int):
        """Every entry of rows row_start..row_stop of a weight matrix (block layout)."""
        layer = position // 2
        weight = self.net.parameters[position]
        rows = slice(row_start, row_stop)
        epsilon = self.epsilon_for(weight[rows])
        if np.ndim(epsilon) and np.all(epsilon == epsilon.flat[0]):
            epsilon = float(epsilon.flat[0])
        if np.ndim(epsilon) == 0 and layer == self.layers - 2 and self.spec.activation != "relu":
            fast = self._fast_rows(position, rows, epsilon)
            if fast is not None:
                plus, minus, vanished = self._lost_steps(weight[rows], epsilon, *fast)
                numeric = (plus - minus) / (2 * epsilon)
                flat = np.arange(row_start * weight.shape[1], row_stop * weight.shape[1])
                yield Chunk(
                    flat,
                    numeric.ravel(),
                    self.analytic[position][rows].ravel(),
                    epsilon,
                    plus.ravel(),
                    minus.ravel(),
                    False,
                    np.broadcast_to(vanished, numeric.shape).ravel(),
                )
                return
        source = self.fp.inputs[layer][:, None, :]  # (B, 1, J)

        def unit(array: np.ndarray) -> np.ndarray:
            return array[:, rows, None]

        def unit1(array: np.ndarray) -> np.ndarray:
            return array[rows, None]

        columns = weight.shape[1]
        units_flat = np.repeat(np.arange(row_start, row_stop), columns)
        plus, minus, kink = self._changes(
            layer, unit, unit1, units_flat, epsilon * source, float(np.min(epsilon))
        )
        flat = np.arange(row_start * columns, row_stop * columns)
        plus, minus, vanished = self._lost_steps(weight[rows], epsilon, plus, minus)
        numeric = (plus - minus) / (2 * epsilon)
        analytic = self.analytic[position][rows]
        yield Chunk(
            flat,
            numeric.ravel(),
            analytic.ravel(),
            np.broadcast_to(epsilon, numeric.shape).ravel(),
            plus.ravel(),
            minus.ravel(),
            kink.ravel(),
            np.broadcast_to(vanished, numeric.shape).ravel(),
        )

    def evaluate_indices(self, position: int, indices: np.ndarray):
        """Any list of flat indices of one tensor (gather layout)."""
        if self.dtype != "float64":
            return self._evaluate_in_dtype(position, indices)
        layer = position // 2
        values = self.net.parameters[position].ravel()[indices]
        epsilon = self.epsilon_for(values)
        if position % 2 == 0:
            units, sources = np.divmod(indices, self.net.parameters[position].shape[1])
            delta = epsilon * self.fp.inputs[layer][:, sources]  # (B, P)
        else:
            units = indices
            delta = np.broadcast_to(epsilon, (self.batch, indices.size))

        def unit(array: np.ndarray) -> np.ndarray:
            return array[:, units]

        def unit1(array: np.ndarray) -> np.ndarray:
            return array[units]

        plus, minus, kink = self._changes(layer, unit, unit1, units, delta, float(np.min(epsilon)))
        plus, minus, vanished = self._lost_steps(values, epsilon, plus, minus)
        numeric = (plus - minus) / (2 * epsilon)
        analytic = self.analytic[position].ravel()[indices]
        epsilon_array = np.broadcast_to(epsilon, numeric.shape)
        return Chunk(indices, numeric, analytic, epsilon_array, plus, minus, kink, vanished)

    def _lost_steps(self, values, epsilon, plus, minus):
        """ΔL± with the steps float64 cannot represent at w set to 0, and where both were lost.

        The engine forms ΔL from ε itself, never from w ± ε, so on its own it would report an
        exact derivative even for an ε so small that w + ε == w; a person's finite difference
        sees no step there, and so does this check (numeric 0, the entry marked as undecided).
        Only a fixed ε can be that small: the recommended √u·max(1, |w|) always moves w.
        """
        if self.epsilon_scaled:
            return plus, minus, False
        values = np.asarray(values, dtype=np.float64)
        lost_plus = np.broadcast_to(values + epsilon == values, np.shape(plus))
        lost_minus = np.broadcast_to(values - epsilon == values, np.shape(minus))
        if not (lost_plus.any() or lost_minus.any()):
            return plus, minus, False
        plus = np.where(lost_plus, 0.0, plus)
        minus = np.where(lost_minus, 0.0, minus)
        return plus, minus, lost_plus & lost_minus

    def _changes(self, layer, unit, unit1, units_flat, delta, epsilon):
        """Loss changes ΔL± (averaged over the batch) for perturbations ±delta of one layer.

        ``delta`` has the batch on axis 0 (``epsilon``: the smallest step, for the series
        bound); ``unit``/``unit1`` pick the perturbed units'
        values out of (B, n) / (n,) tables in the same layout.
        """
        batch = self.batch
        shape = np.broadcast_shapes(delta.shape, unit(self.fp.pre_activations[layer]).shape)
        kink = np.zeros(shape[1:], dtype=bool)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            if layer == self.layers - 1:
                plus = self._single_output_change(unit, delta).sum(axis=0) / batch
                minus = self._single_output_change(unit, -delta).sum(axis=0) / batch
                return plus, minus, kink
            d_plus, d_minus, kink = self._activation_changes(layer, unit, delta)
            if layer == self.layers - 2:
                plus, minus = self._output_along_column(
                    unit, unit1, units_flat, d_plus, d_minus, epsilon
                )
            else:
                jet = self._jet_change(layer, units_flat, d_plus, d_minus, epsilon)
                if jet is not None:
                    plus, minus, switched = jet
                    if switched is not None:  # relu entries where a deeper unit switches
                        plus, minus = self._exact_where(
                            layer, units_flat, d_plus, d_minus, kink, switched, plus, minus
                        )
                else:
                    plus, minus = self._deep_changes(layer, units_flat, d_plus, d_minus, kink)
        return plus, minus, kink

    def _deep_changes(self, layer, units_flat, d_plus, d_minus, kink):
        """_deep_change for ΔL+ and ΔL−, in slices that keep its (B, P, width) arrays small."""
        batch = self.batch
        shape = d_plus.shape
        units = np.broadcast_to(np.asarray(units_flat).reshape(-1), (int(np.prod(shape[1:])),))
        plus_flat = d_plus.reshape(batch, -1)
        minus_flat = d_minus.reshape(batch, -1)
        kink_flat = kink.reshape(-1)
        widest = max(self.spec.layer_sizes[layer + 1 :])
        step = max(1, DEEP_CHUNK_ELEMENTS // (batch * widest))
        plus = np.empty(units.size)
        minus = np.empty(units.size)
        for start in range(0, units.size, step):
            part = slice(start, start + step)
            flags = kink_flat[part].copy()
            plus[part] = self._deep_change(layer, units[part], plus_flat[:, part], flags)
            minus[part] = self._deep_change(layer, units[part], minus_flat[:, part], flags)
            kink_flat[part] = flags
        return plus.reshape(shape[1:]), minus.reshape(shape[1:])

    def _jet_change(self, layer, units_flat, d_plus, d_minus, epsilon):
        """ΔL± for a smooth deep layer from the loss's Taylor series in the unit's change d.

        Once hidden unit i of layer l has changed by d (exact, addition theorem), everything
        downstream is a smooth function of that one number, the same for every weight in row
        i: ΔL_b(d) = c1·d + c2·d² + c3·d³ + c4·d⁴ + O(d⁵). The coefficients come from pushing
        a 4th-order jet (Faà di Bruno) through the deeper layers once per unit, so a weight
        costs a handful of operations per example instead of a pass through every deeper
        layer. Used only where the last term kept adds below SERIES_TAIL (1e-20) to the
        numeric gradient (each omitted one is smaller again by about |d|·‖W‖, ~1e-7 at the
        recommended ε); otherwise None and the caller pushes the exact differences through.
        """
        batch = self.batch
        shape = d_plus.shape
        plus_flat = d_plus.reshape(batch, -1)
        minus_flat = d_minus.reshape(batch, -1)
        units = np.asarray(units_flat).reshape(-1)
        unique, inverse = np.unique(units, return_inverse=True)
        coefficients = self._jet_coefficients(layer, unique)  # (5, B, U)
        c = coefficients[:4, :, inverse]  # (4, B, P)
        switched = None
        if self.spec.activation == "relu":
            # exact (piecewise linear) only while no deeper unit switches: |d| < ρ(b, i);
            # entries where one does go through the exact path (which also flags the kink)
            limit = coefficients[4][:, inverse]
            switched = np.any((np.abs(plus_flat) >= limit) | (np.abs(minus_flat) >= limit), axis=0)
            if not switched.any():
                switched = None
        reach = max(float(np.max(np.abs(plus_flat))), float(np.max(np.abs(minus_flat))))
        last = float(np.max(np.sum(np.abs(c[3]), axis=0))) * reach**4 / batch
        if not math.isfinite(last) or last / (2 * epsilon) > jets.SERIES_TAIL:
            return None
        changes = [horner(d, c).sum(axis=0) / batch for d in (plus_flat, minus_flat)]
        plus, minus = changes[0].reshape(shape[1:]), changes[1].reshape(shape[1:])
        return plus, minus, switched

    def _exact_where(self, layer, units_flat, d_plus, d_minus, kink, switched, plus, minus):
        """Replace ΔL± of the ``switched`` entries (flat mask) by the exact deep path."""
        batch = self.batch
        count = switched.size
        units = np.broadcast_to(np.asarray(units_flat).reshape(-1), (count,))
        chosen = np.flatnonzero(switched)
        kink_flat = kink.reshape(-1)
        flags = kink_flat[chosen].copy()
        exact_plus, exact_minus = self._deep_changes(
            layer,
            units[chosen],
            d_plus.reshape(batch, -1)[:, chosen],
            d_minus.reshape(batch, -1)[:, chosen],
            flags,
        )
        kink_flat[chosen] = flags
        plus = plus.reshape(-1).copy()
        minus = minus.reshape(-1).copy()
        plus[chosen] = exact_plus
        minus[chosen] = exact_minus
        return plus.reshape(np.shape(d_plus)[1:]), minus.reshape(np.shape(d_plus)[1:])

    def _jet_coefficients(self, layer, units):
        """c1..c4 (4, B, len(units)) of ΔL_b(d) for a change d of hidden units of layer l."""
        cache = self.__dict__.setdefault("_jets", {})
        known = cache.get(layer)
        if known is None:
            known = cache[layer] = (
                np.zeros(self.spec.layer_sizes[layer + 1], dtype=bool),
                np.zeros((5, self.batch, self.spec.layer_sizes[layer + 1])),
            )
        done, table = known
        missing = units[~done[units]]
        step = max(1, CHUNK_ELEMENTS // (4 * self.batch * max(self.spec.layer_sizes)))
        for start in range(0, missing.size, step):
            chunk = missing[start : start + step]
            output = self.probabilities if self.spec.loss == "cross-entropy" else self.residual
            table[:, :, chunk] = unit_jets(
                self.net.parameters,
                self.fp.pre_activations,
                self.spec.activation,
                self.spec.loss,
                output,
                self.net.targets,
                layer,
                chunk,
            )
            done[chunk] = True
        return table[:, :, units]

    def _single_output_change(self, unit, delta):
        """Per-example loss change when one output (logit) moves by delta."""
        if self.spec.loss == "cross-entropy":
            return np.log1p(unit(self.probabilities) * np.expm1(delta)) - delta * unit(self.onehot)
        return delta * (unit(self.residual) + 0.5 * delta)

    def _activation_changes(self, layer, unit, delta):
        """f(z ± δ) − f(z) for the perturbed hidden unit, computed without cancellation."""
        table = self.hidden[layer]
        activation = self.spec.activation
        if activation == "relu":
            z = unit(table["z"])
            positive = z > 0
            up = z + delta
            down = z - delta
            d_plus = np.where(positive, np.where(up > 0, delta, -z), np.maximum(up, 0.0))
            d_minus = np.where(positive, np.where(down > 0, -delta, -z), np.maximum(down, 0.0))
            kink = ((up > 0) != positive) | ((down > 0) != positive)
            return d_plus, d_minus, kink.any(axis=0)
        if activation == "tanh":
            t = np.tanh(delta)
            numerator = t * unit(table["s"])
        else:
            t = np.tanh(0.5 * delta)
            numerator = t * (0.5 * unit(table["s"]))
        at = unit(table["a"]) * t
        d_plus = numerator / (1.0 + at)
        d_minus = -numerator / (1.0 - at)
        shape = np.broadcast_shapes(d_plus.shape)
        return d_plus, d_minus, np.zeros(shape[1:], dtype=bool)

    def _output_along_column(self, unit, unit1, units_flat, d_plus, d_minus, epsilon):
        """ΔL± when the last hidden unit i changes by d: logits move by d·W_out[:, i]."""
        batch = self.batch
        if self.spec.loss == "mse":
            linear, quadratic = (unit(term) for term in self.series)
            plus = (d_plus * (linear + d_plus * quadratic)).sum(axis=0) / batch
            minus = (d_minus * (linear + d_minus * quadratic)).sum(axis=0) / batch
            return plus, minus
        reach = max(float(np.max(np.abs(d_plus))), float(np.max(np.abs(d_minus))))
        degree = series_degree(reach * float(np.max(unit1(self.weight_range))), epsilon)
        if degree is not None:
            terms = [unit(term) for term in self.series[:degree]]
            changes = [horner(d, terms).sum(axis=0) / batch for d in (d_plus, d_minus)]
            return changes[0], changes[1]
        shape = d_plus.shape
        flat_plus = d_plus.reshape(batch, -1)
        flat_minus = d_minus.reshape(batch, -1)
        column = self.net.parameters[-2][:, units_flat].T  # (P, K)
        plus = self._logit_change(flat_plus[:, :, None] * column[None])
        minus = self._logit_change(flat_minus[:, :, None] * column[None])
        return plus.reshape(shape[1:]), minus.reshape(shape[1:])

    def _logit_change(self, change: np.ndarray) -> np.ndarray:
        """Mean over the batch of the loss change for logit changes (B, P, K)."""
        if self.spec.loss == "cross-entropy":
            p = self.probabilities[:, None, :]
            per_example = np.log1p(np.sum(p * np.expm1(change), axis=-1))
            per_example -= np.sum(self.onehot[:, None, :] * change, axis=-1)
        else:
            per_example = np.sum(change * (self.residual[:, None, :] + 0.5 * change), axis=-1)
        return per_example.sum(axis=0) / self.batch

    def _deep_change(self, layer, units_flat, d, kink):
        """Push the change of hidden unit(s) through the remaining layers as differences.

        Every step works on a difference, never on z + Δ − z: the activation change comes
        from the addition theorem (tanh, sigmoid) or exactly (relu), so ΔL keeps its digits
        even when the loss hardly moves. Work arrays are reused (see ``_buffer``).
        """
        batch = self.batch
        shape = d.shape
        d = d.reshape(batch, -1)  # (B, P)
        count = d.shape[1]
        weight = self.net.parameters[2 * (layer + 1)]  # (n_next, n)
        width = weight.shape[0]
        change = self._buffer(f"change{layer + 1}", (batch, count, width))
        np.multiply(d[:, :, None], weight[:, units_flat].T[None], out=change)
        kink_flat = kink.reshape(-1)
        for deeper in range(layer + 1, self.layers - 1):
            table = self.hidden[deeper]
            work = self._buffer(f"work{deeper}", change.shape)
            result = self._buffer(f"result{deeper}", change.shape)
            if self.spec.activation == "relu":
                z = table["z"][:, None, :]
                np.add(z, change, out=work)  # the moved pre-activation
                on = z > 0
                moved_on = work > 0
                kink_flat |= (moved_on != on).any(axis=(0, 2))
                np.copyto(result, change)  # units that stay on: the change itself, exactly
                np.maximum(work, 0.0, out=work)
                np.copyto(result, work, where=~on)  # off before: max(z + Δ, 0)
                np.copyto(result, np.broadcast_to(-z, result.shape), where=on & ~moved_on)
            else:
                sigmoid = self.spec.activation == "sigmoid"
                if sigmoid:
                    np.multiply(change, 0.5, out=work)
                    np.tanh(work, out=work)
                else:
                    np.tanh(change, out=work)
                np.multiply(work, table["gs"][:, None, :], out=result)
                np.multiply(work, table["a"][:, None, :], out=work)
                work += 1.0
                result /= work
            next_weight = self.net.parameters[2 * (deeper + 1)]
            change = self._buffer(f"change{deeper + 1}", (batch, count, next_weight.shape[0]))
            np.matmul(
                result.reshape(-1, result.shape[-1]),
                next_weight.T,
                out=change.reshape(-1, next_weight.shape[0]),
            )
        return self._logit_change(change).reshape(shape[1:])

    # -- other dtypes --------------------------------------------------------------

    def _evaluate_in_dtype(self, position: int, indices: np.ndarray, steps=None):
        """Perturbed losses evaluated in the dtype, rounded as that format rounds them
        (``steps``: ε per entry instead of the check's)."""
        ar, fp = self.ar, self.fp_dtype
        values64 = self.net.parameters[position].ravel()[indices]
        epsilon = self.epsilon_for(values64) if steps is None else steps
        epsilon = np.broadcast_to(epsilon, indices.shape).astype(float)
        current = fp.parameters[position].ravel()[indices]
        plus_values = ar.cast(values64 + epsilon)
        minus_values = ar.cast(values64 - epsilon)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            loss_plus, kink_plus = self._dtype_losses(position, indices, plus_values, current)
            loss_minus, kink_minus = self._dtype_losses(position, indices, minus_values, current)
        base = np.float64(fp.loss)
        plus, minus = loss_plus - base, loss_minus - base  # exact: both are dtype numbers
        numeric = (plus - minus) / (2 * epsilon)
        analytic = self.analytic[position].ravel()[indices]
        vanished = (plus_values == current) & (minus_values == current)
        return Chunk(
            indices, numeric, analytic, epsilon, plus, minus, kink_plus | kink_minus, vanished
        )

    def _dtype_losses(self, position, indices, values, current):
        ar, fp, r = self.ar, self.fp_dtype, self.ar.round
        layer = position // 2
        delta = r(values - current)  # (P,)
        z = fp.pre_activations[layer]
        if position % 2 == 0:
            units, sources = np.divmod(indices, fp.parameters[position].shape[1])
            column = r(z[:, units].T + r(delta[:, None] * fp.inputs[layer][:, sources].T))
        else:
            units = indices
            column = r(z[:, units].T + delta[:, None])
        count = indices.size
        relu = self.spec.activation == "relu"
        kink = np.zeros(count, dtype=bool)
        if layer == self.layers - 1:
            outputs = np.broadcast_to(z, (count, *z.shape)).copy()
            outputs[np.arange(count), :, units] = column
        else:
            if relu:  # the perturbed unit itself switches on or off for some example
                kink |= np.any((column > 0) != (z[:, units].T > 0), axis=1)
            change = r(
                activate(column, self.spec.activation, ar) - fp.inputs[layer + 1][:, units].T
            )
            next_weight = fp.parameters[2 * (layer + 1)]
            # pre-activations + change·w, in place (the same two rounded operations)
            outputs = r(np.multiply(change[:, :, None], next_weight[:, units].T[:, None, :]))
            outputs = r(np.add(outputs, fp.pre_activations[layer + 1][None], out=outputs))
            for deeper in range(layer + 2, self.layers):
                if relu:  # a deeper unit switches: the loss has a kink inside ±ε too
                    moved = (outputs > 0) != (fp.pre_activations[deeper - 1] > 0)[None]
                    kink |= moved.any(axis=(1, 2))
                hidden = activate(outputs, self.spec.activation, ar)
                outputs = affine(
                    hidden, fp.parameters[2 * deeper], fp.parameters[2 * deeper + 1], ar
                )
        targets = (
            self.net.targets if self.spec.loss == "cross-entropy" else ar.cast(self.net.targets)
        )
        losses = batch_mean(per_sample_loss(outputs, targets, self.spec.loss, ar), ar)
        return losses.astype(np.float64), kink
