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


DATA_TERMS = """
import numpy as np
rng = np.random.default_rng({seed})
N = {count}
X = rng.normal(size=(N, 3)) * 3.0
Y = rng.normal(size=N) * 5 + 40.0
theta0 = np.array([0.3, -1.2, 0.8])

def loss(t):
    t = np.asarray(t, float)
    r = X[:, 0] * t[0] + X[:, 1] * t[1] + X[:, 2] * t[2] - Y
    return float(np.sum(r * r) / N)

def losses(T):
    T = np.asarray(T, float)
    R = T @ X.T - Y
    return np.einsum('ij,ij->i', R, R) / N {offset}
"""


def data_precision(tmp_path, seed, count, offset=""):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(DATA_TERMS.format(seed=seed, count=count, offset=offset)))
    model = open_probe(str(path))
    try:
        return model.loss_precision()
    finally:
        model.close()


@pytest.mark.parametrize(("seed", "count"), [(11, 20000), (12, 20000), (13, 50000), (14, 5000)])
def test_many_data_terms_and_few_parameters_are_accepted(tmp_path, seed, count):
    # the paths round as their 20,000-term sums do, whatever the parameter count (review9i H1)
    assert data_precision(tmp_path, seed, count) == "float64"


@pytest.mark.parametrize("offset", ["+ 1e-9", "* (1 + 1e-11)"])
def test_many_data_terms_with_another_loss_are_refused(tmp_path, offset):
    with pytest.raises(InputError, match="fix losses"):
        data_precision(tmp_path, 11, 20000, offset)
