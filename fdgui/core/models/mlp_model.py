"""The built-in MLP as a Model: named W/b tensors, batched losses, backprop under check.

The arithmetic lives in :mod:`fdgui.core.models.mlp`; this module adapts it to the Model
protocol, estimates the memory a sweep of it takes and keeps the last few built networks
(they are deterministic in their spec, so re-sweeps are instant).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase, TensorInfo
from fdgui.core.models.mlp import (
    SMOOTH_ACTIVATIONS,
    Network,
    NetworkSpec,
    build_network,
    check_bug,
)
from fdgui.core.numbers import format as numbers
from fdgui.core.numbers.format import byte_size
from fdgui.core.numbers.precision import DTYPE_NAMES

BATCH_ELEMENTS = 4_000_000  # bounds the temporaries of one batched call of ``losses``
MEMORY_CEILING = 2 * 1024**3  # bytes a sweep of the built-in network may take at most


class MlpModel(ModelBase):
    """The built-in network's mean loss over its batch, with its (possibly buggy) backprop."""

    kind = "network"
    gradient_method = "backprop"
    gradient_error: float | None = None

    def __init__(self, network: Network, bug: str | None = None) -> None:
        check_bug(bug, network.spec)
        self.network = network
        self.bug = bug
        self._theta0: np.ndarray | None = None
        self._gradient: np.ndarray | None = None

    @property
    def spec(self) -> NetworkSpec:
        return self.network.spec

    @property
    def label(self) -> str:
        spec = self.spec
        sizes = "-".join(str(size) for size in spec.layer_sizes)
        return f"network {sizes} {spec.activation}/{spec.loss}, batch {spec.batch_size}"

    @property
    def gradient_note(self) -> str:  # type: ignore[override]
        return f"backprop with bug '{self.bug}'" if self.bug else "the network's own backprop"

    def entry_label(self, flat: int) -> str:
        tensor, index = self.entry_of(flat)
        bug = f", backprop bug '{self.bug}'" if self.bug else ""
        value = float(self.theta0()[flat])
        return f"{self.label}: {tensor}[{index}] = {numbers.significant(value, 6)}{bug}"

    @property
    def tensors(self) -> tuple[TensorInfo, ...]:
        return tuple(TensorInfo(name, tuple(shape)) for name, shape in self.spec.tensor_shapes)

    @property
    def smooth(self) -> bool:
        return self.spec.activation in SMOOTH_ACTIVATIONS

    @property
    def dtypes(self) -> tuple[str, ...]:
        return (*DTYPE_NAMES, "complex128") if self.smooth else DTYPE_NAMES

    @property
    def has_gradient(self) -> bool:
        return True

    @property
    def cache_key(self) -> Any:
        # the spec names the network only when it was built from it: the parameters are in
        # the Network object (one per spec in cached_network; with_parameters makes others)
        return ("network", self.spec, self.bug, id(self.network))

    def theta0(self) -> np.ndarray:
        if self._theta0 is None:
            self._theta0 = self.join(list(self.network.parameters))
            self._theta0.setflags(write=False)
        return self._theta0

    def loss(self, theta: np.ndarray, dtype: str = "float64") -> float:
        parts = self.split(np.asarray(theta))
        return self.network.loss([parts[t.name] for t in self.tensors], dtype)  # type: ignore[return-value]

    def losses(self, thetas: np.ndarray, dtype: str = "float64") -> np.ndarray:
        """Batched forward passes, a chunk of parameter sets per matrix product."""
        thetas = np.atleast_2d(np.asarray(thetas))
        spec = self.spec
        per_row = self.parameter_count + 4 * spec.batch_size * max(spec.layer_sizes)
        step = max(1, BATCH_ELEMENTS // per_row)
        out = np.empty(thetas.shape[0], dtype=np.complex128 if dtype == "complex128" else float)
        starts = self.offsets()
        for first in range(0, thetas.shape[0], step):
            rows = thetas[first : first + step]
            stacks = [
                rows[:, start:stop].reshape(rows.shape[0], *tensor.shape)
                for tensor, start, stop in zip(self.tensors, starts, starts[1:], strict=False)
            ]
            out[first : first + rows.shape[0]] = self.network.losses_batch(stacks, dtype)
        return out

    def losses_along(self, index: int, values: np.ndarray, dtype: str = "float64") -> np.ndarray:
        """The rank-one fast path of the network for one entry (see Network.loss_along)."""
        tensor, within = self.entry_of(index)
        return self.network.loss_along(tensor, within, values, dtype)

    def gradient(self, theta: np.ndarray | None = None) -> np.ndarray:
        if theta is None:
            if self._gradient is None:
                self._gradient = self.join(self.network.gradient(self.bug))
                self._gradient.setflags(write=False)
            return self._gradient
        parts = self.split(np.asarray(theta, dtype=np.float64))
        moved = self.network.with_parameters([parts[t.name] for t in self.tensors])
        return self.join(moved.gradient(self.bug))


def mlp_model(spec: NetworkSpec, bug: str | None = None) -> MlpModel:
    """Validate the spec and the bug, refuse what would not fit in memory, build (cached)."""
    spec.validate()
    check_bug(bug, spec)
    needed = network_memory_bytes(spec)
    allowed = memory_allowance_bytes()
    if needed > allowed:
        sizes = spec.layer_sizes
        batch_heavy = spec.batch_size * sum(sizes) * 8 > 6 * spec.parameter_count
        advice = "use a smaller batch" if batch_heavy else "use smaller layers"
        raise InputError(
            "batch_size" if batch_heavy else "layer_sizes",
            f"this network needs about {byte_size(needed)} of memory to sweep "
            f"({spec.parameter_count:,} parameters); the explorer allows "
            f"{byte_size(allowed)}: {advice}",
        )
    return MlpModel(cached_network(spec), bug)


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
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        physical = 0
    return min(MEMORY_CEILING, physical // 2) if physical > 0 else MEMORY_CEILING


_NETWORKS: dict[Any, Network] = {}


def cached_network(spec: NetworkSpec) -> Network:
    """Networks are deterministic in their spec; keep the last few so re-sweeps are instant."""
    network = _NETWORKS.get(spec)
    if network is None:
        if len(_NETWORKS) >= 4:
            _NETWORKS.pop(next(iter(_NETWORKS)))
        network = build_network(spec)
        _NETWORKS[spec] = network
    return network
