"""A closed probe stays closed: a call queued behind ``close()`` (another panel's, a cursor
readout's) fails in words and starts no process for a file no longer chosen."""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

SOURCE = """
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 4)

def loss(t):
    return float(np.sum(np.sin(t)))
"""


def test_a_call_after_close_fails_and_starts_nothing(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(SOURCE)
    model = open_probe(str(path))
    theta = np.asarray(model.theta0(), dtype=float)
    assert np.isfinite(model.loss(theta))
    model.close()
    with pytest.raises(ProbeError, match="closed"):
        model.loss(theta)
    with pytest.raises(ProbeError, match="closed"):  # a run starts with it: no reopening
        model.refresh()
    with pytest.raises(ProbeError, match="closed"):
        model.losses(theta[None, :])
    assert not model.process.alive
