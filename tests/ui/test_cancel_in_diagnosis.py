"""Cancel stops a sweep also while its diagnosis runs (suite16 MEDIUM: the diagnosis of a
200,000-row measured sweep is one call that never yields, so Cancel detached the job but it
ran on, 82 s loaded, and every job after it waited for the pool)."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt

from fdgui.core.sweep import diagnosis as diagnosis_module
from fdgui.ui import worker
from tests.ui.test_explorer_import_worker import _settle, _table

ROWS = 2_000
#: how long the stretched diagnosis would run if nothing stopped it
LONG_S = 30.0


def test_cancel_stops_a_sweep_inside_its_diagnosis(window, qtbot, tmp_path, monkeypatch):
    explorer = window.model("explorer")
    window.open_panel("explorer")
    panel = window.panel("explorer")
    _settle(explorer, qtbot)
    assert panel.import_table_file(_table(tmp_path / "rows.tsv", ROWS))
    _settle(explorer, qtbot)
    assert explorer.result() is not None
    real = diagnosis_module.diagnose
    entered = threading.Event()

    def long_diagnosis(result):
        """The real diagnosis after pure-Python work as long as a very long table's (a
        200,000-row table's took 10-80 s): no yield, no Cancel looked at."""
        entered.set()
        end = time.monotonic() + LONG_S
        while time.monotonic() < end:
            sum(range(1000))
        return real(result)

    monkeypatch.setattr(diagnosis_module, "diagnose", long_diagnosis)
    explorer.sweep()
    qtbot.waitUntil(entered.is_set, timeout=60_000)
    qtbot.wait(100)
    assert worker._live_jobs and explorer.is_busy()
    pressed = time.monotonic()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not worker._live_jobs, timeout=int(2 * LONG_S * 1000))
    stopped_s = time.monotonic() - pressed
    assert not explorer.is_busy()
    assert explorer.result() is not None  # the last finished sweep stays
    assert stopped_s < 2.0, f"the sweep ran on {stopped_s:.1f} s after Cancel"
    image = tmp_path / "cancelled.png"
    assert window.grab().save(str(image))
