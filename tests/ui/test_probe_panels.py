"""A probe file in the window: chosen in the explorer or the network check, swept and checked
off the GUI thread; its failures shown as the user's traceback while the window keeps
working; Cancel stops its process; nothing runs a probe without the person's pick."""

from __future__ import annotations

import textwrap
import time

import pytest
from PySide6.QtWidgets import QFileDialog

GOOD = """
import os
import numpy as np
theta0 = np.linspace(-1, 1, 12)
names = [("W", (2, 4)), ("b", (4,))]
FLAG = os.path.join(os.path.dirname(__file__), "flag")
def loss(t):
    if os.path.exists(FLAG):
        mode = open(FLAG).read()
        if mode == "raise":
            raise RuntimeError("bad batch")
        if mode == "sleep":
            import time
            time.sleep(60)
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return (np.sin(t) + t * np.cos(t)) * FACTOR
FACTOR = 1.0
"""


@pytest.fixture
def probe_file(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent(GOOD))
    return path


def flag(path, mode):
    (path.parent / "flag").write_text(mode)


def unflag(path):
    (path.parent / "flag").unlink()


def pick(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def test_explorer_sweeps_a_probe_entry_and_shows_its_traceback(qtbot, window, probe_file,
                                                               monkeypatch):  # fmt: skip
    explorer = window.open_panel("explorer")
    model = explorer.model
    pick(monkeypatch, probe_file)
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(
        lambda: model.source() == "probe" and model.result() is not None
        and model.objective().model.kind == "probe" and not model.is_busy(),
        timeout=20_000,
    )  # fmt: skip
    page = explorer.inputs.probe_page
    assert page.path_label.text() == str(probe_file)
    assert "2 tensors, 12 parameters (W 2×4, b 4)" in page.info_label.text()
    tensors = explorer.inputs.fields.combos["probe_tensor"]
    assert [tensors.itemData(i) for i in range(tensors.count())] == ["W", "b"]
    assert tensors.itemText(0) == "W  (2×4)"
    assert model.diagnosis().kind == "correct"
    # a multi-index
    model.set_text("probe_index", "1, 2")
    model.sweep()
    qtbot.waitUntil(lambda: not model.is_busy() and "W[1, 2]" in model.objective().label,
                    timeout=20_000)  # fmt: skip
    model.set_text("probe_index", "b[3]")  # another tensor, named in the index
    model.sweep()
    qtbot.waitUntil(lambda: not model.is_busy() and "b[3]" in model.objective().label,
                    timeout=20_000)  # fmt: skip
    assert model.text("probe_tensor") == "b" and tensors.currentData() == "b"
    model.set_text("probe_tensor", "W")
    # the probe raises: the traceback of the user's file, the last sweep stays on screen
    shown = model.result()
    flag(probe_file, "raise")
    model.set_text("probe_index", "5")
    model.sweep()
    qtbot.waitUntil(lambda: not page.error_view.isHidden(), timeout=20_000)
    assert "RuntimeError: bad batch" in page.error_title.text()
    assert f'File "{probe_file}", line' in page.error_view.toPlainText()
    assert model.result() is shown and model.is_stale()
    # fixed: the next sweep works and the panel clears
    unflag(probe_file)
    model.sweep()
    qtbot.waitUntil(lambda: not model.is_busy() and model.result() is not shown,
                    timeout=20_000)  # fmt: skip
    assert page.error_view.isHidden() and not model.is_stale()
    # the calculator receives the cursor's numbers as from any sweep (once measured in the
    # worker: a probe is never called on the GUI thread, review15w C1)
    qtbot.waitUntil(lambda: model.readout() is not None, timeout=20_000)
    assert model.send_to_calculator(window)
    assert float(window.model("calculator").texts()["backprop"]) == pytest.approx(
        model.result().reference.value
    )


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_cancel_stops_a_hanging_probe_at_once(qtbot, window, probe_file, monkeypatch):
    explorer = window.open_panel("explorer")
    model = explorer.model
    pick(monkeypatch, probe_file)
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy()
                    and model.source() == "probe", timeout=20_000)  # fmt: skip
    flag(probe_file, "sleep")
    model.set_text("probe_index", "3")
    model.sweep()
    qtbot.waitUntil(model.is_busy, timeout=5000)
    qtbot.wait(300)
    started = time.perf_counter()
    explorer.cancel_button.click()
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=5000)
    assert time.perf_counter() - started < 3
    assert not model.probe.model.process.alive
    unflag(probe_file)
    model.sweep()  # a new process starts and loads the file again
    qtbot.waitUntil(lambda: not model.is_busy() and "W[0, 3]" in model.objective().label,
                    timeout=20_000)  # fmt: skip


def test_netcheck_checks_a_probe_locates_a_wrong_gradient_and_reloads_a_changed_file(
    qtbot, window, probe_file, monkeypatch
):
    panel = window.open_panel("netcheck")
    model = panel.model
    probe_file.write_text(textwrap.dedent(GOOD).replace("FACTOR = 1.0", "FACTOR = 1.5"))
    pick(monkeypatch, probe_file)
    panel.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.settings is not None and model.settings.spec is None,
                    timeout=20_000)  # fmt: skip
    assert panel.network_group.isHidden() and not panel.probe_page.isHidden()
    assert panel.parameter_count.text() == "12"
    with qtbot.waitSignal(model.resultChanged, timeout=30_000) as blocker:
        panel.run_button.click()
    report = blocker.args[0]
    assert report.verdict == "fail" and report.worst_tensor == "W"
    assert "every ε" in panel.worst_table.item(0, 4).text()
    from fdgui.core.report.netcheck import WORST_HEADERS

    column = WORST_HEADERS.index("backprop")  # a probe's own gradient is not "backprop"
    assert panel.worst_table.horizontalHeaderItem(column).text() == "gradient"
    # a worst entry goes to the explorer, on the same probe
    assert model.explore_worst_entry(0)
    explorer = window.model("explorer")
    qtbot.waitUntil(lambda: explorer.result() is not None and not explorer.is_busy()
                    and explorer.source() == "probe", timeout=20_000)  # fmt: skip
    assert explorer.probe.model is model.probe.model
    assert explorer.diagnosis().kind == "wrong"
    # fixed on disk: the next run reloads it and says so
    time.sleep(0.05)
    probe_file.write_text(textwrap.dedent(GOOD))
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=10_000)
    messages = []
    model.statusMessage.connect(messages.append)
    with qtbot.waitSignal(model.resultChanged, timeout=30_000) as blocker:
        panel.run_button.click()
    assert blocker.args[0].passed
    assert any("mine.py changed on disk and was reloaded" in m for m in messages)


def test_a_restored_probe_source_runs_nothing_until_a_file_is_picked(qtbot, window):
    explorer = window.model("explorer")
    assert explorer.restore({"source": "probe", "texts": {"probe_index": "3"}}) == []
    explorer.sweep()
    assert explorer.probe.model is None and "probe" in explorer.errors()
    netcheck = window.model("netcheck")
    assert netcheck.restore({"texts": {"source": "probe"}}) == []
    assert netcheck.settings is None and netcheck.probe.model is None
    assert not netcheck.run()


def test_the_probe_pages_mnemonics_clash_with_nothing(qtbot, window):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    reserved = set("FCVH") | set("LPMEB")  # menus, then the calculator's fields
    explorer = window.open_panel("explorer")
    explorer.model.set_source("probe")
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("source", "probe")
    for panel, avoid in ((explorer, reserved), (netcheck, set("FCVH"))):
        window.tabs.setCurrentWidget(panel)
        qtbot.wait(20)
        letters, ours = [], []
        for widget in [*panel.findChildren(QLabel), *panel.findChildren(QAbstractButton)]:
            text = widget.text()
            if widget.isVisibleTo(panel) and "&" in text and "<" not in text:
                letters.append(text[text.index("&") + 1].upper())
                if text in ("Open &a probe file…", "Time&out (s):", "P&ython:", "&Source:"):
                    ours.append(letters[-1])
        assert len(ours) >= 3 and all(letters.count(letter) == 1 for letter in ours), letters
        assert not avoid & set(ours), ours


RESHAPED = """
import numpy as np
theta0 = np.linspace(-1, 1, 12)
names = [("A", (12,))]
def loss(t):
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return np.sin(t) + t * np.cos(t)
"""


def test_a_reload_that_changes_the_tensors_updates_both_panels(qtbot, window, probe_file,
                                                               monkeypatch):  # fmt: skip
    explorer = window.open_panel("explorer")
    model = explorer.model
    pick(monkeypatch, probe_file)
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=20_000)
    time.sleep(0.02)
    probe_file.write_text(textwrap.dedent(RESHAPED))  # W, b → A (as many entries)
    model.sweep()
    tensors = explorer.inputs.fields.combos["probe_tensor"]
    qtbot.waitUntil(lambda: not model.is_busy() and "A[" in model.objective().label, timeout=20_000)
    assert [tensors.itemData(i) for i in range(tensors.count())] == ["A"]
    assert "12 parameters (A 12)" in explorer.inputs.probe_page.info_label.text()

    check = window.open_panel("netcheck")
    pick(monkeypatch, probe_file)
    check.probe_page.choose_button.click()
    qtbot.waitUntil(
        lambda: "12 parameters" in check.probe_page.info_label.text()
        and check.model.settings is not None and check.model.settings.spec is None,
        timeout=20_000,
    )  # fmt: skip
    results = []
    check.model.resultChanged.connect(results.append)
    messages = []
    check.model.statusMessage.connect(messages.append)
    check.run_button.click()
    qtbot.waitUntil(lambda: bool(results) and not check.model.is_busy(), timeout=20_000)
    time.sleep(0.02)
    probe_file.write_text(textwrap.dedent(GOOD).replace("linspace(-1, 1, 12)", "ones(7)")
                          .replace('[("W", (2, 4)), ("b", (4,))]', '[("v", (7,))]'))  # fmt: skip
    check.run_button.click()
    qtbot.waitUntil(lambda: len(results) > 1 and not check.model.is_busy(), timeout=20_000)
    assert "v 7" in check.probe_page.info_label.text(), (messages, results[-1].verdict)
    assert "7" in check.parameter_count.text() and "12" not in check.parameter_count.text()


def test_a_row_index_in_the_window_is_refused_beside_the_index_field(qtbot, window, probe_file,
                                                                     monkeypatch):  # fmt: skip
    """review17p M2: "W[1]" on the 2×4 W is numpy's row 1; it was swept as W[0, 1]."""
    explorer = window.open_panel("explorer")
    model = explorer.model
    pick(monkeypatch, probe_file)
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(
        lambda: model.source() == "probe" and model.result() is not None and not model.is_busy(),
        timeout=20_000,
    )
    shown = model.result()
    model.set_text("probe_index", "W[1]")
    model.sweep()
    error = model.errors().get("probe_index", "")
    assert "(2, 4)" in error and "2 axes" in error, model.errors()
    assert model.result() is shown
