"""A loss (or gradient) returned as a torch bfloat16 tensor is read, and its precision
recorded (it failed with "TypeError: Got unsupported ScalarType BFloat16" before)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

pytest.importorskip("torch", reason="the bfloat16 tensor is torch's")

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe

SOURCE = """
import numpy as np
import torch
theta0 = np.linspace(-1.0, 1.0, 6)

def loss(t):
    x = torch.as_tensor(t, dtype=torch.bfloat16)
    return torch.sin(x).sum() * 3 + 0.5 * (x @ x)

def grad(t):
    x = torch.as_tensor(t, dtype=torch.bfloat16)
    return 3 * torch.cos(x) + x
"""


def test_a_bfloat16_tensor_loss_is_read_with_its_precision(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(SOURCE))
    model = open_probe(str(path))
    try:
        theta = model.theta0()
        expected = 3 * np.sin(theta).sum() + 0.5 * theta @ theta
        assert model.loss(theta) == pytest.approx(expected, rel=2e-2)
        assert model.loss_precision() == "bfloat16"
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        assert report.tolerances.dtype == "bfloat16"
        assert report.verdict == "pass" or report.inconclusive
    finally:
        model.close()
