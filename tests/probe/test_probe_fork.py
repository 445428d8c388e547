"""A probe that forks, whose child returns into fdgui's worker loop, never talks on the
protocol's pipe (review9l MED-1): the check runs as if it had not forked, and a reply out of
turn is a clear probe error, after which the next call starts a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

FORKS = """
import os, time
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1])
def loss(t):
    if os.fork() == 0:
        time.sleep(0.005)
        # the child returns into the worker's loop (no os._exit): a second reader and writer
        return float(np.sum(np.sin(t)))
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX")


def write(tmp_path, text, name="forks.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_a_child_that_returns_into_the_worker_loop_never_answers(tmp_path):
    model = open_probe(write(tmp_path, FORKS), timeout=10)
    try:
        for _ in range(2):  # and again: no second reader is left on the request pipe
            report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
            assert report.passed, report.verdict
            assert report.parameters_checked == 3
        assert model.loss(model.theta0()) == pytest.approx(
            float(sum(map(__import__("math").sin, (0.3, -0.7, 1.1))))
        )
    finally:
        model.close()


def test_the_cli_passes_a_forking_probe_with_exit_0(tmp_path):
    path = write(tmp_path, FORKS)
    done = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "netcheck", "--probe", path, "--timeout", "10"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)


OK = """
import numpy as np
theta0 = np.array([0.3, -0.7])
def loss(t):
    return float(np.sum(np.sin(t)))
"""


def test_a_reply_out_of_turn_is_a_probe_error_and_the_next_call_restarts(tmp_path):
    model = open_probe(write(tmp_path, OK, "ok.py"), timeout=10)
    try:
        process = model.process
        first = process.process.pid
        process._seq += 1  # a request the client no longer waits for (a forked worker's)
        process._send({"op": "loss", "seq": process._seq}, [model.theta0()])
        with pytest.raises(ProbeError) as caught:
            model.loss(model.theta0())
        assert "out of turn" in caught.value.message, caught.value.message
        assert not process.alive
        assert model.loss(model.theta0()) == pytest.approx(
            float(sum(map(__import__("math").sin, (0.3, -0.7))))
        )
        assert process.process.pid != first
    finally:
        model.close()
