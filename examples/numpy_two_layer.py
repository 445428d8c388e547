"""A numpy two-layer network with a hand-written backward: a probe in the minimal form.

    fdgui-cli netcheck --probe examples/numpy_two_layer.py
    fdgui-cli sweep --probe examples/numpy_two_layer.py --tensor W1 --index "3, 7"

The file defines ``theta0`` (every parameter in one flat vector), ``names`` (how that vector
splits into W1, b1, W2, b2), ``loss(theta)`` (softmax cross-entropy of a tanh network on a
fixed batch) and ``grad(theta)``, the backward pass written out by hand: that is what the
check compares with finite differences of ``loss``.
"""

import numpy as np

SIZES = (24, 48, 10)  # inputs, hidden units, classes: 1,690 parameters
BATCH = 128

rng = np.random.default_rng(0)
X = rng.standard_normal((BATCH, SIZES[0]))
Y = rng.integers(0, SIZES[2], BATCH)
names = [
    ("W1", (SIZES[0], SIZES[1])),
    ("b1", (SIZES[1],)),
    ("W2", (SIZES[1], SIZES[2])),
    ("b2", (SIZES[2],)),
]
theta0 = np.concatenate(
    [
        (rng.standard_normal(SIZES[0] * SIZES[1]) / np.sqrt(SIZES[0])),
        0.1 * rng.standard_normal(SIZES[1]),
        (rng.standard_normal(SIZES[1] * SIZES[2]) / np.sqrt(SIZES[1])),
        0.1 * rng.standard_normal(SIZES[2]),
    ]
)


def unpack(theta):
    parts, start = [], 0
    for _, shape in names:
        size = int(np.prod(shape))
        parts.append(theta[start : start + size].reshape(shape))
        start += size
    return parts


def forward(theta):
    W1, b1, W2, b2 = unpack(theta)
    hidden = np.tanh(X @ W1 + b1)
    logits = hidden @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return hidden, log_probs


def loss(theta):
    _, log_probs = forward(theta)
    return -log_probs[np.arange(BATCH), Y].mean()


def grad(theta):
    W2 = unpack(theta)[2]
    hidden, log_probs = forward(theta)
    d_logits = np.exp(log_probs)
    d_logits[np.arange(BATCH), Y] -= 1.0
    d_logits /= BATCH
    d_W2 = hidden.T @ d_logits
    d_b2 = d_logits.sum(axis=0)
    d_hidden = (d_logits @ W2.T) * (1.0 - hidden**2)
    d_W1 = X.T @ d_hidden
    d_b1 = d_hidden.sum(axis=0)
    return np.concatenate([d_W1.ravel(), d_b1, d_W2.ravel(), d_b2])
