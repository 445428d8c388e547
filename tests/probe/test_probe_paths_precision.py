"""A batched ``losses`` computed in float32 beside a float64 ``loss``: the two agree within
float32's round-off, so the probe is accepted and checked in float32 (it was refused as a
disagreement); a real disagreement is still refused, saying what was allowed."""

from __future__ import annotations

import textwrap

import pytest

from fdgui.core.errors import InputError
from fdgui.probe.model import open_probe

SOURCE = """
import numpy as np
W0 = np.array([0.3, -0.7, 1.1, 0.5, -1.4, 0.9])

def parameters():
    return {{"w": W0.copy()}}

def loss(p):
    return float(np.sum(np.sin(p["w"]) * p["w"]))

def losses(batch):
    w = batch["w"].astype(np.{dtype})
    return np.sum(np.sin(w) * w * {slope}, axis=1).astype(np.float64)
"""


def open_with(tmp_path, dtype, slope="1"):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(SOURCE.format(dtype=dtype, slope=slope)))
    return open_probe(str(path))


def test_a_float32_batched_path_is_accepted_in_float32(tmp_path):
    model = open_with(tmp_path, "float32")
    try:
        assert model.loss_precision() == "float32"
    finally:
        model.close()


def test_a_batched_path_that_computes_another_loss_is_refused_with_what_was_allowed(tmp_path):
    model = open_with(tmp_path, "float64", slope="(1 + 1e-3 * (w - W0).sum(axis=1, keepdims=True))")
    try:
        with pytest.raises(InputError) as caught:
            model.loss_precision()
        message = caught.value.message
        assert "disagree at a point near θ0" in message
        assert "apart where" in message and "float64's round-off" in message
    finally:
        model.close()
