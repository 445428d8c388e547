"""The network check's cost table says what entries that disagree add (review15w M2): a
probe's plan counts first looks; the line under the table gives each second look's cost and
the sum if every checked entry disagreed, and nothing in the panel is cut off."""

from __future__ import annotations

from fdgui.ui.main_window import MainWindow
from tests.ui.conftest import cut_off_texts

GOOD = """import numpy as np
theta0 = np.linspace(-1.0, 1.0, 40)
def grad(theta):
    return 2 * np.sin(theta) * np.cos(theta)
def loss(theta):
    return float(np.sum(np.sin(theta) ** 2))
"""


def test_the_plan_line_says_what_each_disagreeing_entry_adds(qtbot, tmp_path):
    path = tmp_path / "good.py"
    path.write_text(GOOD, encoding="utf-8")
    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    window.resize(860, 600)
    window.show()
    model = window.model("netcheck")
    panel = window.open_panel("netcheck")
    model.set_text("source", "probe")
    model.set_text("mode", "sample")
    assert model.open_probe(str(path))
    qtbot.waitUntil(lambda: not model.probe.opening and model.plan is not None, timeout=60_000)
    qtbot.wait(50)
    note = panel.plan_note.text()
    assert "disagrees" in note and "second look" in note, note
    plan = model.plan["sample"]
    assert f"{plan.recheck_evaluations:,}" in note and f"{plan.recheck_limit:,}" in note
    assert panel.plan_note.isVisible()
    panel.grab().save(str(tmp_path / "plan_note_860.png"))
    assert [t for t in cut_off_texts(window) if "disagree" in t] == []
    model.set_text("source", "network")  # the built-in network's exact engine: no line
    qtbot.waitUntil(lambda: model.plan is not None, timeout=60_000)
    assert panel.plan_note.text() == "" and not panel.plan_note.isVisible()
