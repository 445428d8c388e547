"""A probe process stopped by a signal (SIGSTOP, Ctrl+Z's SIGTSTP, a debugger) does not answer
because it is not running, not because its loss is slow: the timeout's words name that state
(review17p L3, review13p L2: "an endless loop, or a loss slower than 3 s" was said of it)."""

from __future__ import annotations

import signal
import textwrap

import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

SOURCE = """
import os, signal
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 8)
calls = [0]
def loss(t):
    calls[0] += 1
    if calls[0] == 2:
        os.kill(os.getpid(), signal.SIGSTOP)
    return float(np.sum(t ** 2))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")
def test_a_stopped_probe_process_is_named_stopped(tmp_path):
    path = tmp_path / "stopper.py"
    path.write_text(textwrap.dedent(SOURCE))
    model = open_probe(str(path), timeout=1.0)
    try:
        theta = model.theta0()
        model.loss(theta)
        with pytest.raises(ProbeError) as caught:
            model.loss(theta + 0.1)
    finally:
        model.close()
    message = str(caught.value)
    assert "stopped by a signal" in message, message
    assert "endless loop" not in message, message
