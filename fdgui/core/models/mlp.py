"""The built-in multilayer perceptron: forward pass in any dtype, backprop, injected bugs.

Layer ``l`` (1-based) maps ``A[l-1]`` (batch × n[l-1]) to ``Z[l] = A[l-1] @ W[l].T + b[l]``
with ``W[l]`` of shape (n[l], n[l-1]), so ``W[l][i, j]`` feeds input unit ``j`` into unit
``i``. Hidden layers apply the activation; the last layer's ``Z`` are the logits (cross-entropy:
mean over the batch of −log softmax at the target class) or the predictions (mse: mean over the
batch of ½·‖y − t‖²). Parameters, inputs and targets come from a seeded generator, so a spec
always builds the same network.

Evaluating "in a dtype" is real arithmetic in that format: float64, float32 and float16 use
numpy's own dtypes (numpy rounds every operation to the format); complex128 is the complex
step. bfloat16 is emulated: every operation runs in float32 and its result is rounded to
bfloat16 (``ml_dtypes``) before the next one, which is what bfloat16 hardware with float32
accumulation does and is many times faster than ml_dtypes' own elementwise loops.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.numbers.parsing import normalise_text, shorten
from fdgui.core.numbers.precision import DTYPE_NAMES, numpy_dtype

ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid", "relu")
LOSSES: tuple[str, ...] = ("mse", "cross-entropy")
SMOOTH_ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid")
EVALUATION_DTYPES: tuple[str, ...] = (*DTYPE_NAMES, "complex128")

BUGS: dict[str, str] = {
    "no-batch-mean": "The backward pass forgets the 1/B of the batch mean, so every gradient "
    "comes out B times too large.",
    "transpose": "A square weight matrix is used untransposed when the error is sent back "
    "through it, so earlier layers receive the error of the wrong units.",
    "no-activation-grad": "The backward pass skips the activation's derivative, treating each "
    "hidden layer as if it were linear.",
    "bias-not-summed": "Each bias gradient takes the first example's error only instead of "
    "summing the error over the whole batch.",
    "softmax-factor": "The error at the output is doubled, the classic stray factor 2 in the "
    "softmax/cross-entropy (or squared-error) derivative.",
}

MAX_LAYER_WIDTH = 1_000_000  # wider layers are refused outright by validate()
_SWEEP_CHUNK_ELEMENTS = 2_000_000  # bounds the temporary arrays of loss_along


@dataclass(frozen=True)
class NetworkSpec:
    """Everything that decides the built-in network: shape, activation, loss, data."""

    layer_sizes: tuple[int, ...]  # input, hidden..., output, e.g. (20, 16, 10)
    activation: str = "tanh"
    loss: str = "cross-entropy"
    batch_size: int = 32
    seed: int = 0

    def validate(self) -> None:
        """Raise ValueError, message starting with the parameter's name, if anything is off."""
        sizes = self.layer_sizes
        if not isinstance(sizes, tuple) or len(sizes) < 2:
            raise InputError("layer_sizes", "give at least an input and an output size")
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, int | np.integer):
                raise InputError("layer_sizes", f"{size!r} is not a whole number")
            if size < 1:
                raise InputError("layer_sizes", f"{size} is not a positive whole number")
            if size > MAX_LAYER_WIDTH:
                raise InputError("layer_sizes", f"{size} units is wider than {MAX_LAYER_WIDTH:,}")
        if self.loss == "cross-entropy" and sizes[-1] < 2:
            raise InputError("layer_sizes", "cross-entropy needs at least 2 output classes")
        if self.activation not in ACTIVATIONS:
            raise InputError(
                "activation", f"{self.activation!r} is not one of {', '.join(ACTIVATIONS)}"
            )
        if self.loss not in LOSSES:
            raise InputError("loss", f"{self.loss!r} is not one of {', '.join(LOSSES)}")
        batch = self.batch_size
        if isinstance(batch, bool) or not isinstance(batch, int | np.integer) or batch < 1:
            raise InputError("batch_size", f"{batch!r} is not a positive whole number")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer):
            raise InputError("seed", f"{self.seed!r} is not a whole number")
        if self.seed < 0:
            raise InputError("seed", f"{self.seed} is negative")

    @property
    def parameter_count(self) -> int:
        """Weights plus biases over all layers."""
        sizes = self.layer_sizes
        return sum(sizes[k] * sizes[k - 1] + sizes[k] for k in range(1, len(sizes)))

    @property
    def tensor_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """(name, shape) of every parameter tensor in order: W1, b1, W2, b2, ..."""
        shapes: list[tuple[str, tuple[int, ...]]] = []
        sizes = self.layer_sizes
        for layer in range(1, len(sizes)):
            shapes.append((f"W{layer}", (sizes[layer], sizes[layer - 1])))
            shapes.append((f"b{layer}", (sizes[layer],)))
        return shapes


def parse_layer_sizes(text: str) -> tuple[int, ...]:
    """'20,16,10' → (20, 16, 10); ValueError starting 'layer_sizes:' for anything else.

    Sizes are separated by commas (or only by spaces); each is read by the rule every whole
    number follows (normalise_text: '1 000', '１０', a pasted minus — then refused as not
    positive); no part may be empty, so '20,,10' and '20,16,10,' are refused, not guessed at.
    """
    stripped = text.strip()
    if not stripped:
        raise InputError("layer_sizes", "give at least two sizes, e.g. 20,16,10")
    parts = stripped.split(",") if "," in stripped else stripped.split()
    sizes = []
    for number, part in enumerate(parts, start=1):
        part = part.strip()
        if not part:
            raise InputError(
                "layer_sizes",
                f"size {number} is empty (two commas in a row, or a comma at the start or end)",
            )
        digits = normalise_text(part)  # the rule every whole number follows (1 000, –1, １０)
        if len(digits.lstrip("+-0")) > len(str(MAX_LAYER_WIDTH)):
            raise InputError(
                "layer_sizes", f"{shorten(part)} units is wider than {MAX_LAYER_WIDTH:,}"
            )
        try:
            size = int(digits)
        except ValueError:
            raise InputError(
                "layer_sizes", f"{shorten(part)!r} is not a positive whole number"
            ) from None
        if size < 1:
            raise InputError("layer_sizes", f"{size} is not a positive whole number")
        sizes.append(size)
    if len(sizes) < 2:
        raise InputError("layer_sizes", "give at least two sizes, e.g. 20,16,10")
    return tuple(sizes)


def default_spec() -> NetworkSpec:
    """64 inputs, 128 tanh units, 10 classes: 9,610 parameters, cross-entropy, batch 32."""
    return NetworkSpec(layer_sizes=(64, 128, 10))


def check_bug(bug: str | None, spec: NetworkSpec) -> None:
    """Raise ValueError ("bug: ...") if ``bug`` is unknown or cannot apply to ``spec``."""
    if bug is None:
        return
    if bug not in BUGS:
        raise InputError("bug", f"{bug!r} is not one of {', '.join(BUGS)}")
    sizes = spec.layer_sizes
    if bug == "transpose" and not square_layers(sizes):
        raise InputError(
            "bug",
            "'transpose' needs a square weight matrix after the first layer "
            "(two equal consecutive hidden sizes, e.g. 20,16,16,10)",
        )
    if bug == "no-activation-grad" and len(sizes) < 3:
        raise InputError("bug", "'no-activation-grad' needs at least one hidden layer")
    if bug == "bias-not-summed" and spec.batch_size < 2:
        raise InputError("bug", "'bias-not-summed' only shows with a batch of 2 or more")


def square_layers(sizes: tuple[int, ...]) -> list[int]:
    """Layers l ≥ 2 whose weight matrix is square (those the transpose bug can hit)."""
    return [layer for layer in range(2, len(sizes)) if sizes[layer] == sizes[layer - 1]]


# ---------------------------------------------------------------- arithmetic in a dtype


class Arithmetic:
    """How numbers are stored and rounded when the network is evaluated in one dtype."""

    def __init__(self, dtype: str) -> None:
        if dtype not in EVALUATION_DTYPES:
            raise InputError("dtype", f"{dtype!r} is not one of {', '.join(EVALUATION_DTYPES)}")
        self.name = dtype
        self.emulated = dtype == "bfloat16"
        if dtype == "complex128":
            self.compute = np.dtype(np.complex128)
        elif self.emulated:
            self.compute = np.dtype(np.float32)
            self._storage = numpy_dtype("bfloat16")
        else:
            self.compute = numpy_dtype(dtype)

    def round(self, values: np.ndarray) -> np.ndarray:
        """Round an intermediate result to the format (a no-op where numpy already did)."""
        if self.emulated:
            return np.asarray(values).astype(self._storage).astype(np.float32)
        return values

    def cast(self, values: np.ndarray | float) -> np.ndarray:
        """Bring float64 (or complex) values into the format."""
        array = np.asarray(values)
        if np.iscomplexobj(array) and self.compute.kind != "c":
            raise InputError("dtype", f"complex values need dtype complex128, not {self.name}")
        if self.emulated:
            return array.astype(self._storage).astype(np.float32)
        return array.astype(self.compute)


def activate(z: np.ndarray, activation: str, ar: Arithmetic) -> np.ndarray:
    r = ar.round
    if activation == "tanh":
        return r(np.tanh(z))
    if activation == "sigmoid":
        one = z.dtype.type(1)
        if ar.emulated or not isinstance(z, np.ndarray) or z.dtype.kind == "c":
            return r(one / r(one + r(np.exp(-z))))
        # the same operations in place (one temporary instead of four: the network check
        # activates millions of perturbed columns)
        found = np.negative(z)
        np.exp(found, out=found)
        np.add(one, found, out=found)
        return np.divide(one, found, out=found)
    return r(np.maximum(z, z.dtype.type(0)))


def per_sample_loss(
    outputs: np.ndarray, targets: np.ndarray, loss: str, ar: Arithmetic
) -> np.ndarray:
    """Loss of each example (last axis = classes/outputs, second last = batch)."""
    r = ar.round
    if loss == "cross-entropy":
        shift = r(_last_axis_max(outputs.real).astype(outputs.dtype))
        shifted = r(outputs - shift)
        log_sum = r(r(np.log(r(np.sum(r(np.exp(shifted)), axis=-1)))) + shift[..., 0])
        picked = outputs[..., np.arange(targets.size), targets]
        return r(log_sum - picked)
    difference = r(outputs - targets)
    half = outputs.dtype.type(0.5)
    return r(half * r(np.sum(r(difference * difference), axis=-1)))


def _last_axis_max(values: np.ndarray) -> np.ndarray:
    """np.max(values, axis=-1, keepdims=True), the same numbers: over a few classes an
    elementwise maximum per class is ~10× faster than numpy's reduction along a short axis
    (the network check evaluates millions of perturbed batches)."""
    if values.ndim < 2 or values.shape[-1] > 64 or values.shape[-1] == 0:
        return np.max(values, axis=-1, keepdims=True)
    found = values[..., 0].copy()
    for column in range(1, values.shape[-1]):
        np.maximum(found, values[..., column], out=found)
    return found[..., None]


def batch_mean(per_sample: np.ndarray, ar: Arithmetic) -> np.ndarray:
    count = per_sample.shape[-1]
    return ar.round(ar.round(np.sum(per_sample, axis=-1)) / per_sample.dtype.type(count))


def affine(inputs: np.ndarray, weight: np.ndarray, bias: np.ndarray, ar: Arithmetic) -> np.ndarray:
    """inputs @ W.T + b; stacked batches go through one 2-D product (one BLAS call)."""
    flat = inputs.reshape(-1, inputs.shape[-1])
    product = ar.round(flat @ weight.T).reshape(*inputs.shape[:-1], weight.shape[0])
    return ar.round(product + bias)


def activation_derivative(z: np.ndarray, a: np.ndarray, activation: str) -> np.ndarray:
    if activation == "tanh":
        return 1.0 - a * a
    if activation == "sigmoid":
        return a * (1.0 - a)
    return (z > 0).astype(z.dtype)


@dataclass(frozen=True)
class ForwardPass:
    """Every intermediate of one forward pass, all in the evaluation dtype.

    ``inputs[l]`` is what layer l+1 reads (inputs[0] = the data), ``pre_activations[l]`` is
    Z of layer l+1, the last one being the network's outputs.
    """

    dtype: str
    parameters: tuple[np.ndarray, ...]
    inputs: tuple[np.ndarray, ...]
    pre_activations: tuple[np.ndarray, ...]
    per_sample_loss: np.ndarray
    loss: np.generic


@dataclass
class Network:
    """A built network: spec, parameters, data and the operations the checks need."""

    spec: NetworkSpec
    parameter_names: list[str]
    parameters: list[np.ndarray]
    inputs: np.ndarray
    targets: np.ndarray  # class indices (cross-entropy) or target values (mse)
    _forward_cache: dict[str, ForwardPass] = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------------- layout helpers

    @property
    def layer_count(self) -> int:
        return len(self.spec.layer_sizes) - 1

    def tensor_position(self, tensor: str) -> int:
        """Index of a tensor name in ``parameters`` (ValueError naming it if unknown)."""
        try:
            return self.parameter_names.index(tensor)
        except ValueError:
            raise InputError(
                "tensor", f"{tensor!r} is not one of {', '.join(self.parameter_names)}"
            ) from None

    def with_parameters(self, parameters: list[np.ndarray]) -> Network:
        """The same network and data with other (float64) parameter values."""
        fresh = [np.array(p, dtype=np.float64) for p in parameters]
        for array in fresh:
            array.setflags(write=False)
        return Network(self.spec, list(self.parameter_names), fresh, self.inputs, self.targets)

    def rounded_to(self, dtype: str) -> Network:
        """A copy whose parameters and inputs are the values the dtype can hold."""
        if dtype == "float64":
            return self
        ar = Arithmetic(dtype)
        parameters = [ar.cast(p).astype(np.float64) for p in self.parameters]
        inputs = ar.cast(self.inputs).astype(np.float64)
        targets = self.targets
        if self.spec.loss == "mse":
            targets = ar.cast(targets).astype(np.float64)
        rounded = self.with_parameters(parameters)
        rounded.inputs = inputs
        rounded.targets = targets
        return rounded

    # ---------------------------------------------------------------- forward

    def arithmetic_for(self, dtype: str) -> Arithmetic:
        ar = Arithmetic(dtype)
        if dtype == "complex128" and self.spec.activation not in SMOOTH_ACTIVATIONS:
            raise InputError(
                "dtype",
                f"the complex step needs a smooth activation; "
                f"{self.spec.activation} has a kink at 0",
            )
        return ar

    def run_forward(self, parameters: list[np.ndarray], ar: Arithmetic) -> ForwardPass:
        cast = [ar.cast(p) for p in parameters]
        layer_input = ar.cast(self.inputs)
        inputs, pre = [layer_input], []
        for layer in range(self.layer_count):
            z = affine(layer_input, cast[2 * layer], cast[2 * layer + 1], ar)
            pre.append(z)
            if layer < self.layer_count - 1:
                layer_input = activate(z, self.spec.activation, ar)
                inputs.append(layer_input)
        targets = self.targets if self.spec.loss == "cross-entropy" else ar.cast(self.targets)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            per_sample = per_sample_loss(pre[-1], targets, self.spec.loss, ar)
            total = batch_mean(per_sample, ar)
        return ForwardPass(ar.name, tuple(cast), tuple(inputs), tuple(pre), per_sample, total[()])

    def forward(self, dtype: str = "float64") -> ForwardPass:
        """The (cached) forward pass at the network's own parameters, in ``dtype``."""
        ar = self.arithmetic_for(dtype)
        cached = self._forward_cache.get(dtype)
        if cached is None:
            cached = self.run_forward(self.parameters, ar)
            self._forward_cache[dtype] = cached
        return cached

    def targets_in(self, ar: Arithmetic) -> np.ndarray:
        return self.targets if self.spec.loss == "cross-entropy" else ar.cast(self.targets)

    def loss(
        self, parameters: list[np.ndarray] | None = None, dtype: str = "float64"
    ) -> float | complex:
        """The mean loss over the batch, every operation evaluated in ``dtype``."""
        ar = self.arithmetic_for(dtype)
        if parameters is None:
            value = self.forward(dtype).loss
        else:
            if len(parameters) != len(self.parameters):
                raise InputError(
                    "parameters", f"expected {len(self.parameters)} arrays, got {len(parameters)}"
                )
            for given, own, name in zip(
                parameters, self.parameters, self.parameter_names, strict=True
            ):
                if np.shape(given) != own.shape:
                    raise InputError(
                        "parameters", f"{name} has shape {np.shape(given)}, expected {own.shape}"
                    )
            value = self.run_forward(list(parameters), ar).loss
        return complex(value) if dtype == "complex128" else float(value)

    def losses_batch(self, stacks: list[np.ndarray], dtype: str = "float64") -> np.ndarray:
        """The mean loss at N parameter sets at once: ``stacks[k]`` is (N, *shape of tensor k).

        One batched matrix product per layer for all N sets (every operation in ``dtype``);
        what a generic finite-difference engine calls for many perturbed points.
        """
        ar = self.arithmetic_for(dtype)
        if len(stacks) != len(self.parameters):
            raise InputError(
                "parameters", f"expected {len(self.parameters)} arrays, got {len(stacks)}"
            )
        layer_input = ar.cast(self.inputs)
        outputs = layer_input
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            for layer in range(self.layer_count):
                weight = ar.cast(stacks[2 * layer])
                bias = ar.cast(stacks[2 * layer + 1])
                product = ar.round(np.matmul(layer_input, np.swapaxes(weight, -1, -2)))
                outputs = ar.round(product + bias[:, None, :])
                if layer < self.layer_count - 1:
                    layer_input = activate(outputs, self.spec.activation, ar)
            per_sample = per_sample_loss(outputs, self.targets_in(ar), self.spec.loss, ar)
            return batch_mean(per_sample, ar)

    # ---------------------------------------------------------------- backward

    def gradient(self, bug: str | None = None) -> list[np.ndarray]:
        """Backprop in float64; with ``bug``, the deliberately wrong variant from BUGS."""
        check_bug(bug, self.spec)
        fp = self.forward("float64")
        batch = self.spec.batch_size
        outputs = fp.pre_activations[-1]
        if self.spec.loss == "cross-entropy":
            shifted = outputs - outputs.max(axis=1, keepdims=True)
            probabilities = np.exp(shifted)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            probabilities[np.arange(batch), self.targets] -= 1.0
            error = probabilities
        else:
            error = outputs - self.targets
        if bug != "no-batch-mean":
            error = error / batch
        if bug == "softmax-factor":
            error = 2.0 * error
        square = set(square_layers(self.spec.layer_sizes)) if bug == "transpose" else set()
        grads: list[np.ndarray] = [np.empty(0)] * len(self.parameters)
        for layer in range(self.layer_count, 0, -1):
            weight = self.parameters[2 * (layer - 1)]
            layer_input = fp.inputs[layer - 1]
            grads[2 * (layer - 1)] = error.T @ layer_input
            if bug == "bias-not-summed":
                grads[2 * (layer - 1) + 1] = error[0].copy()
            else:
                grads[2 * (layer - 1) + 1] = error.sum(axis=0)
            if layer > 1:
                back = weight.T if layer in square else weight
                propagated = error @ back
                if bug == "no-activation-grad":
                    error = propagated
                else:
                    error = propagated * activation_derivative(
                        fp.pre_activations[layer - 2], layer_input, self.spec.activation
                    )
        return grads

    # ---------------------------------------------------------------- one parameter, many values

    def loss_along(
        self, tensor: str, index: int, values: np.ndarray, dtype: str = "float64"
    ) -> np.ndarray:
        """Loss with ``parameters[tensor].flat[index]`` set to each of ``values``, in ``dtype``.

        Vectorised over ``values``: the unperturbed forward pass is reused up to the perturbed
        layer, the perturbed unit's pre-activation changes by ``(v − w)·input`` (or by
        ``v − w`` for a bias), and the next layer by the rank-one term
        ``Δactivation ⊗ W[:, i]``; only deeper layers are recomputed for the whole batch.
        All of it runs in ``dtype``. A value equal to the current weight gives a change of
        exactly zero, so it reproduces ``loss()`` bit for bit when the perturbed layer is one
        of the last two (deeper recomputation may differ in BLAS summation order); evaluate
        L, L+ and L− all here for consistent rounding. Returns float64 (complex128 for the
        complex step) holding the dtype's results exactly.
        """
        ar = self.arithmetic_for(dtype)
        position = self.tensor_position(tensor)
        size = self.parameters[position].size
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise InputError("index", f"{index!r} is not a whole number")
        if not 0 <= index < size:
            raise InputError("index", f"{index} is outside 0..{size - 1} for {tensor}")
        values = np.asarray(values).ravel()
        fp = self.forward(dtype)
        out_dtype = np.complex128 if dtype == "complex128" else np.float64
        result = np.empty(values.size, dtype=out_dtype)
        widest = max(self.spec.layer_sizes[1:])
        chunk = max(1, _SWEEP_CHUNK_ELEMENTS // (self.spec.batch_size * widest))
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, values.size, chunk):
                part = ar.cast(values[start : start + chunk])
                result[start : start + part.size] = self._losses_for_values(
                    fp, ar, position, int(index), part
                )
        return result

    def _losses_for_values(
        self, fp: ForwardPass, ar: Arithmetic, position: int, index: int, values: np.ndarray
    ) -> np.ndarray:
        r = ar.round
        layer = position // 2  # 0-based layer
        is_weight = position % 2 == 0
        current = fp.parameters[position].flat[index]
        delta = r(values - current)  # (V,)
        z_layer = fp.pre_activations[layer]
        if is_weight:
            unit, source = divmod(index, fp.inputs[layer].shape[1])
            column = r(z_layer[:, unit][None, :] + r(delta[:, None] * fp.inputs[layer][:, source]))
        else:
            unit = index
            column = r(z_layer[:, unit][None, :] + delta[:, None])
        last = self.layer_count - 1
        if layer == last:
            outputs = np.broadcast_to(z_layer, (values.size, *z_layer.shape)).copy()
            outputs[:, :, unit] = column
        else:
            activation_column = activate(column, self.spec.activation, ar)
            change = r(activation_column - fp.inputs[layer + 1][:, unit])  # (V, B)
            next_weight = fp.parameters[2 * (layer + 1)]
            outputs = r(
                fp.pre_activations[layer + 1][None, :, :]
                + r(change[:, :, None] * next_weight[:, unit])
            )
            for deeper in range(layer + 2, last + 1):
                hidden = activate(outputs, self.spec.activation, ar)
                outputs = affine(
                    hidden, fp.parameters[2 * deeper], fp.parameters[2 * deeper + 1], ar
                )
        per_sample = per_sample_loss(outputs, self.targets_in(ar), self.spec.loss, ar)
        return batch_mean(per_sample, ar)


def build_network(spec: NetworkSpec) -> Network:
    """Seeded parameters (W ~ N(0, 1/fan_in), b ~ N(0, 0.1²)) and seeded synthetic data."""
    spec.validate()
    rng = np.random.default_rng(spec.seed)
    names: list[str] = []
    parameters: list[np.ndarray] = []
    sizes = spec.layer_sizes
    for layer in range(1, len(sizes)):
        fan_in = sizes[layer - 1]
        weight = rng.standard_normal((sizes[layer], fan_in)) / math.sqrt(fan_in)
        bias = 0.1 * rng.standard_normal(sizes[layer])
        names += [f"W{layer}", f"b{layer}"]
        parameters += [weight, bias]
    for array in parameters:
        array.setflags(write=False)
    inputs = rng.standard_normal((spec.batch_size, sizes[0]))
    if spec.loss == "cross-entropy":
        targets = rng.integers(0, sizes[-1], size=spec.batch_size)
    else:
        targets = rng.standard_normal((spec.batch_size, sizes[-1]))
    inputs.setflags(write=False)
    targets.setflags(write=False)
    return Network(spec, names, parameters, inputs, targets)


def flat_loss_function(network: Network, dtype: str = "float64") -> Callable[[np.ndarray], float]:
    """The loss as a function of one flat parameter vector (for peers such as scipy)."""
    shapes = [p.shape for p in network.parameters]
    sizes = [p.size for p in network.parameters]
    splits = np.cumsum(sizes)[:-1]

    def loss_of(flat: np.ndarray) -> float:
        parts = np.split(np.asarray(flat), splits)
        return network.loss(
            [part.reshape(shape) for part, shape in zip(parts, shapes, strict=True)], dtype
        )

    return loss_of
