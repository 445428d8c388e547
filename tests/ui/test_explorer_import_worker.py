"""Import table… reads a long table off the GUI thread (review11t HIGH H3: 200,000 short rows
froze the window 21 s, a file near the 32 MB cap for minutes): the window keeps answering,
the status line shows progress, Cancel stops it, a second import replaces the first, a bad
file is refused in words and nothing already there is lost."""

from __future__ import annotations

import os

import pytest

from fdgui.ui import worker
from tests.ui.test_reliability import Heartbeat, app_heap  # noqa: F401 - fixture

#: the longest the window may wait during a 200,000-row import: 21 s before (the parse on
#: the GUI thread, review11t H3); the measured rows' sweep that follows keeps to 100 ms
#: (test_measured_sweep_worker); here with room for a loaded 2-core CI
LONGEST_GAP_MS = 250
ROWS = 200_000
#: the rows of a table that lands after an import the test does something during (Undo, a
#: second import, a session): two of the reader's 5,000-line pieces, far past INLINE_BYTES
#: (so read in the worker). The sweep of the rows that follows is not what those tests check
#: (test_a_long_import_reads_as_the_cli is): with 20,000 rows it took 10-13 CPU-s per test.
LANDING = 6_000


def _table(path, count: int, header: str = "eps\tL+\tL-\tL") -> str:
    lines = [header]
    for number in range(count):
        eps = 10.0 ** (-1 - 7 * number / count)
        lines.append(f"{eps!r}\t{(1 + eps) ** 3!r}\t{(1 - eps) ** 3!r}\t1")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _idle(explorer) -> bool:
    importing = getattr(explorer, "table_import", None)
    return (
        not worker._live_jobs
        and not explorer._debounce.isActive()
        and not explorer._history_debounce.isActive()
        and not (importing is not None and importing.running())
    )


def _settle(explorer, qtbot, timeout_s: float = 300) -> None:
    qtbot.waitUntil(lambda: _idle(explorer), timeout=int(timeout_s * 1000))
    qtbot.wait(200)  # the result is drawn after the job ends: that counts too


def _no_sweep_after_an_import(explorer) -> None:
    """An import starts a sweep of its rows 200 ms after (``_debounce``); stop that timer on
    the next turn of the event loop, before it fires. (Once started, the sweep of 200,000
    rows cannot be stopped: its diagnosis does not look at Cancel.)"""
    from PySide6.QtCore import QTimer

    explorer.rowsChanged.connect(lambda _count: QTimer.singleShot(0, explorer._debounce.stop))


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
@pytest.mark.slow
def test_a_200000_row_import_leaves_the_window_answering(
    window,
    qtbot,
    tmp_path,
    app_heap,  # noqa: F811
):
    """The clock of the import only: what the window then sweeps and says, against the CLI, is
    test_a_long_import_reads_as_the_cli (on the workers; the measured sweep of 100,000 rows
    has its own clock test in test_measured_sweep_worker)."""
    if os.getloadavg()[0] > 1.5 * (os.cpu_count() or 1) and not os.environ.get("FDGUI_TIME_ANYWAY"):
        pytest.skip(f"machine overloaded (load average {os.getloadavg()[0]:.1f})")
    path = _table(tmp_path / "long.tsv", ROWS)
    explorer = window.model("explorer")
    window.open_panel("explorer")
    panel = window.panel("explorer")
    _settle(explorer, qtbot)
    # a short import in the worker first: it pays the worker's first imports (in a fresh
    # clone, compiling them), which hold the interpreter (449 ms, then 73 ms, 2026-11-27,
    # idle) and made the timed import run twice
    assert panel.import_table_file(_table(tmp_path / "first.tsv", 2_000))
    assert explorer.table_import.running()  # the worker's path, as the long one
    qtbot.waitUntil(lambda: not explorer.table_import.running(), timeout=60_000)
    assert explorer.imported_table() == (2_000, [], "first.tsv")
    _settle(explorer, qtbot)  # and its sweep
    _no_sweep_after_an_import(explorer)  # the 200,000 rows' sweep is not timed here
    gaps = []
    for _attempt in range(2):  # a second import only when the first read over the bound:
        # a stall of the code's making shows in both
        with Heartbeat() as heartbeat:  # the import: read, parsed, rows made, applied
            assert panel.import_table_file(path)
            qtbot.waitUntil(lambda: not explorer.table_import.running(), timeout=300_000)
            qtbot.wait(200)
        gaps.append(heartbeat.longest * 1000)
        print(f"\n{ROWS:,} rows imported: {heartbeat.report()}")
        _settle(explorer, qtbot)
        if gaps[-1] <= LONGEST_GAP_MS:
            break
    gap_ms = min(gaps)
    assert explorer.imported_table() == (ROWS, [], "long.tsv")
    assert gap_ms <= LONGEST_GAP_MS, gaps
    # the same rows as `fdgui-cli sweep --table` reads
    from fdgui.core.requests import table_request_read
    from fdgui.core.table_file import read_table_text

    objective, problems, source, _reading = table_request_read(read_table_text(path))
    assert explorer._imported[0] == objective.model.rows  # what its sweep would sweep
    assert explorer.imported_table()[1] == problems
    assert explorer.text("table_dtype") == source
    assert f"{ROWS:,} rows" in panel.rows_label.text() or f"{ROWS} rows" in panel.rows_label.text()


def test_a_long_import_reads_as_the_cli(window, qtbot, tmp_path):
    """A table read in the worker (20,000 rows: four of its 5,000-line pieces) is swept
    whole, with the rows, bad rows, format and diagnosis of `fdgui-cli sweep --table`.
    (Until 2026-11-28 this was checked on the 200,000 rows of the clock test above, in the
    serial phase: the window's sweep and the CLI's of 200,000 rows took ~30 of its 64 s.)"""
    from fdgui.core.table_job import CHUNK

    rows = 4 * CHUNK
    path = _table(tmp_path / "long.tsv", rows)
    explorer = window.model("explorer")
    window.open_panel("explorer")
    panel = window.panel("explorer")
    _settle(explorer, qtbot)
    assert panel.import_table_file(path)
    assert explorer.table_import.running()  # in the worker
    _settle(explorer, qtbot)
    assert explorer.imported_table() == (rows, [], "long.tsv")
    result = explorer.result()
    assert result is not None and len(result.epsilons) == rows
    from fdgui.core.requests import table_request_read
    from fdgui.core.table_file import read_table_text

    objective, problems, source, _reading = table_request_read(read_table_text(path))
    assert explorer.objective().model.rows == objective.model.rows
    assert explorer.imported_table()[1] == problems
    assert explorer.text("table_dtype") == source
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep

    cli = diagnose(run_sweep(objective, SweepSettings(dtype=source)))
    assert (explorer.diagnosis().kind, explorer.diagnosis().case) == (cli.kind, cli.case)
    assert f"{rows:,} rows" in panel.rows_label.text() or f"{rows} rows" in panel.rows_label.text()
    image = tmp_path / "explorer.png"
    panel.grab().save(str(image))
    if os.environ.get("FDGUI_KEEP_PNG"):
        panel.grab().save(os.environ["FDGUI_KEEP_PNG"])


def _small(path) -> str:
    path.write_text(
        "eps,L+,L-\n0.01,0.8510008333,0.8490008333\n0.001,0.8501000008,0.8499000008\n"
        "0.0001,0.85001,0.84999\n",
        encoding="utf-8",
    )
    return str(path)


def _explorer(window):
    window.open_panel("explorer")
    return window.model("explorer"), window.panel("explorer")


def test_a_long_import_runs_in_the_worker_with_progress_and_cancel(window, qtbot, tmp_path):
    explorer, panel = _explorer(window)
    assert panel.import_table_file(_small(tmp_path / "small.csv"))  # small: read at once
    assert explorer.imported_table() == (3, [], "small.csv")
    explorer.set_text("measured_backprop", "0.1")
    _settle(explorer, qtbot)
    texts = explorer.texts()
    messages = []
    explorer.table_import.progressed.connect(lambda _f, message: messages.append(message))
    assert panel.import_table_file(_table(tmp_path / "long.tsv", 60_000))
    assert explorer.table_import.running() and panel.progress_row.isVisibleTo(panel)
    assert explorer.imported_table()[2] == "small.csv"  # nothing replaced yet
    qtbot.waitUntil(lambda: any("read " in message for message in messages), timeout=60_000)
    assert panel.status_label.text().startswith("Importing long.tsv: ")
    panel.cancel_button.click()
    assert not explorer.table_import.running() and not panel.progress_row.isVisibleTo(panel)
    assert "Stopped importing long.tsv" in panel.status_label.text()
    _settle(explorer, qtbot)
    assert explorer.imported_table() == (3, [], "small.csv")  # the rows before are kept
    assert explorer.texts() == texts


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def test_a_second_import_replaces_one_still_running(window, qtbot, tmp_path):
    explorer, panel = _explorer(window)
    applied = []
    explorer.rowsChanged.connect(
        lambda _count: applied.append(tuple(map(_hashable, explorer.imported_table())))
    )
    assert panel.import_table_file(_table(tmp_path / "first.tsv", 40_000))
    assert panel.import_table_file(_table(tmp_path / "second.tsv", LANDING))
    assert explorer.table_import.running()  # the second in the worker too
    _settle(explorer, qtbot)
    assert set(applied) == {(LANDING, (), "second.tsv")}  # the first never lands
    assert not panel.progress_row.isVisibleTo(panel)


def test_a_bad_long_file_is_refused_in_words_and_nothing_is_lost(window, qtbot, tmp_path):
    explorer, panel = _explorer(window)
    assert panel.import_table_file(_small(tmp_path / "small.csv"))
    explorer.set_text("measured_backprop", "0.1")
    _settle(explorer, qtbot)
    before = explorer.state()
    bad = tmp_path / "bad.csv"
    bad.write_text("eps,L+,L-\n" + "0.1,y,z\n" * 20_000, encoding="utf-8")
    assert panel.import_table_file(str(bad))  # long: read in the worker
    _settle(explorer, qtbot)
    said = panel.error_labels["rows"].text()
    assert "no row of ε, L+, L− could be read from bad.csv" in said and "line 2" in said
    assert explorer.imported_table() == (3, [], "small.csv")
    assert explorer.state() == before
    if hasattr(os, "mkfifo"):  # a pipe would keep the reader waiting forever
        fifo = tmp_path / "pipe.csv"
        os.mkfifo(fifo)
        assert not panel.import_table_file(str(fifo))
        assert "not a regular file" in panel.error_labels["rows"].text()
        assert not explorer.table_import.running()


def test_a_session_opened_during_an_import_wins_and_no_table_runs_a_probe(window, qtbot, tmp_path):
    from fdgui.core import session as files

    probe = tmp_path / "probe.py"
    probe.write_text("raise SystemExit('must not run')\n", encoding="utf-8")
    panels = {"explorer": {"source": "probe", "probe": str(probe)}}
    path = tmp_path / "p.fdgui.json"
    files.write_session(path, files.Session(panels=panels))
    explorer, panel = _explorer(window)
    assert panel.import_table_file(_table(tmp_path / "long.tsv", 40_000))
    assert window.session.open_file(path), window.session.last_message
    assert not explorer.table_import.running()
    _settle(explorer, qtbot)
    assert explorer.source() == "probe" and explorer.imported_table() is None
    assert explorer.probe.model is None and not explorer.probe.opening  # never run
    # an import afterwards reads the table; it never starts the probe the session named
    assert panel.import_table_file(_table(tmp_path / "later.tsv", LANDING))
    assert explorer.table_import.running()  # in the worker, as the first
    _settle(explorer, qtbot)
    assert explorer.source() == "measured" and explorer.imported_table()[0] == LANDING
    assert explorer.probe.model is None and not explorer.probe.opening
    saved = window.collect_states()["explorer"]
    assert saved["source"] == "measured" and saved.get("probe") == str(probe)
    assert window.session.open_file(path)
    _settle(explorer, qtbot)
    assert explorer.source() == "probe" and explorer.probe.model is None


def test_undo_during_an_import_leaves_it_running(window, qtbot, tmp_path):
    explorer, panel = _explorer(window)
    before = explorer.snapshot()
    assert panel.import_table_file(_table(tmp_path / "long.tsv", LANDING))
    explorer.apply_snapshot(before)  # what Undo and Redo do
    assert explorer.table_import.running()
    _settle(explorer, qtbot)
    assert explorer.imported_table()[:2] == (LANDING, [])
