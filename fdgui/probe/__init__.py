"""Your own code under check: probe files run in their own process.

``client`` starts and talks to the probe process (``worker`` runs there, with ``source``
reading the person's file and ``frames`` the wire format); ``model`` is the Model the
panels and the CLI check; ``torch_probe`` and ``jax_probe`` make a probe from a PyTorch
module or a JAX function in about three lines (imported only inside the probe process).

Nothing here imports Qt, and importing this package imports neither torch nor JAX.
"""

from __future__ import annotations

from typing import Any


def torch_probe(module: Any, loss_fn: Any, batch: Any, **options: Any) -> Any:
    """A probe from a PyTorch module, a loss function and a batch (see ``torch_helper``)."""
    from fdgui.probe.torch_helper import TorchProbe

    return TorchProbe(module, loss_fn, batch, **options)


def jax_probe(fn: Any, params: Any, **options: Any) -> Any:
    """A probe from a JAX function ``fn(params) -> loss`` and a params pytree."""
    from fdgui.probe.jax_helper import JaxProbe

    return JaxProbe(fn, params, **options)


__all__ = ["jax_probe", "torch_probe"]
