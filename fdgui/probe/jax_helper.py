"""``jax_probe``: a probe from a JAX function ``fn(params) -> loss`` and a params pytree.

Runs only inside the probe process. It turns on float64 (``jax_enable_x64``; the probe
process also starts with ``JAX_ENABLE_X64`` set, so arrays the file makes before calling
this are float64 too), names the pytree's leaves by their paths (``W1``, ``layers.0.b``),
takes the gradient under check from ``jax.grad`` (a ``custom_vjp``'s own backward rule is
what gets checked) and evaluates many perturbed points with ``jax.vmap`` (compiled once per
varying leaf and batch size).
"""

from __future__ import annotations

from typing import Any

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


def _name(path: tuple) -> str:
    parts = []
    for key in path:
        for attribute in ("key", "idx", "name"):
            if hasattr(key, attribute):
                parts.append(str(getattr(key, attribute)))
                break
        else:
            parts.append(str(key))
    return ".".join(parts) or "params"


class JaxProbe:
    """The richer probe form over a JAX function of a pytree (see the module's docstring)."""

    def __init__(self, fn: Any, params: Any, jit: bool = True) -> None:
        self.fn = fn
        leaves_with_paths, self.treedef = jax.tree_util.tree_flatten_with_path(params)
        self.names = [_name(path) for path, _ in leaves_with_paths]
        if len(set(self.names)) != len(self.names):
            self.names = [f"{k}:{n}" for k, n in enumerate(self.names)]
        self.base = [jnp.asarray(leaf, dtype=jnp.float64) for _, leaf in leaves_with_paths]
        self._grad = jax.grad(self._of_leaves)
        self._value = jax.jit(self._of_leaves) if jit else self._of_leaves
        self._varying: dict[int, Any] = {}
        self._all = jax.jit(jax.vmap(self._of_leaves)) if jit else jax.vmap(self._of_leaves)

    def _of_leaves(self, leaves: list) -> Any:
        return self.fn(jax.tree_util.tree_unflatten(self.treedef, leaves))

    def _leaves(self, params: dict[str, Any]) -> list:
        return [jnp.asarray(np.asarray(params[n]), dtype=jnp.float64) for n in self.names]

    # ---------------------------------------------------------------- the richer form
    def parameters(self) -> dict[str, np.ndarray]:
        return {n: np.asarray(leaf).copy() for n, leaf in zip(self.names, self.base, strict=True)}

    def loss(self, params: dict[str, Any]) -> float:
        return float(self._value(self._leaves(params)))

    def gradient(self, params: dict[str, Any]) -> dict[str, np.ndarray]:
        grads = self._grad(self._leaves(params))
        return {n: np.asarray(g) for n, g in zip(self.names, grads, strict=True)}

    def losses_varying(self, name: str, stacked: np.ndarray) -> np.ndarray:
        position = self.names.index(name)
        if position not in self._varying:

            def one(leaf, base=self.base, position=position):
                leaves = list(base)
                leaves[position] = leaf
                return self._of_leaves(leaves)

            self._varying[position] = jax.jit(jax.vmap(one))
        values = jnp.asarray(np.asarray(stacked), dtype=jnp.float64)
        return np.asarray(self._varying[position](values))

    def losses(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        leaves = [jnp.asarray(np.asarray(batch[n]), dtype=jnp.float64) for n in self.names]
        return np.asarray(self._all(leaves))
