"""Second review of sessions, autosave and undo: defects found by a second attack."""

import pytest

from fdgui.core.calculator.schemes import parse_inputs
from fdgui.ui.main_window import MainWindow


def _window(qtbot, remember=False):
    window = MainWindow(remember=remember)
    qtbot.addWidget(window)
    return window


def _rows(count):
    texts = (
        {"loss_plus": f"0.5{i}1", "loss_minus": "0.5", "epsilon": "1e-3"} for i in range(count)
    )
    return [parse_inputs(t)[0] for t in texts]


def test_undo_of_a_paste_survives_typing_in_another_field(qtbot):
    """Paste a table, type the backprop, Undo: the paste goes, the typed value stays."""
    window = _window(qtbot)
    calculator = window.model("calculator")
    calculator.undoable("Paste table", lambda: calculator.add_measurements(_rows(3)))
    calculator.set_text("backprop", "1.25")
    assert window.undo_stack.undo() == "Paste table", window.undo_stack.refused
    assert calculator.history_rows() == []
    assert calculator.text("backprop") == "1.25"
    assert window.undo_stack.redo() == "Paste table"
    assert len(calculator.history_rows()) == 3 and calculator.text("backprop") == "1.25"


def test_undo_of_clearing_pins_survives_another_explorer_edit(qtbot):
    window = _window(qtbot)
    explorer = window.model("explorer")
    explorer.sweep()
    qtbot.waitUntil(lambda: explorer.result() is not None, timeout=10000)
    explorer.pins.pin(explorer.result())
    pins = explorer.pins.state()
    explorer.undoable("Clear pinned sweeps", explorer.pins.clear)
    explorer.set_text("point", "0.77")
    assert window.undo_stack.undo() == "Clear pinned sweeps", window.undo_stack.refused
    assert explorer.pins.state() == pins
    assert explorer.text("point") == "0.77"


def test_undo_is_still_refused_when_the_steps_own_part_changed(qtbot):
    window = _window(qtbot)
    calculator = window.model("calculator")
    calculator.set_text("loss_plus", "5.5")
    calculator.reset()
    calculator.set_text("loss_plus", "6.5")  # what Reset changed, changed again
    assert window.undo_stack.undo() == ""
    assert calculator.text("loss_plus") == "6.5"


def test_changes_are_autosaved_while_a_long_history_is_still_being_read(qtbot, monkeypatch):
    """A long saved history takes seconds to read after the start; what is typed meanwhile
    must not wait for it (a kill -9 then lost it): the autosave waits at most its usual
    longest delay."""
    from fdgui.core import session as files
    from fdgui.ui import session as session_module

    monkeypatch.setattr(session_module, "AUTOSAVE_MAX_WAIT_S", 0.5)
    window = _window(qtbot, remember=True)
    monkeypatch.setattr(window, "is_reading", lambda: True)  # a read that goes on and on
    window.model("calculator").set_text("backprop", "4.25")

    def saved():
        try:
            panels = files.read_session(files.autosave_path()).panels
        except files.SessionError:
            return False
        return panels["calculator"]["texts"]["backprop"] == "4.25"

    qtbot.waitUntil(saved, timeout=5000)


def test_network_check_tables_copy_every_digit(qtbot):
    """Ctrl+C / Export table as CSV on the network check's tables give the numbers whole
    (the cells show 7 digits), counts without thousands separators."""
    import csv
    import io

    from fdgui.ui.session_panels import selected_rows_text

    window = _window(qtbot)
    model = window.model("netcheck")
    panel = window.open_panel("netcheck")
    model.set_text("layers", "30,40,40,3")
    model.set_text("bug", "transpose")
    assert model.run()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=60000)
    report = model.result()
    rows = list(csv.DictReader(io.StringIO(selected_rows_text(panel.worst_table)), delimiter="\t"))
    assert len(rows) == len(report.worst)
    for row, entry in zip(rows, report.worst, strict=True):
        assert float(row["numeric"]) == entry.numeric
        assert float(row["backprop"]) == entry.analytic
        assert float(row["rel. error"]) == entry.relative_error
        assert float(row["ε"]) == entry.epsilon
        assert float(row["ΔL+"]) == entry.loss_plus_change
        assert float(row["ΔL−"]) == entry.loss_minus_change
    rows = list(csv.DictReader(io.StringIO(selected_rows_text(panel.tensor_table)), delimiter="\t"))
    for row, tensor in zip(rows, report.tensors, strict=True):
        assert int(row["checked"]) == tensor.checked
        assert float(row["max rel. error"]) == tensor.max_relative_error
        assert float(row["median rel. error"]) == tensor.median_relative_error
        assert int(row["> 1e-2"]) == tensor.band_counts["wrong"]


def test_work_replaced_twice_is_still_kept(qtbot, tmp_path):
    """Crash-restored (unsaved) work A; open B (A kept aside); change B; open C: B's changes
    are kept aside too, and A is not overwritten by them."""
    import json

    from fdgui.core import session as files

    window = _window(qtbot, remember=True)
    calculator = window.model("calculator")
    calculator.set_text("backprop", "111")  # work A, in no file
    for name in ("b", "c"):
        path = tmp_path / f"{name}.fdgui.json"
        files.write_session(path, files.Session(panels={}))
    assert window.session.open_file(tmp_path / "b.fdgui.json")
    calculator.set_text("backprop", "222")  # work B', in no file either
    assert window.session.open_file(tmp_path / "c.fdgui.json")
    kept = sorted(files.data_dir().glob("autosave-previous*.fdgui.json"))
    texts = [
        json.loads(p.read_text(encoding="utf-8"))["panels"]["calculator"]["texts"]["backprop"]
        for p in kept
    ]
    assert sorted(texts) == ["111", "222"], texts
    assert "autosave-previous" in window.session.last_message


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_a_running_marker_that_is_a_pipe_never_blocks_the_start(qtbot):
    import os
    import threading

    from fdgui.core import session as files

    files.data_dir().mkdir(parents=True, exist_ok=True)
    os.mkfifo(files.autosave_path().with_name("running"))
    done = threading.Event()

    # if the start blocked on the pipe, a writer-less open would wait forever: give it a
    # reader after 5 s so the test ends either way, and fail if it was needed
    def unblock():
        if not done.wait(5):
            with open(files.autosave_path().with_name("running"), "rb"):
                pass

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    import time

    started = time.monotonic()
    _window(qtbot, remember=True)
    done.set()
    assert time.monotonic() - started < 4


def test_the_note_says_which_tensors_the_heat_map_csv_lacks(qtbot, tmp_path, monkeypatch):
    from fdgui.core.netcheck import stored

    monkeypatch.setattr(stored, "ERRORS_BUDGET", 30)  # only W1 (5×6) of 6,5,3
    window = _window(qtbot)
    model = window.model("netcheck")
    model.set_text("layers", "6,5,3")
    assert model.run()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=60000)
    path = tmp_path / "c.fdgui.json"
    window.session.save(path)
    second = _window(qtbot)
    second.session.open_file(path)
    note = second.open_panel("netcheck").restored_label.text()
    assert "CSV lists the relative errors of W1 only" in note, note


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_a_bad_session_named_at_the_start_is_one_line_on_stderr(tmp_path):
    """``fdgui FILE`` (the window, not headless) with a bad file whose name holds a line
    break and an escape: stderr gets one line with those characters shown escaped."""
    import os
    import subprocess
    import sys

    bad = tmp_path / "x\nline2\x1b[2J.fdgui.json"
    bad.write_bytes(b'{"format": "fdgui-session", "version": 1, "pan')
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    environment["FDGUI_DATA_DIR"] = str(tmp_path / "data")
    process = subprocess.Popen(
        [sys.executable, "-m", "fdgui", "--session", str(bad)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _out, errors = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # the window stays open: the message came before
        process.kill()
        _out, errors = process.communicate()
    lines = [line for line in errors.decode().splitlines() if line.startswith("fdgui:")]
    assert len(lines) == 1, errors
    assert "\x1b" not in errors.decode() and "line2" in lines[0]


def _unwritable_data_folder(monkeypatch):
    """Every write into the data folder fails as on a read-only folder (tests run as root,
    where permissions do not stop writes)."""
    import errno

    from fdgui.core import session as files

    real = files.write_atomic

    def refuse(path, data):
        from pathlib import Path

        if Path(path).resolve().parent == files.data_dir().resolve():
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(path, data)

    monkeypatch.setattr(files, "write_atomic", refuse)


def test_an_unwritable_data_folder_at_the_start_shows_the_not_autosaving_mark(qtbot, monkeypatch):
    from PySide6.QtWidgets import QLabel

    from fdgui.core import session as files

    files.write_session(
        files.autosave_path(), files.Session(panels={"calculator": {"texts": {"backprop": "9"}}})
    )
    files.autosave_path().with_name("running").write_text("1")  # it crashed
    _unwritable_data_folder(monkeypatch)
    window = _window(qtbot, remember=True)
    window.show()
    assert window.model("calculator").text("backprop") == "9"
    mark = window.findChild(QLabel, "autosaveWarning")
    assert mark.isVisible(), window.session.last_message
    assert "not writable" in mark.toolTip()


def test_work_that_cannot_be_kept_aside_is_not_replaced_by_an_open(qtbot, monkeypatch, tmp_path):
    from fdgui.core import session as files

    other = tmp_path / "other.fdgui.json"
    files.write_session(other, files.Session(panels={"calculator": {"texts": {"backprop": "1"}}}))
    _unwritable_data_folder(monkeypatch)
    window = _window(qtbot, remember=True)
    window.model("calculator").set_text("backprop", "2.5")  # in no file, and no autosave
    assert not window.session.open_file(other)
    assert window.model("calculator").text("backprop") == "2.5"
    assert "could not be kept" in window.session.last_message
    window.session.new()
    assert window.model("calculator").text("backprop") == "2.5"
    window.session.save(tmp_path / "mine.fdgui.json")  # saved in a file: now it may go
    assert window.session.open_file(other)
    assert window.model("calculator").text("backprop") == "1"


def test_the_work_of_a_second_window_is_not_forgotten_at_the_next_start(qtbot):
    """A second fdgui autosaved to autosave-<pid> and quit; the next start keeps that work
    where File → Open finds it with the others (autosave-previous) and says so."""
    from fdgui.core import session as files

    files.data_dir().mkdir(parents=True, exist_ok=True)
    other = files.data_dir() / f"autosave-999999999{files.SUFFIX}"  # no such process
    files.write_session(other, files.Session(panels={"calculator": {"texts": {"backprop": "222"}}}))
    window = _window(qtbot, remember=True)
    assert "another fdgui window" in window.session.last_message
    assert not other.exists()
    kept = files.read_session(files.previous_autosave_path())
    assert kept.panels["calculator"]["texts"]["backprop"] == "222"


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_a_preferences_file_that_is_a_pipe_never_blocks_open_recent(qtbot):
    import os
    import threading

    from fdgui.core import session as files
    from fdgui.ui.session import recent_files

    files.data_dir().mkdir(parents=True, exist_ok=True)
    os.mkfifo(files.preferences_path())
    found = []
    reader = threading.Thread(target=lambda: found.append(recent_files()), daemon=True)
    reader.start()
    reader.join(3)
    blocked = reader.is_alive()
    if blocked:  # give it a writer so the thread ends, then fail
        with open(files.preferences_path(), "wb"):
            pass
        reader.join(3)
    assert not blocked and found == [[]]
