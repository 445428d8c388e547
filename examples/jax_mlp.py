"""A JAX MLP whose activation has its own backward rule (``jax.custom_vjp``).

    fdgui-cli netcheck --probe examples/jax_mlp.py

``softplus`` is written with a custom VJP (the numerically stable form, with its derivative
σ(x) given by hand); ``jax.grad`` uses that rule, so the check compares it with finite
differences of the loss. ``jax_probe`` turns on float64, names the leaves of the params
dict (W1, b1, W2, b2) and evaluates perturbed points with ``jax.vmap``.
Needs ``pip install "fdgui[jax]"`` in the Python that runs the probe.
"""

import jax
import jax.numpy as jnp
import numpy as np

from fdgui.probe import jax_probe


@jax.custom_vjp
def softplus(x):
    return jnp.logaddexp(x, 0.0)


def softplus_forward(x):
    return softplus(x), x


def softplus_backward(x, g):
    return (g * jax.nn.sigmoid(x),)


softplus.defvjp(softplus_forward, softplus_backward)

rng = np.random.default_rng(0)
X = jnp.asarray(rng.standard_normal((64, 10)))
Y = jnp.asarray(rng.integers(0, 3, 64))
params = {
    "W1": jnp.asarray(rng.standard_normal((10, 32)) / np.sqrt(10)),
    "b1": jnp.zeros(32),
    "W2": jnp.asarray(rng.standard_normal((32, 3)) / np.sqrt(32)),
    "b2": jnp.zeros(3),
}


def loss(p):
    hidden = softplus(X @ p["W1"] + p["b1"])
    logits = hidden @ p["W2"] + p["b2"]
    return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(X.shape[0]), Y])


probe = jax_probe(loss, params)
