"""``torch_probe``: a probe from a PyTorch module, a loss function and a batch.

Runs only inside the probe process (the window never imports torch). What it does:

- converts the module and the batch's floating-point tensors to float64 (``dtype``), puts
  the module in eval mode (dropout off, batch norm on its running statistics);
- names the parameters as ``named_parameters()`` does (``0.weight``, ``fc1.bias``, …);
- the loss is ``loss_fn(module(x), *rest)`` for a batch ``(x, *rest)`` (a single tensor:
  ``loss_fn(module(x))``), evaluated through ``torch.func.functional_call`` at any point;
- the gradient under check is autograd's, so a custom ``torch.autograd.Function``'s own
  ``backward`` is what gets checked;
- many perturbed points at once go through ``torch.func.vmap`` over the tensor that varies;
  a model vmap cannot run (data-dependent control flow, a Function without a vmap rule)
  falls back to a plain loop, once and for all.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.func import functional_call, vmap


def _convert(value: Any, dtype: torch.dtype) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().to(dtype) if value.is_floating_point() else value.detach()
    if isinstance(value, tuple | list):
        return type(value)(_convert(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _convert(v, dtype) for k, v in value.items()}
    return value


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    """A tensor's values as numpy holds them: a dtype numpy has no type for (bfloat16) goes
    through float32, which holds every one of its values exactly (the probe's losses stay
    bfloat16 numbers, so the check still reads their precision from them)."""
    tensor = tensor.detach().cpu()
    try:
        return tensor.numpy()
    except TypeError:  # "Got unsupported ScalarType BFloat16"
        return tensor.to(torch.float32).numpy()


class TorchProbe:
    """The richer probe form over a PyTorch module (see the module's docstring)."""

    def __init__(
        self,
        module: torch.nn.Module,
        loss_fn: Any,
        batch: Any,
        dtype: torch.dtype = torch.float64,
        eval_mode: bool = True,
        vectorize: bool = True,
    ) -> None:
        self.module = module.to(dtype)
        if eval_mode:
            self.module.eval()
        self.loss_fn = loss_fn
        self.dtype = dtype
        batch = _convert(batch, dtype)
        if isinstance(batch, tuple | list):
            self.inputs, self.rest = batch[0], tuple(batch[1:])
        else:
            self.inputs, self.rest = batch, ()
        self.names = [n for n, p in module.named_parameters() if p.requires_grad]
        params = dict(module.named_parameters())
        self.base = {n: params[n].detach().clone() for n in self.names}
        self.vectorize = vectorize

    # ---------------------------------------------------------------- the richer form
    def parameters(self) -> dict[str, np.ndarray]:
        return {n: _numpy(t).copy() for n, t in self.base.items()}

    def _tensors(self, params: dict[str, Any]) -> dict[str, torch.Tensor]:
        return {n: torch.as_tensor(np.asarray(params[n]), dtype=self.dtype) for n in self.names}

    def _loss(self, tensors: dict[str, torch.Tensor]) -> torch.Tensor:
        output = functional_call(self.module, tensors, (self.inputs,))
        return self.loss_fn(output, *self.rest)

    def loss(self, params: dict[str, Any]) -> float:
        with torch.no_grad():
            return float(self._loss(self._tensors(params)))

    def gradient(self, params: dict[str, Any]) -> dict[str, np.ndarray]:
        tensors = {n: t.requires_grad_(True) for n, t in self._tensors(params).items()}
        value = self._loss(tensors)
        grads = torch.autograd.grad(value, list(tensors.values()), allow_unused=True)
        return {
            n: (_numpy(g) if g is not None else np.zeros(tuple(t.shape)))
            for (n, t), g in zip(tensors.items(), grads, strict=True)
        }

    def losses_varying(self, name: str, stacked: np.ndarray) -> np.ndarray:
        """L at θ0 with tensor ``name`` set to each of ``stacked`` (B copies of its shape)."""
        values = torch.as_tensor(np.asarray(stacked), dtype=self.dtype)
        with torch.no_grad():
            if self.vectorize:
                try:
                    result = vmap(lambda p: self._loss({**self.base, name: p}))(values)
                    return _numpy(result)
                except Exception:  # no vmap rule, data-dependent control flow: loop
                    self.vectorize = False
            return np.array([float(self._loss({**self.base, name: p})) for p in values])

    def losses(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        """L at B whole points (each name with a leading axis of B)."""
        stacked = {n: torch.as_tensor(np.asarray(batch[n]), dtype=self.dtype) for n in self.names}
        count = next(iter(stacked.values())).shape[0] if stacked else 0
        with torch.no_grad():
            if self.vectorize:
                try:
                    return _numpy(vmap(self._loss)(stacked))
                except Exception:
                    self.vectorize = False
            return np.array(
                [float(self._loss({n: t[k] for n, t in stacked.items()})) for k in range(count)]
            )
