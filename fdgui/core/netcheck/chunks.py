"""What an engine hands back for each piece of a tensor, and how a tensor's pieces add up.

Both engines evaluate a tensor chunk by chunk (a block of rows, a list of gathered entries, or
one random direction) and hand each chunk back as a ``Chunk``; ``TensorResult`` gathers the
chunks of one tensor into the flat arrays the report is built from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FAST_CHUNK_ELEMENTS = 1 << 15  # hot-loop arrays: 256 KB each, so they stay in cache
DEEP_CHUNK_ELEMENTS = 1 << 16  # (batch × perturbations × width) arrays of the deep path
CHUNK_ELEMENTS = 1 << 19  # other temporaries: 4 MB each in float64
FORWARD_CHUNK_ELEMENTS = 1 << 20  # perturbed points of one forward-engine chunk: 8 MB
FORWARD_MAX_ROWS = 512  # ... and at most this many entries per chunk (a cancel point each)


@dataclass(eq=False, slots=True)
class Chunk:
    """The numbers of one evaluated piece of a tensor (arrays, or scalars broadcast to it).

    ``indices``: flat indices in the tensor (in projection mode, the direction number);
    ``numeric``: (ΔL+ − ΔL−)/(2ε) exactly as formed from ``epsilon``, ``plus`` = ΔL+ =
    L(w+ε) − L(w) and ``minus`` = ΔL− = L(w−ε) − L(w); ``analytic``: the gradient under check
    (g·v in projection mode); ``kink``: the ±ε segment crosses a kink of the loss;
    ``vanished``: w ± ε both round back to w in the dtype (the check saw no step);
    ``undecided``: the engine could not tell a kink from a wrong gradient here (the entry
    then counts as undecided, like one whose tolerance is too wide to decide).
    """

    indices: np.ndarray | int
    numeric: np.ndarray | float
    analytic: np.ndarray | float
    epsilon: np.ndarray | float
    plus: np.ndarray | float
    minus: np.ndarray | float
    kink: np.ndarray | bool = False
    vanished: np.ndarray | bool = False
    undecided: np.ndarray | bool = False
    reason: np.ndarray | int | None = None  # reexamine's codes for entries looked at again
    bar: np.ndarray | float | None = None  # the ε ladder's error bar (NaN: the first window judges)

    @property
    def size(self) -> int:
        return int(np.size(self.indices))


class TensorResult:
    """Numbers gathered for one tensor while the check runs."""

    def __init__(self, name: str, shape: tuple[int, ...], mode: str, directions: int) -> None:
        self.name = name
        self.shape = shape
        size = directions if mode == "projection" else math.prod(shape)
        self.numeric = np.full(size, np.nan)
        self.analytic = np.full(size, np.nan)
        self.epsilon = np.full(size, np.nan)
        self.loss_plus_change = np.full(size, np.nan)
        self.loss_minus_change = np.full(size, np.nan)
        self.kink = np.zeros(size, dtype=bool)
        self.vanished = np.zeros(size, dtype=bool)  # w ± ε rounds back to w: step lost
        self.undecided = np.zeros(size, dtype=bool)  # kink or wrong: the engine cannot tell
        self.checked = np.zeros(size, dtype=bool)  # evaluated (a NaN result is still checked)
        self.reason = np.zeros(size, dtype=np.int8)  # netcheck.reexamine's codes (0: none)
        # netcheck.ladder's error bar (NaN: not retried); None until the ladder retries one
        # (a float64 check keeps no such array: it grows with every parameter)
        self.bar: np.ndarray | None = None
        self.projection = mode == "projection"
        self.tolerances = None  # the tensor's own tolerances (None: the check's)

    def store(self, chunk: Chunk) -> None:
        indices = chunk.indices
        self.checked[indices] = True
        self.numeric[indices] = chunk.numeric
        self.analytic[indices] = chunk.analytic
        self.epsilon[indices] = chunk.epsilon
        self.loss_plus_change[indices] = chunk.plus
        self.loss_minus_change[indices] = chunk.minus
        self.kink[indices] = chunk.kink
        self.vanished[indices] = chunk.vanished
        if chunk.undecided is not False:  # only the forward engine's kink test sets it
            self.undecided[indices] = chunk.undecided
        if chunk.reason is not None:
            self.reason[indices] = chunk.reason
        if chunk.bar is not None:
            if self.bar is None:
                self.bar = np.full(self.numeric.size, np.nan)
            self.bar[indices] = chunk.bar


def sample_indices(size: int, position: int, seed: int, samples: int) -> np.ndarray:
    """The k flat indices sample mode checks in tensor ``position`` (the same in every engine)."""
    rng = np.random.default_rng([seed, position])
    count = min(samples, size)
    return np.sort(rng.choice(size, size=count, replace=False))


def forward_rows_per_chunk(parameter_count: int) -> int:
    """Entries per forward-engine chunk: 2 perturbed points of P parameters each, so that a
    chunk's points stay near FORWARD_CHUNK_ELEMENTS numbers."""
    return max(1, min(FORWARD_MAX_ROWS, FORWARD_CHUNK_ELEMENTS // (2 * max(parameter_count, 1))))
