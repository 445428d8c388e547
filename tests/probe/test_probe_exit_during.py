"""A probe process that ends itself (os._exit) says during which call (review11p L7,
review12p L2: "the probe process ended by itself (exit status 3)" gave no hint it was the
gradient)."""

from __future__ import annotations

import textwrap

import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

SOURCE = """
import os
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 8)
def loss(t):
    if t[0] > 5:
        os._exit(5)
    return float(np.sum(t ** 2))
def grad(t):
    os._exit(3)
"""


def test_the_call_that_ended_the_process_is_named(tmp_path):
    path = tmp_path / "quits.py"
    path.write_text(textwrap.dedent(SOURCE))
    model = open_probe(str(path), timeout=10)
    try:
        with pytest.raises(ProbeError) as caught:
            model.gradient()
        assert "exit status 3" in caught.value.message
        assert "computing its gradient" in caught.value.message
        model.refresh()
        point = model.theta0()
        point[0] = 6.0
        with pytest.raises(ProbeError) as caught:
            model.loss(point)
        assert "exit status 5" in caught.value.message
        assert "computing its loss" in caught.value.message
    finally:
        model.close()
