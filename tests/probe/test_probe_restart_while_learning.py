"""A probe process killed from outside while its loss precision is being learned (review13p
H1): the restart forgets what was learned, and the check read the forgotten precision as the
format name 'None' (rc 3 "unknown dtype 'None'"). The precision is learned again."""

from __future__ import annotations

import os
import signal
import textwrap
import time

from fdgui.probe.model import ProbeModel, open_probe

GOOD = """
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1])
def loss(t):
    return float(np.sum(np.sin(t)) + t[0] * t[1])
def losses(ts):
    return np.sin(ts).sum(axis=1) + ts[:, 0] * ts[:, 1]
def grad(t):
    return np.cos(t) + np.array([t[1], t[0], 0.0])
"""


def test_a_kill_between_the_precision_search_and_the_path_check(tmp_path, monkeypatch):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(GOOD))
    model = open_probe(str(path), timeout=20)
    kills = []
    original = ProbeModel._check_paths

    def killed_first(self, *args):
        if not kills:  # the process dies between two requests, once
            kills.append(self.process.process.pid)
            os.kill(self.process.process.pid, signal.SIGKILL)
            time.sleep(0.3)
        return original(self, *args)

    monkeypatch.setattr(ProbeModel, "_check_paths", killed_first)
    try:
        assert model.loss_precision() == "float64"
        assert kills and model.process.process.pid != kills[0]
    finally:
        model.close()
