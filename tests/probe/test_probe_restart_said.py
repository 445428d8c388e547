"""A probe process killed from outside between two calls is restarted (the file loaded
again) and the run goes on, but it is said: the CLI notes it on standard error (review18p
L3: a kill −9 2 s into a check gave "Pass", exit 0, with no word of it). A process that
died during a call is that call's error, said once: the next call's restart adds nothing."""

from __future__ import annotations

import os
import signal
import textwrap

import numpy as np
import pytest

from fdgui.commands.probe_options import say_notes
from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

PROBE = """
import os, signal
import numpy as np
theta0 = np.array([0.5, -1.5, 2.0])
def loss(t):
    if t[0] == 9.0:  # dies inside this call
        os.kill(os.getpid(), signal.SIGKILL)
    return float(np.sum(t ** 2))
"""


def test_a_kill_between_calls_is_said_and_one_during_a_call_is_said_once(tmp_path, capsys):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(PROBE))
    model = open_probe(str(path), timeout=20)
    try:
        theta = model.theta0()
        assert model.loss(theta) == pytest.approx(6.5)
        worker = model.process.process
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert model.loss(theta) == pytest.approx(6.5)  # restarted, loaded again
        assert model.process.ended == ["killed by SIGKILL"]
        say_notes("netcheck", model)
        said = capsys.readouterr().err
        assert "ended between two calls (killed by SIGKILL)" in said, said
        assert "restarted once" in said, said
        with pytest.raises(ProbeError, match="killed by SIGKILL"):
            model.loss(theta + np.array([8.5, 0.0, 0.0]))  # the call's own error
        assert model.loss(theta) == pytest.approx(6.5)
        assert model.process.ended == ["killed by SIGKILL"]  # not a second time
    finally:
        model.close()
    model = open_probe(str(path), timeout=20)
    try:
        model.loss(model.theta0())
        say_notes("sweep", model)
        assert capsys.readouterr().err == ""  # nothing ended: nothing said
    finally:
        model.close()
