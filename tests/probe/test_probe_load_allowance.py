"""Loading a probe file and its first gradient (imports, a JIT's compile) have their own,
longer allowance than the per-evaluation timeout (review9l MED-5): a torch or JAX probe
works with a short timeout meant to catch a loop in a 10 ms loss, and a load that takes too
long is said as a load, not blamed on an endless loss."""

from __future__ import annotations

import textwrap
import time

import pytest

from fdgui.probe import client
from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

SLOW = """
import time
import numpy as np
time.sleep({load})
theta0 = np.array([0.3, -0.7])
first = [True]
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    if first[0] or {always}:
        first[0] = False
        time.sleep({grad})
    return np.cos(t)
"""


def write(tmp_path, load=0.0, grad=0.0, always=False):
    path = tmp_path / "slow_start.py"
    path.write_text(textwrap.dedent(SLOW.format(load=load, grad=grad, always=always)))
    return str(path)


def test_a_slow_import_and_a_slow_first_gradient_fit_their_own_allowance(tmp_path):
    model = open_probe(write(tmp_path, load=1.6, grad=1.6), timeout=0.5)
    try:
        assert model.gradient().shape == (2,)  # the first gradient: 1.6 s against 0.5 s
        assert model.loss(model.theta0()) == pytest.approx(
            float(sum(__import__("numpy").sin(model.theta0())))
        )
    finally:
        model.close()


def test_a_later_gradient_keeps_the_per_call_timeout(tmp_path):
    model = open_probe(write(tmp_path, grad=1.6, always=True), timeout=0.5)
    try:
        model.gradient()  # the first one (within the allowance)
        with pytest.raises(ProbeError, match=r"did not answer within 0\.5 s"):
            model.gradient(model.theta0() + 0.1)
    finally:
        model.close()


def test_a_load_past_its_allowance_is_said_as_a_load(tmp_path, monkeypatch):
    monkeypatch.setattr(client, "FIRST_CALL_ALLOWANCE", 1.0)
    started = time.perf_counter()
    with pytest.raises(ProbeError) as caught:
        open_probe(write(tmp_path, load=30), timeout=0.2)
    assert time.perf_counter() - started < 10
    message = caught.value.message
    assert "loading the file" in message and "took longer than 1 s" in message, message
    assert "endless loop, or a loss" not in message


def test_a_first_gradient_past_its_allowance_names_the_gradient(tmp_path, monkeypatch):
    monkeypatch.setattr(client, "FIRST_CALL_ALLOWANCE", 1.0)
    model = open_probe(write(tmp_path, grad=30), timeout=0.2)
    try:
        with pytest.raises(ProbeError) as caught:
            model.gradient()
        assert "first gradient" in caught.value.message, caught.value.message
        assert "took longer than 1 s" in caught.value.message
    finally:
        model.close()


BATCHED = """
import time
import numpy as np
theta0 = np.array([0.3, -0.7])
first = [True]
def loss(t):
    return float(np.sum(np.sin(t)))
def losses(thetas):
    if first[0]:
        first[0] = False
        time.sleep(1.6)  # a vmap's first trace, a JIT's compile
    return np.array([loss(t) for t in thetas])
"""


def test_a_slow_first_batch_fits_the_allowance_and_a_loop_in_loss_does_not(tmp_path):
    path = tmp_path / "batched.py"
    path.write_text(textwrap.dedent(BATCHED))
    model = open_probe(str(path), timeout=0.3)
    try:
        theta = model.theta0()
        points = theta[None, :] + __import__("numpy").array([[1e-3, 0.0]])
        assert model.losses(points).shape == (1,)  # one point: 1.6 s against 0.3 s
    finally:
        model.close()


def test_an_endless_loss_at_theta0_is_still_caught_within_the_timeout(tmp_path):
    path = tmp_path / "loops.py"
    path.write_text("import numpy as np\ntheta0 = np.ones(2)\ndef loss(t):\n    while True:\n"
                    "        pass\n")  # fmt: skip
    model = open_probe(str(path), timeout=0.5)
    try:
        started = time.perf_counter()
        with pytest.raises(ProbeError, match=r"did not answer within 0\.5 s"):
            model.loss_precision()  # the first call of a check or a sweep: loss at θ0
        assert time.perf_counter() - started < 5
    finally:
        model.close()
