"""A vectorised ``losses`` (a BLAS product) and a ``loss`` summing the same 10,000 terms with
np.sum round differently: Σ|terms| is 1e2 times |L| here, so 16 ulps of |L| is too tight and a
correct file was refused "fix losses" (review9h #4). A real disagreement is still refused."""

from __future__ import annotations

import textwrap

import pytest

from fdgui.core.errors import InputError
from fdgui.probe.model import open_probe

SOURCE = """
import numpy as np
rng = np.random.default_rng({seed})
N = 10000
theta0 = rng.normal(size=N)
CC = rng.uniform(0.5, 2, N); WW = rng.normal(size=N) / 100
names = [("W", (100, 90)), ("b", (1000,))]

def loss(t):
    t = np.asarray(t, float)
    return float(np.sum(CC * np.sin(t)) + 0.5 * (WW @ t) ** 2)

def losses(ts):
    ts = np.asarray(ts, float)
    return (np.sin(ts) @ CC + 0.5 * (ts @ WW) ** 2) {offset}
"""


def precision_of(tmp_path, seed, offset=""):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(SOURCE.format(seed=seed, offset=offset)))
    model = open_probe(str(path))
    try:
        return model.loss_precision()
    finally:
        model.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_correct_vectorised_losses_is_accepted(tmp_path, seed):
    assert precision_of(tmp_path, seed) == "float64"


@pytest.mark.parametrize("offset", ["+ 1e-9", "* (1 + 1e-11)"])
def test_a_losses_that_computes_another_loss_is_still_refused(tmp_path, offset):
    with pytest.raises(InputError, match="fix losses"):
        precision_of(tmp_path, 1, offset)
