"""What a person types while a probe file opens is kept (review9j MED-5): an index typed
during the opening that fits the loaded tensors is the entry swept, not reset to 0; one
that does not fit falls back to 0."""

from __future__ import annotations

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLineEdit

SLOW = """
import time
import numpy as np
time.sleep(2)
theta0 = np.linspace(-1, 1, 12)
names = [("W", (3, 4))]
def loss(t):
    return float(np.sum(np.sin(t) * t))
def grad(t):
    return np.sin(t) + t * np.cos(t)
"""


def test_an_index_typed_while_the_file_opens_is_swept(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "slow.py"
    path.write_text(SLOW)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    explorer = window.open_panel("explorer")
    model = explorer.model
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.probe.opening, timeout=5_000)
    index = explorer.findChild(QLineEdit, "probeIndexEdit")
    index.setFocus()
    index.selectAll()
    QTest.keyClicks(index, "2, 3")
    assert model.text("probe_index") == "2, 3"
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy()
                    and not model.probe.opening, timeout=30_000)  # fmt: skip
    assert model.text("probe_index") == "2, 3" and index.text() == "2, 3"
    assert "W[2, 3]" in model.objective().label
