"""The probe picker's spare process (issue 9): opening the file dialog starts a probe process
(with torch imported where the interpreter has it) that the pick then uses; nothing of the
person's runs before the pick; a cancelled picker's spare ends after its idle time (and at
quit); a spare killed from outside is replaced without an error."""

from __future__ import annotations

import os
import signal
import time

import pytest
from PySide6.QtWidgets import QFileDialog

from fdgui.probe.spare import SPARE

MARKED = """
import os
import numpy as np
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ran"), "a") as f:
    f.write("x")
theta0 = np.array([0.3, -0.7, 1.1])
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""


def parts(window, key):
    panel = window.open_panel(key)
    page = panel.inputs.probe_page if key == "explorer" else panel.probe_page
    return panel, panel.model, page


def warmed_spare(seconds: float = 120.0):
    """While the dialog is open: the spare once its head start is over (or it failed)."""
    process = SPARE.process
    assert process is not None, "opening the picker started no spare"
    ends = time.monotonic() + seconds
    while SPARE._thread.is_alive():
        assert time.monotonic() < ends, "the spare's head start did not finish"
        time.sleep(0.05)
    return process


def picker(monkeypatch, page, while_open):
    """Click Open…: the dialog 'stays open' while ``while_open()`` runs, then answers its
    return value (a path, or '' for Cancel)."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (while_open(), ""))
    page.choose_button.click()


def loaded(qtbot, model, path, timeout=120_000):
    qtbot.waitUntil(
        lambda: getattr(model.probe.model, "path", None) == str(path) and not model.probe.opening,
        timeout=timeout,
    )


@pytest.mark.parametrize("key", ["explorer", "netcheck"])
def test_a_pick_after_the_picker_opened_is_served_by_its_spare(qtbot, window, tmp_path,
                                                               monkeypatch, key):  # fmt: skip
    _panel, model, page = parts(window, key)
    path = tmp_path / "marked.py"
    path.write_text(MARKED)
    seen = {}

    def choosing():
        process = warmed_spare()
        seen["pid"] = process.process.pid
        assert process.alive
        assert not (tmp_path / "ran").exists()  # nothing of the person's ran before the pick
        return str(path)

    picker(monkeypatch, page, choosing)
    loaded(qtbot, model, path)
    assert model.probe.model.process.process.pid == seen["pid"]  # the spare's process
    assert (tmp_path / "ran").read_text() == "x"  # loaded once, after the pick
    assert SPARE.process is None  # taken: no spare waits now
    assert not page.error_title.text()


def test_a_cancelled_pickers_spare_ends_after_its_idle_time_and_at_quit(qtbot, window,
                                                                       monkeypatch):  # fmt: skip
    _panel, model, page = parts(window, "explorer")
    monkeypatch.setattr(SPARE, "idle", 0.5)
    picked = []
    picker(monkeypatch, page, lambda: picked.append(warmed_spare()) or "")  # Cancel
    process = picked[0]
    assert model.probe.model is None and not model.probe.opening
    qtbot.waitUntil(lambda: not process.alive, timeout=30_000)
    assert SPARE.process is None
    monkeypatch.setattr(SPARE, "idle", 600.0)
    picker(monkeypatch, page, lambda: picked.append(warmed_spare()) or "")
    again = picked[1]
    assert again is not process and again.alive
    model.probe._quitting()  # the application quits
    assert SPARE.process is None
    qtbot.waitUntil(lambda: not again.alive, timeout=10_000)


def test_a_spare_killed_from_outside_is_replaced_without_an_error(qtbot, window, tmp_path,
                                                                  monkeypatch):  # fmt: skip
    _panel, model, page = parts(window, "explorer")
    path = tmp_path / "marked.py"
    path.write_text(MARKED)
    picked = []
    picker(monkeypatch, page, lambda: picked.append(warmed_spare()) or "")  # Cancel
    killed = picked[0].process.pid
    os.kill(killed, signal.SIGKILL)
    picked[0].process.wait(timeout=10)

    def choosing():
        process = warmed_spare()
        picked.append(process)
        return str(path)

    picker(monkeypatch, page, choosing)  # the picker again: a new spare, then the pick
    loaded(qtbot, model, path)
    assert picked[1] is not picked[0]
    assert model.probe.model.process.process.pid == picked[1].process.pid != killed
    assert not page.error_title.text()
    os.kill(model.probe.model.process.process.pid, signal.SIGKILL)  # the taken one, killed
    picker(monkeypatch, page, lambda: str(path))  # a quick pick: loads without an error
    qtbot.waitUntil(lambda: not model.probe.opening and model.probe.model is not None,
                    timeout=120_000)  # fmt: skip
    assert not page.error_title.text()


def test_a_file_that_ran_twice_as_it_loaded_says_so_on_the_page(qtbot, window, tmp_path,
                                                                 monkeypatch):  # fmt: skip
    """review18p L1: a file that sets a variable torch reads, picked after the head start,
    runs in the spare and again in a fresh process: the page says so."""
    pytest.importorskip("torch")
    _panel, model, page = parts(window, "netcheck")
    path = tmp_path / "envmod.py"
    path.write_text('import os\nos.environ["OMP_NUM_THREADS"] = "3"\nimport torch\n' + MARKED)
    picker(monkeypatch, page, lambda: warmed_spare() and str(path))
    loaded(qtbot, model, path)
    assert (tmp_path / "ran").read_text() == "xx"
    assert "envmod.py ran twice as it loaded" in page.info_label.text(), page.info_label.text()
    assert "OMP_NUM_THREADS" in page.info_label.text()
    assert not page.error_title.text()
