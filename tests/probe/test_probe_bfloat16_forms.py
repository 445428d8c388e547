"""bfloat16 in the two ways review9h #10 found refused: a loss returning an ml_dtypes
bfloat16 (exit 2 "returned bfloat16 of bfloat16, not real numbers" before; its float16 twin
worked) and ``torch_probe(..., dtype=torch.bfloat16)`` (exit 2 with a traceback of fdgui's
own helper: ``.numpy()`` on a bfloat16 tensor). Both are checked now, in bfloat16's
precision (float32 holds every bfloat16 value exactly on the way)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe

ML_DTYPES = """
import numpy as np, ml_dtypes
DT = ml_dtypes.bfloat16
rng = np.random.default_rng(4)
W0 = rng.normal(size=(3, 4)) * 3
V0 = rng.normal(size=4) * 3

def parameters():
    return {{"W": W0.copy(), "v": V0.copy()}}

def loss(p):
    W = np.asarray(p["W"]).astype(DT)
    v = np.asarray(p["v"]).astype(DT)
    return (np.sum(W * W, dtype=DT) * DT(2.0) + np.sum(v * v * v, dtype=DT)).astype(DT)

def gradient(p):
    W, v = np.asarray(p["W"], float), np.asarray(p["v"], float)
    g = {{"W": 4 * W, "v": 3 * v * v}}
    {bug}
    return g
"""

TORCH = """
import torch
from fdgui.probe import torch_probe
torch.manual_seed(3)
x = torch.randn(16, 3) * 4
net = torch.nn.Sequential(torch.nn.Linear(3, 2))
probe = torch_probe(net, lambda out: (out ** 2).sum(), x, dtype=torch.bfloat16)
"""


def check(tmp_path, source):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(source))
    model = open_probe(str(path))
    try:
        assert model.loss_precision() == "bfloat16"
        assert np.isfinite(model.loss(model.theta0()))
        return run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


def test_an_ml_dtypes_bfloat16_loss_is_checked_in_its_precision(tmp_path):
    report = check(tmp_path, ML_DTYPES.format(bug="pass"))
    assert report.tolerances.dtype == "bfloat16"
    assert sum(t.failures for t in report.tensors) == 0


def test_a_sign_flip_beside_a_bfloat16_loss_is_not_a_pass(tmp_path):
    report = check(tmp_path, ML_DTYPES.format(bug='g["W"] = -g["W"]'))
    assert report.verdict == "fail"


def test_a_torch_probe_in_bfloat16_is_checked(tmp_path):
    pytest.importorskip("torch", reason="torch_probe needs torch")
    report = check(tmp_path, TORCH)
    assert report.tolerances.dtype == "bfloat16"
    assert report.parameters_checked == 8
    assert sum(t.failures for t in report.tensors) == 0
