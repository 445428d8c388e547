"""The probe's timeout is per loss evaluation, enforced as evaluations finish (review9j
HIGH-1): a loss that hangs at one point of a request of hundreds ends the call within about
the timeout — not the timeout times the request's size — and the message names the point;
an honest loss slower in total than the timeout (but not per point) is never stopped."""

from __future__ import annotations

import textwrap
import time

import numpy as np
import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe


def write(tmp_path, text, name="probe.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


HANGS_AT_ENTRY = """
import numpy as np
theta0 = np.linspace(-1, 1, 400)
def loss(t):
    if t[150] != theta0[150] and t[0] == theta0[0]:
        while True:
            pass
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""


def test_a_loss_that_hangs_at_one_point_of_a_check_ends_within_the_timeout(tmp_path):
    model = open_probe(write(tmp_path, HANGS_AT_ENTRY), timeout=1.0)
    try:
        started = time.perf_counter()
        with pytest.raises(ProbeError) as caught:
            run_to_completion(CheckSettings(None, engine="forward"), model=model)
        elapsed = time.perf_counter() - started
        message = caught.value.message
        assert elapsed < 20, elapsed  # count × timeout was 256 s
        assert "did not answer within 1 s" in message and "entry 150" in message, message
        # where it hung: the loop's line or its body's
        assert any(f"(in loss, probe.py, line {n})" in message for n in (6, 7)), message
        assert "probe.py" in caught.value.details  # the hung stack: the person's file
        assert "line 6" in caught.value.details or "line 7" in caught.value.details
        assert not model.process.alive
    finally:
        model.close()


BATCHED = """
import os, time
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1])
FLAG = {flag!r}
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
def losses(thetas):
    out = []
    for t in thetas:
        if os.path.exists(FLAG) and t[1] != theta0[1]:
            while True:
                pass
        time.sleep({sleep})
        out.append(loss(t))
    return np.array(out)
"""


def test_a_batched_call_that_hangs_ends_within_the_timeout_and_its_pace(tmp_path):
    flag = tmp_path / "hang"
    model = open_probe(write(tmp_path, BATCHED.format(flag=str(flag), sleep=0)), timeout=1.0)
    try:
        theta = model.theta0()
        for _ in range(3):  # the pace of this loss is measured on the way
            model.losses(theta + 1e-3 * np.arange(60)[:, None])
        flag.write_text("1")
        started = time.perf_counter()
        with pytest.raises(ProbeError) as caught:
            model.losses(theta + 1e-3 * np.arange(400)[:, None])
        elapsed = time.perf_counter() - started
        # count × timeout was 400 s; now 1 s plus 400 × 8 × the pace (the loop's ~1e-4 s a
        # point, ten times that on a busy machine)
        assert elapsed < 30, (elapsed, caught.value.message)
        assert "batch of 400 points" in caught.value.message, caught.value.message
    finally:
        model.close()


def test_an_honest_loss_slower_than_the_timeout_in_total_is_never_stopped(tmp_path):
    """Per point it is within the timeout: one at a time, and in one batched call."""
    slow_single = write(
        tmp_path,
        """
        import time
        import numpy as np
        theta0 = np.array([0.3, -0.7])
        def loss(t):
            time.sleep(0.05)
            return float(np.sum(t ** 2))
        """,
        "single.py",
    )
    model = open_probe(slow_single, timeout=20)
    model.set_timeout(0.3)  # the loading (numpy's import on a busy machine) is not timed here
    try:
        values = model.losses(model.theta0() + 1e-3 * np.arange(24)[:, None])  # 1.2 s
        assert values.shape == (24,)
    finally:
        model.close()
    model = open_probe(write(tmp_path, BATCHED.format(flag="/nonexistent", sleep=0.02)), timeout=20)
    model.set_timeout(0.3)
    try:
        theta = model.theta0()
        model.losses(theta + 1e-3 * np.arange(4)[:, None])
        values = model.losses(theta + 1e-3 * np.arange(60)[:, None])  # 1.2 s in one call
        assert values.shape == (60,)
    finally:
        model.close()
