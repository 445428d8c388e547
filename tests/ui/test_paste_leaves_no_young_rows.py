"""A long pasted table lives as long as the window: once it is in the history, its rows are
out of the cycle collector's sight, so no later collection pass (on the GUI thread, where the
collector runs: fdgui.ui.gc_guard) walks 100,000 rows again. Before: a full pass during the
next sweep held the window ~100 ms (suite16's paste-then-sweep stall)."""

from __future__ import annotations

import gc

from fdgui.ui import worker
from tests.ui.test_reliability import _rows

ROWS = 20_000


def _tracked() -> int:
    return sum(len(gc.get_objects(generation)) for generation in range(3))


def test_pasted_rows_leave_nothing_for_the_collector_to_walk(window, qtbot):
    window.open_panel("calculator")
    qtbot.waitUntil(lambda: not worker._live_jobs, timeout=120_000)
    qtbot.wait(300)
    before = _tracked()
    model = window.model("calculator")
    with qtbot.waitSignal(model.tableRead, timeout=120_000) as read:
        window.panel("calculator").paste_table(_rows(ROWS))
    assert read.args[0] == ROWS
    qtbot.waitUntil(lambda: not worker._live_jobs, timeout=120_000)
    qtbot.wait(300)
    assert len(model.history) >= ROWS
    grown = _tracked() - before
    # the rows stay (the history and the paste's undo hold them), but the collector does not
    # see them: what is left for it is the window's own churn, not an object per row
    assert grown < ROWS // 10, f"{grown:,} more objects for the collector after {ROWS:,} rows"
