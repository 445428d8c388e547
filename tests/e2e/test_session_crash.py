"""The real app as a process: changed by typing, killed with SIGKILL, started again: all back.

Each process runs ``fdgui.app.main`` (flags, exception hook, autosave: the real start) with a
timer that drives the window like a person (typing, Enter, buttons) and prints its states.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

DRIVER = r"""
import json, sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fdgui import app as fdgui_app
from fdgui.core import session as files

qapp = QApplication(sys.argv[:1])
MODE = sys.argv[1]


def window():
    return next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")


def type_into(edit, text):
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)


def change():
    w = window()
    calculator = w.panel("calculator")
    type_into(calculator.inputs["loss_plus"], "0.4242")
    type_into(calculator.inputs["backprop"], "3.5")
    QTest.keyClick(calculator.inputs["loss_plus"], Qt.Key.Key_Return)  # Calculate: a row
    type_into(calculator.inputs["epsilon"], "0.001")
    QTest.keyClick(calculator.inputs["epsilon"], Qt.Key.Key_Return)
    w.open_panel("explorer")
    w.model("explorer").sweep()
    QTimer.singleShot(100, pin_a_sweep)


def pin_a_sweep(tries=[0]):
    # under load the sweep may run in the worker: pin once its result is there
    w = window()
    model = w.model("explorer")
    if (model.result() is None or model.is_busy()) and tries[0] < 300:
        tries[0] += 1
        QTimer.singleShot(100, pin_a_sweep)
        return
    model.pins.pin(model.result())
    model.set_text("point", "0.3")
    model.sweep()
    panel = w.open_panel("netcheck")
    type_into(panel.fields["layers"], "6,5,5,3")
    type_into(panel.fields["seed"], "11")
    QTimer.singleShot(200, run_check)


def run_check(tries=[0]):
    w = window()
    panel = w.panel("netcheck")
    if not panel.run_button.isEnabled() and tries[0] < 100:
        tries[0] += 1
        QTimer.singleShot(100, run_check)
        return
    QTest.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    QTimer.singleShot(200, wait_for_report)


def wait_for_report(tries=[0]):
    w = window()
    if (w.model("netcheck").result() is None or w.model("netcheck").is_busy()) and tries[0] < 600:
        tries[0] += 1
        QTimer.singleShot(100, wait_for_report)
        return
    print("SHOWN " + json.dumps(shown(w.panel("netcheck"))), flush=True)
    QTimer.singleShot(200, wait_for_autosave)


def shown(panel):
    # what the network check's results side shows, every tensor's heat map included
    def cells(table):
        return [[table.item(r, c).text() if table.item(r, c) else None
                 for c in range(table.columnCount())] for r in range(table.rowCount())]
    heat = {}
    for index in range(panel.heat_tensor.count()):
        panel.heat_tensor.setCurrentIndex(index)
        image = panel.heat_image.image
        heat[panel.heat_tensor.itemText(index)] = None if image is None else image.tolist()
    return {"badge": panel.verdict_badge.text(), "words": panel.verdict_label.text(),
            "settings": panel.settings_label.text(), "tensors": cells(panel.tensor_table),
            "worst": cells(panel.worst_table), "heat": heat,
            "exports": [b.isEnabled() for b in panel.export_buttons.values()]}


def wait_for_autosave(tries=[0]):
    w = window()
    states = json.loads(json.dumps(w.collect_states()))
    try:
        saved = files.read_session(files.autosave_path()).panels
    except files.SessionError:
        saved = None
    if saved == states or tries[0] > 300:
        print("STATES " + json.dumps(states), flush=True)
        return  # and wait to be killed
    tries[0] += 1
    QTimer.singleShot(100, wait_for_autosave)


def report(tries=[0]):
    w = window()
    model = w.model("calculator")
    w.open_panel("explorer")
    if (model.is_reading() or w.model("explorer").result() is None) and tries[0] < 100:
        tries[0] += 1
        QTimer.singleShot(100, report)
        return
    states = json.loads(json.dumps(w.collect_states()))
    print("STATES " + json.dumps(states), flush=True)
    panel = w.open_panel("netcheck")
    print("SHOWN " + json.dumps(shown(panel)), flush=True)
    print("NOTE " + json.dumps(panel.restored_label.text()), flush=True)
    print("SAID " + json.dumps(w.session.last_message), flush=True)
    w.close()


QTimer.singleShot(800, change if MODE == "change" else report)
sys.exit(fdgui_app.main([]))
"""


def _start(mode, environment):
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def _states(process, timeout=90):
    """The STATES (and SAID) lines the driver prints, waiting at most ``timeout`` s."""
    import selectors

    deadline = time.monotonic() + timeout
    states = said = None
    process.shown = process.note = None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    while time.monotonic() < deadline:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("SHOWN "):
            process.shown = json.loads(line[6:])
        elif line.startswith("NOTE "):
            process.note = json.loads(line[5:])
        elif line.startswith("STATES "):
            states = json.loads(line[7:])
            if process.args[-1] == "change":
                break
        elif line.startswith("SAID "):
            said = json.loads(line[5:])
            break
    return states, said


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_the_app_killed_with_sigkill_restores_everything(tmp_path):
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    environment["FDGUI_DATA_DIR"] = str(tmp_path / "data")
    first = _start("change", environment)
    try:
        before, _ = _states(first)
        assert before is not None, "the first process printed no state"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate(timeout=30)  # and close its pipes
    assert first.returncode == -signal.SIGKILL
    calculator = before["calculator"]
    assert calculator["texts"]["loss_plus"] == "0.4242"
    assert calculator["texts"]["epsilon"] == "0.001"
    assert calculator["history"]["text"].count("\n") == 1  # two rows
    assert before["netcheck"]["texts"]["seed"] == "11"
    assert before["netcheck"]["report_data"]["settings"]["network"]["seed"] == 11
    shown_before = first.shown
    assert shown_before is not None and shown_before["badge"] != "Not run yet"
    assert len(shown_before["heat"]) == 6 and all(shown_before["heat"].values())
    assert len(before["explorer"]["pins"]) == 1

    second = _start("report", environment)
    try:
        after, said = _states(second)
        second.wait(timeout=60)
    finally:
        if second.poll() is None:
            second.kill()
        _out, errors = second.communicate(timeout=30)
    assert after is not None, errors
    assert "did not close normally" in said, errors
    for key in ("calculator", "netcheck"):
        assert after[key] == before[key], key
    # the network check's report is in the panel again, every part as it was
    assert second.shown == shown_before
    assert second.note.startswith("Restored report from the session"), second.note
    for entry in ("texts", "source", "pins"):
        assert after["explorer"][entry] == before["explorer"][entry], entry
    assert after["explorer"]["cursor_epsilon"] == pytest.approx(
        before["explorer"]["cursor_epsilon"], rel=1e-9
    )
