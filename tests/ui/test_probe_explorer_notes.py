"""The explorer's probe notes are seen (review9j HIGH-6): after a reload (the file, or a
module it imports, changed on disk) the note stays on the probe page beside what the file
holds, and the window's status bar says it."""

from __future__ import annotations

import textwrap
import time

from PySide6.QtWidgets import QFileDialog

GOOD = """
import numpy as np
from helper import scale
theta0 = np.linspace(-1, 1, 12)
names = [("W", (2, 4)), ("b", (4,))]
def loss(t):
    return float(scale * np.sum(np.sin(t) * t))
def grad(t):
    return scale * (np.sin(t) + t * np.cos(t))
"""


def test_a_reload_note_stays_on_the_page_and_reaches_the_status_bar(qtbot, window, tmp_path,
                                                                    monkeypatch):  # fmt: skip
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent(GOOD))
    helper = tmp_path / "helper.py"
    helper.write_text("scale = 1.0\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    explorer = window.open_panel("explorer")
    model = explorer.model
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.probe.model is not None and model.source() == "probe"
                    and model.result() is not None and not model.is_busy()
                    and model.objective().model is model.probe.model, timeout=30_000)  # fmt: skip
    page = explorer.inputs.probe_page
    seen = []
    window.statusBar().messageChanged.connect(seen.append)
    for changed, name in ((path, "mine.py"), (helper, "helper.py")):
        time.sleep(0.05)
        text = changed.read_text()
        changed.write_text(text + "\n# edited\n")
        model.set_text("probe_index", "1, 1" if name == "mine.py" else "0, 2")
        model.sweep()
        qtbot.waitUntil(lambda: not model.is_busy(), timeout=30_000)
        qtbot.wait(50)
        info = page.info_label.text()
        assert f"{name}" in info and "changed on disk and was reloaded" in info, info
        assert "12 parameters" in info  # what the file holds, beside the note
        assert any(name in m and "reloaded" in m for m in seen), seen
