"""Copy as code: ready torch / jax gradient-check calls with the ε and tolerances fdgui
recommends for a dtype (the network check's "Copy torch gradcheck" / "Copy jax" buttons)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fdgui.core.numbers.format import significant

if TYPE_CHECKING:
    from fdgui.core.netcheck import Tolerances


_WHY_DIFFERENT = (
    "# These differ from fdgui's own network check on purpose: that check forms each loss\n"
    "# change directly from the one layer a step touches (float64: ε = √u, tolerances near\n"
    "# 1e-8), which a generic tool cannot; here the loss is evaluated twice and subtracted,\n"
    "# so ε = u^(1/3) and wider tolerances are what a correct gradient can meet. fdgui also\n"
    "# treats entries whose tolerance is ≥ half their gradient as undecided; gradcheck\n"
    "# cannot, so compare gradients that are large next to atol.\n"
)


def torch_gradcheck_code(tolerances: Tolerances) -> str:
    """A ready torch.autograd.gradcheck call with the ε and tolerances fdgui recommends."""
    dtype = tolerances.dtype
    torch_dtype = {"float64": "torch.float64", "float32": "torch.float32",
                   "float16": "torch.float16", "bfloat16": "torch.bfloat16"}[dtype]  # fmt: skip
    warning = ""
    if dtype != "float64":
        warning = (
            f"# gradcheck warns for non-float64 inputs; in {dtype} only these loose\n"
            "# tolerances can pass, and a small bug can hide under them.\n"
        )
    return (
        "import torch\n\n"
        f"# fdgui's recommendation for {dtype}: central differences with ε = u^(1/3),\n"
        "# tolerances from the round-off floor u·|L|/ε and the ε² truncation.\n"
        f"{_WHY_DIFFERENT}"
        f"{warning}"
        f"params = torch.randn(100, dtype={torch_dtype}, requires_grad=True)  # yours here\n\n\n"
        "def loss_fn(params):\n"
        "    return (params.tanh() ** 2).sum()  # your loss of the flattened parameters\n\n\n"
        "torch.autograd.gradcheck(\n"
        f"    loss_fn, (params,), eps={significant(tolerances.epsilon)}, "
        f"atol={significant(tolerances.atol)}, rtol={significant(tolerances.rtol)}\n"
        ")\n"
    )


def jax_check_grads_code(tolerances: Tolerances) -> str:
    """A ready jax.test_util.check_grads call with the recommended ε and tolerances."""
    dtype = tolerances.dtype
    enable = (
        'jax.config.update("jax_enable_x64", True)  # float64 needs x64 mode\n'
        if dtype == "float64"
        else ""
    )
    return (
        "import jax\n"
        "import jax.numpy as jnp\n"
        "from jax.test_util import check_grads\n\n"
        f"{enable}"
        f"# fdgui's recommendation for {dtype}: ε = u^(1/3) for central differences.\n"
        f"{_WHY_DIFFERENT}"
        f"params = jnp.ones(100, dtype=jnp.{dtype})  # yours here\n\n\n"
        "def loss_fn(params):\n"
        "    return jnp.sum(jnp.tanh(params) ** 2)  # your loss\n\n\n"
        "check_grads(\n"
        '    loss_fn, (params,), order=1, modes=("rev",),\n'
        f"    eps={significant(tolerances.epsilon)}, atol={significant(tolerances.atol)}, "
        f"rtol={significant(tolerances.rtol)},\n"
        ")\n"
    )
