"""Picking a probe file while another is in force (review9l HIGH-2, MED-2, MED-3, MED-4): a
pick replaces the probe in force at once, so a pick that fails leaves none (never the old
file's verdicts under the new file's name); the new probe is loaded once, never stopped by the
sweep it starts; the page's words say what is true after a failed or cancelled opening; and
a hung old probe never holds up the GUI thread while it is replaced."""

from __future__ import annotations

import os
import time

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.ui.test_reliability import LONGEST_GAP_MS, Heartbeat

OK = """
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1])
def loss(t):
    return float(np.sum(np.sin(t)) + 0.5 * np.sum(t ** 2))
def grad(t):
    return np.cos(t) + t
"""
NO_LOSS = "import numpy as np\ntheta0 = np.array([1.0, 2.0])\n"
SYNTAX = "import numpy as np\ntheta0 = np.zeros(2)\ndef loss(t:\n    return 1\n"
SLOW_IMPORT = "import time\nimport numpy as np\ntime.sleep(30)\ntheta0 = np.zeros(2)\n"
# unseeded, slow, counting its loads (a file beside it gets one character per load)
COUNTED = """
import os, time
import numpy as np
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), {count!r}), "a") as f:
    f.write("x")
theta0 = np.random.default_rng().normal(size=8)
def loss(t):
    time.sleep({sleep})
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""
# COUNTED's slow loss, slow only while a file "slow" lies beside it
SLOWED = """
import os, time
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, {count!r}), "a") as f:
    f.write("x")
theta0 = np.random.default_rng().normal(size=8)
def loss(t):
    if os.path.exists(os.path.join(HERE, "slow")):
        time.sleep({sleep})
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""
HANG = """
import os
import numpy as np
FLAG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hang")
theta0 = np.linspace(-1, 1, 12)
def loss(t):
    while os.path.exists(FLAG):
        pass
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""
THREAD = """
import threading, time
import numpy as np
def spin():
    while True:
        time.sleep(0.001)
threading.Thread(target=spin).start()  # not a daemon: it keeps a process alive past its input
theta0 = np.array([0.3, -0.7])
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return np.cos(t)
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def parts(window, key):
    panel = window.open_panel(key)
    page = panel.inputs.probe_page if key == "explorer" else panel.probe_page
    return panel, panel.model, page


def choose(monkeypatch, page, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    page.choose_button.click()


def loaded(qtbot, model, path, timeout=60_000):
    qtbot.waitUntil(
        lambda: getattr(model.probe.model, "path", None) == str(path) and not model.probe.opening,
        timeout=timeout,
    )


def refused(model, key):
    """The panel's refusal to run or sweep, in words (None: it would run)."""
    if key == "netcheck":
        model._revalidate()
        return None if model.settings is not None else model.errors().get("probe")
    model.sweep()
    return model.errors().get("probe")


def overloaded() -> bool:
    return os.getloadavg()[0] > 1.5 * (os.cpu_count() or 1)


@pytest.mark.parametrize("key", ["explorer", "netcheck"])
def test_a_pick_that_fails_leaves_no_probe_in_force(qtbot, window, tmp_path, monkeypatch, key):
    _panel, model, page = parts(window, key)
    good = write(tmp_path, "good.py", OK)
    choose(monkeypatch, page, good)
    loaded(qtbot, model, good)
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=60_000)
    old = model.probe.model
    bad = write(tmp_path, "noloss.py", NO_LOSS)
    choose(monkeypatch, page, bad)
    qtbot.waitUntil(lambda: not model.probe.opening, timeout=60_000)
    assert model.probe.model is None  # the old file is not judged under the new name
    qtbot.waitUntil(lambda: not old.process.alive, timeout=10_000)
    assert "choose a probe file" in (refused(model, key) or "")
    assert "noloss.py" in page.path_label.text() and "did not load" in page.path_label.text()
    assert "Starting" not in page.path_label.text()
    assert "no loss function" in page.error_title.text()
    if key == "explorer":  # the old file's sweep stays, marked as not of the file in force
        assert model.stale_reason()


@pytest.mark.parametrize("key", ["explorer", "netcheck"])
def test_cancel_while_opening_says_the_file_must_be_chosen_again(qtbot, window, tmp_path,
                                                                 monkeypatch, key):  # fmt: skip
    panel, model, page = parts(window, key)
    if key == "netcheck":
        model.set_text("source", "probe")
    else:
        model.set_source("probe")
    slow = write(tmp_path, "slow_import.py", SLOW_IMPORT)
    choose(monkeypatch, page, slow)
    qtbot.waitUntil(lambda: model.probe.opening, timeout=5_000)
    qtbot.wait(500)
    if key == "explorer":
        model.cancel_pressed()
    else:
        panel.cancel_button.click()
    qtbot.waitUntil(lambda: not model.probe.opening, timeout=10_000)
    title = page.error_title.text()
    assert "choose the file again" in title, title
    assert "next run starts" not in title
    assert "Starting" not in page.path_label.text()
    assert "slow_import.py" in page.path_label.text()
    assert "choose a probe file" in (refused(model, key) or "")


@pytest.mark.parametrize("key", ["explorer", "netcheck"])
def test_a_failed_opening_leaves_no_starting_label(qtbot, window, tmp_path, monkeypatch, key):
    _panel, model, page = parts(window, key)
    broken = write(tmp_path, "syntax.py", SYNTAX)
    choose(monkeypatch, page, broken)
    qtbot.waitUntil(lambda: not model.probe.opening and bool(page.error_title.text()),
                    timeout=60_000)  # fmt: skip
    assert "SyntaxError" in page.error_title.text()
    assert "Starting" not in page.path_label.text()
    assert "did not load" in page.path_label.text()


def test_a_pick_while_the_explorer_sweeps_loads_the_new_file_once(qtbot, window, tmp_path,
                                                                  monkeypatch):  # fmt: skip
    _panel, model, page = parts(window, "explorer")
    first = write(tmp_path, "a.py", COUNTED.format(count="a.count", sleep=0.05))
    second = write(tmp_path, "b.py", COUNTED.format(count="b.count", sleep=0.0))
    notes: list[str] = []
    model.probeNote.connect(notes.append)
    model.statusMessage.connect(notes.append)
    choose(monkeypatch, page, first)
    loaded(qtbot, model, first)
    qtbot.waitUntil(model.is_busy, timeout=10_000)  # sweeping a.py (50 ms a loss)
    choose(monkeypatch, page, second)
    loaded(qtbot, model, second)
    qtbot.waitUntil(lambda: not model.is_busy() and model.result() is not None
                    and "b.py" in model.result().label, timeout=120_000)  # fmt: skip
    assert (tmp_path / "b.count").read_text() == "x"  # loaded once, never stopped and reloaded
    assert not [n for n in notes if "different θ0" in n], notes
    assert model.probe.model.process.alive


def test_a_first_pick_in_a_new_explorer_loads_once(qtbot, window, tmp_path, monkeypatch):
    _panel, model, page = parts(window, "explorer")  # its expression sweep may still run
    path = write(tmp_path, "c.py", COUNTED.format(count="c.count", sleep=0.0))
    choose(monkeypatch, page, path)
    loaded(qtbot, model, path)
    qtbot.waitUntil(lambda: not model.is_busy() and model.result() is not None
                    and "c.py" in model.result().label, timeout=120_000)  # fmt: skip
    assert (tmp_path / "c.count").read_text() == "x"


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
@pytest.mark.parametrize("key", ["explorer", "netcheck"])
@pytest.mark.parametrize("old", ["hang", "thread"])
def test_replacing_a_hung_or_lingering_probe_never_holds_the_gui_thread(
    qtbot, window, tmp_path, monkeypatch, key, old
):
    panel, model, page = parts(window, key)
    folder = tmp_path / "old"
    folder.mkdir()
    first = write(folder, "old.py", HANG if old == "hang" else THREAD)
    choose(monkeypatch, page, first)
    loaded(qtbot, model, first)
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=60_000)
    process = model.probe.model.process
    if old == "hang":
        (folder / "hang").write_text("1")
        if key == "netcheck":
            panel.run_button.click()
        else:
            model.set_text("probe_index", "3")
            model.sweep()
        qtbot.waitUntil(model.is_busy, timeout=10_000)
        qtbot.wait(1_000)  # inside the loop now
    good = write(tmp_path, "good.py", OK)
    started = time.perf_counter()
    with Heartbeat() as heartbeat:
        choose(monkeypatch, page, good)
        loaded(qtbot, model, good)
        qtbot.waitUntil(lambda: not model.is_busy(), timeout=60_000)
    qtbot.waitUntil(lambda: not process.alive, timeout=5_000)  # the old one ended
    assert time.perf_counter() - started < 30
    assert "Stopped" not in page.error_title.text()  # the old run's stop is not the new file's
    assert not page.error_title.text(), page.error_title.text()
    gap_ms = heartbeat.longest * 1000
    print(f"\n{key}/{old}: longest gap {gap_ms:.0f} ms")
    # a wait of the GUI thread's own making (it was 2 s) shows on any machine; the 100 ms
    # bound only where the scheduler's own gaps are smaller than that
    assert gap_ms <= (1_500 if overloaded() else LONGEST_GAP_MS), heartbeat.report()


def test_a_probe_shared_with_the_explorer_stays_its_own_when_the_check_picks_another(
    qtbot, window, tmp_path, monkeypatch
):
    _check_panel, check, check_page = parts(window, "netcheck")
    _panel, explorer, _page = parts(window, "explorer")
    (tmp_path / "slow").write_text("")
    slow = write(tmp_path, "shared.py", SLOWED.format(count="s.count", sleep=0.02))
    choose(monkeypatch, check_page, slow)
    loaded(qtbot, check, slow)
    shared = check.probe.model
    explorer.sweep_probe_entry(shared, "theta", 2)
    qtbot.waitUntil(explorer.is_busy, timeout=10_000)
    stops: list[str] = []
    explorer.probeFailed.connect(lambda message, _details: stops.append(message))
    other = write(tmp_path, "other.py", OK)
    choose(monkeypatch, check_page, other)
    loaded(qtbot, check, other)
    assert explorer.is_busy()  # the sweep ran on while the check picked the other file
    (tmp_path / "slow").unlink()  # the rest of the sweep at full speed
    qtbot.waitUntil(lambda: not explorer.is_busy(), timeout=120_000)
    assert explorer.probe.model is shared and shared.process.alive  # not closed under it
    assert explorer.result() is not None and "shared.py" in explorer.result().label
    assert not [m for m in stops if m], stops  # its sweep was never stopped
    assert (tmp_path / "s.count").read_text() == "x"


def test_an_index_outside_the_probes_tensor_is_said_beside_its_field(qtbot, window, tmp_path,
                                                                     monkeypatch):  # fmt: skip
    """review9l LOW 10: the error was raised on the built-in network's Index (hidden)."""
    _panel, model, page = parts(window, "explorer")
    good = write(tmp_path, "good.py", OK)
    choose(monkeypatch, page, good)
    loaded(qtbot, model, good)
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=60_000)
    model.set_text("probe_index", "7")
    model.sweep()
    assert "outside 0…2" in model.errors().get("probe_index", ""), model.errors()
