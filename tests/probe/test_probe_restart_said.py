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


# dies just after its first batched call has answered: between two calls of the sweep, once
# (a file beside it remembers); its batch drawn from SEED (the process id: another loss)
DIES_BETWEEN = """
import os, signal, threading
import numpy as np
FLAG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "killed-once")
rng = np.random.default_rng(SEED)
X = rng.normal(size=(30, 4))
theta0 = np.array([0.7, -0.4, 1.1, 0.3])
def loss(t):
    return float(np.sum(np.sin(X @ t)))
def grad(t):
    return X.T @ np.cos(X @ t)
def losses(ts):
    if not os.path.exists(FLAG):
        open(FLAG, "w").close()
        threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGKILL)).start()
    return np.sum(np.sin(np.asarray(ts) @ X.T), axis=1)
"""


@pytest.mark.parametrize(("seed", "status", "said"), [
    ("3", 0, "ended between two calls (killed by SIGKILL) and was restarted once; the new "
     "process gave the same θ0 and the same loss there, so the run went on"),
    ("os.getpid()", 2, "run again"),
])  # fmt: skip
def test_a_sweep_whose_process_is_killed_between_two_calls(tmp_path, seed, status, said):
    """``sweep --probe``: a reproducible probe's sweep goes on with a note on standard error;
    one whose new process computes another loss stops (exit 2: its answers would mix)."""
    import json
    import subprocess
    import sys

    path = tmp_path / "dies.py"
    path.write_text(textwrap.dedent(DIES_BETWEEN).replace("SEED", seed))
    for _attempt in range(4):
        (tmp_path / "killed-once").unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "fdgui.cli", "sweep", "--probe", str(path), "--index", "2",
             "--json"], capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert (tmp_path / "killed-once").exists()  # it did die
        # on a busy machine the kill (10 ms after a reply) can land inside the next call:
        # that call's own error (exit 2), not this test's case, so the run is made again
        if not (done.returncode == 2 and done.stderr.endswith("was killed by SIGKILL\n")):
            break
    else:
        pytest.skip("every kill landed inside a call (a loaded machine): nothing to judge")
    assert done.returncode == status, (done.stdout[-500:], done.stderr[-2000:])
    assert said in done.stderr, done.stderr[-2000:]
    if status == 0:
        assert json.loads(done.stdout)["diagnosis"]["kind"] == "correct"
