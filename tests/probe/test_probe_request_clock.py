"""The per-evaluation timeout clocks the person's code, not fdgui's own request on its way
to the probe process (review9m MEDIUM-3: at 1.5–3 M parameters a 12–24 MB request took
longer to cross the pipe than a short --timeout, and a one-point loss was stopped as "an
endless loop" while the worker was still reading it). A pipe made slow here (the request
sent after a pause longer than the timeout) shows the clock starts once
the request is sent; a loss that really hangs is still stopped."""

from __future__ import annotations

import textwrap
import time

import numpy as np
import pytest

from fdgui.probe import frames
from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

SOURCE = """
import time
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 64)
def loss(t):
    if t[0] > 5:
        while True:
            time.sleep(0.01)
    return float(np.sum(t ** 2))
def grad(t):
    return 2 * t
"""


def test_a_slow_request_is_not_clocked_as_the_loss(tmp_path, monkeypatch):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(SOURCE))
    model = open_probe(str(path), timeout=0.3)
    try:
        theta = model.theta0()
        assert model.loss(theta) == pytest.approx(float(np.sum(theta**2)))
        encode = frames.encode

        def slow(header, arrays):
            time.sleep(0.5)  # a pipe slower than the timeout
            yield from encode(header, arrays)

        monkeypatch.setattr(frames, "encode", slow)
        assert model.loss(theta + 0.5) == pytest.approx(float(np.sum((theta + 0.5) ** 2)))
        hung = theta.copy()
        hung[0] = 6.0
        with pytest.raises(ProbeError, match=r"did not answer within 0\.3 s"):
            model.loss(hung)
    finally:
        model.close()


BIG = """
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 300_000)
def loss(t):
    return float(np.sum(t[:10] ** 2))
"""


def test_a_large_request_is_answered_with_a_beat_once_read(tmp_path, monkeypatch):
    """The worker tells the window it has read a request of a megabyte or more before it
    evaluates anything (the clock restarts there: decoding 96 MB is fdgui's own time); a
    small request sends nothing more than before."""
    from fdgui.probe import client

    path = tmp_path / "big.py"
    path.write_text(textwrap.dedent(BIG))
    model = open_probe(str(path), timeout=5)
    heard: list[dict] = []
    receive = client.ProbeProcess._receive

    def record(self, watch):
        header, arrays = receive(self, watch)
        heard.append(header)
        return header, arrays

    monkeypatch.setattr(client.ProbeProcess, "_receive", record)
    try:
        theta = model.theta0()
        model.losses(np.stack([theta + 0.1, theta - 0.1]))  # 4.8 MB of points
        assert heard[0].get("done") == 0 and "beat" in heard[0], heard
        assert "ok" in heard[-1]
        heard.clear()
        model.losses_changed(np.array([3]), np.array([0.5]))  # a few bytes
        assert [("beat" in header) for header in heard] == [False], heard
    finally:
        model.close()
