"""The per-call timeout covers sending a request too (review12p M2): a probe process that
stops reading (SIGSTOP, or a main thread that cannot run) left the window's end blocked in
``write()`` to the pipe for as long as nobody killed it. A request larger than the pipe's
buffer to a stopped process must end with the usual "did not answer within" message."""

from __future__ import annotations

import os
import signal
import textwrap
import threading
import time

import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

SOURCE = """
import os, signal, threading
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 200_000)  # 1.6 MB a point: far more than a pipe's buffer
calls = [0]
def loss(t):
    calls[0] += 1
    if calls[0] == 2:
        threading.Timer(0.05, lambda: os.kill(os.getpid(), signal.SIGSTOP)).start()
    return float(np.sum(t[:10] ** 2))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="POSIX signals")
def test_a_stopped_probe_is_timed_out_while_its_request_is_written(tmp_path):
    path = tmp_path / "stopper.py"
    path.write_text(textwrap.dedent(SOURCE))
    model = open_probe(str(path), timeout=1.0)
    outcome: dict = {}

    def run() -> None:
        theta = model.theta0()
        try:
            model.loss(theta)  # the first point: answered; the second stops the process
            model.loss(theta)
            time.sleep(0.3)
            model.loss(theta + 0.1)  # written to a stopped process
            outcome["result"] = "answered"
        except ProbeError as error:
            outcome["error"] = error

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)
    seconds = time.monotonic() - started
    pid = model.process.process.pid if model.process.process is not None else None
    if thread.is_alive() and pid is not None:  # still blocked: end it so the suite goes on
        os.kill(pid, signal.SIGKILL)
        thread.join(10)
    model.close()
    assert "error" in outcome, f"no timeout while writing ({seconds:.1f} s, {outcome})"
    assert "did not answer within 1 s" in outcome["error"].message
    assert seconds < 20
