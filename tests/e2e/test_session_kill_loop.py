"""kill -9 at random moments while the app keeps changing and autosaving: the autosave is
always a whole session (the old one or the new one), never broken, and no temporary file is
left behind; what was typed after a start with a long history is saved too."""

import os
import random
import select
import signal
import subprocess
import sys
import time

import pytest

DRIVER = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from fdgui import app as fdgui_app
from fdgui.core.calculator.schemes import parse_inputs

qapp = QApplication(sys.argv[:1])
TICK = [0]


def tick():
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    model = window.model("calculator")
    TICK[0] += 1
    if TICK[0] == 1:
        print("typing", flush=True)  # the test's clock starts here, not at the process's start
    model.set_text("backprop", f"{sys.argv[1]}.{TICK[0]}")
    if TICK[0] % 5 == 0:
        texts = ({"loss_plus": f"0.5{i}1", "loss_minus": "0.5", "epsilon": "1e-3"}
                 for i in range(3000))
        model.add_measurements([parse_inputs(t)[0] for t in texts])
    QTimer.singleShot(30, tick)


QTimer.singleShot(300, tick)
sys.exit(fdgui_app.main([]))
"""


# each run starts the app and kills it 4.5-8 s in, while it autosaves a growing history;
# three runs kill it at three moments of that cycle (five took 33 s of the suite's 10 minutes)
RUNS = 3
STARTUP_S = 120  # the window up and typing, however loaded the machine


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_kill_9_at_random_moments_never_leaves_a_broken_autosave(tmp_path):
    from fdgui.core import session as files

    data = tmp_path / "data"
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", FDGUI_DATA_DIR=str(data))
    chance = random.Random(11)
    saved_runs = []
    for run in range(RUNS):
        process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(run + 1)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # killed 4-7.5 s after the typing starts, past one AUTOSAVE_MAX_WAIT_S (3 s) at least:
        # timed from the process's start, a loaded machine (load 10 on 2 cores) spent the
        # whole wait starting the third run's window over its long history, and nothing had
        # been typed to save (the fresh clone of session 17)
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_S)
        assert ready and process.stdout.readline() == b"typing\n", "the app never started typing"
        time.sleep(chance.uniform(4.0, 7.5))
        process.send_signal(signal.SIGKILL)
        _out, errors = process.communicate(timeout=30)
        assert b"Traceback" not in errors, errors.decode(errors="replace")
        autosave = data / "autosave.fdgui.json"
        session = files.read_session(autosave)  # never broken (SessionError otherwise)
        backprop = session.panels["calculator"]["texts"]["backprop"]
        saved_runs.append(backprop.split(".")[0])
        assert not list(data.glob(".*.tmp")), "a temporary file was left behind"
        assert not list(data.glob("*.broken"))
    # every run's typing reached the autosave before it was killed, the long ones included
    assert saved_runs == [str(run + 1) for run in range(RUNS)]
