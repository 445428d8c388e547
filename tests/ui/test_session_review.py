"""Sessions: what a review of the first version found (lost work, undo, odd files)."""

import json

from fdgui.core import session as files
from fdgui.core.calculator.schemes import parse_inputs
from fdgui.ui.main_window import MainWindow


def _window(qtbot, remember=True):
    window = MainWindow(remember=remember)
    qtbot.addWidget(window)
    return window


def _rows(model, *epsilons):
    rows = []
    for number, epsilon in enumerate(epsilons):
        texts = {"loss_plus": f"0.12{number}1", "loss_minus": "0.12", "epsilon": epsilon}
        rows.append(parse_inputs(texts)[0])
    model.add_measurements(rows)


def _history_of(path):
    panels = files.read_session(path).panels
    _rows, count = files.table_rows(panels["calculator"]["history"])
    return count


def test_opening_a_file_keeps_crash_restored_work_aside(qtbot, tmp_path):
    first = _window(qtbot)
    _rows(first.model("calculator"), "1e-2", "1e-3", "1e-4")
    first.session.flush()
    first.session._timer.stop()  # killed: no clean close
    second = _window(qtbot)
    assert len(second.model("calculator").history_rows()) == 3
    second.session.mark_clean()  # what startup does 2.5 s in
    other = tmp_path / "other.fdgui.json"
    files.write_session(other, files.Session(panels={"calculator": {"texts": {}}}))
    assert second.session.open_file(other)
    kept = files.previous_autosave_path()
    assert kept.exists() and _history_of(kept) == 3
    assert str(kept) in second.session.last_message
    second.session.flush()
    assert _history_of(kept) == 3  # the autosave of the opened file does not touch it
    second.session.new()  # an opened, unchanged file is in its file: nothing to keep again
    assert _history_of(kept) == 3
    json.loads(kept.read_text(encoding="utf-8"))


def _epsilons(model):
    return [str(row.epsilon) for row in model.history_rows()]


def test_undo_never_throws_away_rows_calculated_after_the_step(qtbot):
    window = _window(qtbot, remember=False)
    calculator = window.model("calculator")
    _rows(calculator, "1e-2", "1e-3")
    calculator.clear_history()
    _rows(calculator, "1e-5")
    assert window.undo_stack.undo() == ""
    assert "changed since" in window.undo_stack.refused
    assert len(_epsilons(calculator)) == 1
    assert not window.undo_stack.can_undo() and not window.undo_stack.can_redo()


def test_undo_of_reset_keeps_a_value_typed_after_it(qtbot):
    window = _window(qtbot, remember=False)
    calculator = window.model("calculator")
    calculator.set_text("loss_plus", "5.5")
    calculator.reset()
    calculator.set_text("backprop", "0.77")
    window.undo_stack.undo()
    assert calculator.text("backprop") == "0.77"
    window.undo_stack.redo()
    assert calculator.text("backprop") == "0.77"


def test_redo_never_throws_away_what_came_after_an_undo(qtbot):
    window = _window(qtbot, remember=False)
    calculator = window.model("calculator")
    _rows(calculator, "1e-2", "1e-3")
    calculator.clear_history()
    window.undo_stack.undo()
    assert len(calculator.history_rows()) == 2
    _rows(calculator, "1e-6")
    window.undo_stack.redo()
    assert len(calculator.history_rows()) == 3


def test_consecutive_steps_still_undo_one_by_one(qtbot):
    window = _window(qtbot, remember=False)
    calculator = window.model("calculator")
    _rows(calculator, "1e-2", "1e-3", "1e-4")
    calculator.remove_rows([1])
    calculator.remove_rows([0])
    assert window.undo_stack.undo() and window.undo_stack.undo()
    assert len(calculator.history_rows()) == 3
    assert window.undo_stack.redo() and window.undo_stack.redo()
    assert len(calculator.history_rows()) == 1


def test_dropping_a_fifo_is_refused_without_waiting(qtbot, tmp_path):
    import os

    from fdgui.ui.session_menu import open_dropped

    window = _window(qtbot, remember=False)
    for name in ("rows.csv", "pipe.fdgui.json"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        said = open_dropped(window, fifo)
        assert "not a regular file" in said


def test_a_lone_surrogate_is_refused_on_open_and_typed_one_never_stops_saving(qtbot, tmp_path):
    window = _window(qtbot)
    bad = tmp_path / "surr.fdgui.json"
    bad.write_text(
        '{"format":"fdgui-session","version":1,"panels":{"calculator":'
        '{"texts":{"loss_plus":"0.5\\udc80"}}}}',
        encoding="ascii",
    )
    before = window.collect_states()
    assert not window.session.open_file(bad)
    assert "not valid Unicode" in window.session.last_message
    assert window.collect_states() == before
    window.model("calculator").set_text("loss_plus", "0.5\udc80")
    good = tmp_path / "after.fdgui.json"
    assert window.session.save(good)
    window.session.flush()
    assert files.read_session(good).panels["calculator"]["texts"]["loss_plus"].startswith("0.5")
    assert files.read_session(files.autosave_path())


def test_a_session_never_chooses_the_python_that_runs_probe_files(qtbot, tmp_path):
    window = _window(qtbot, remember=False)
    evil = tmp_path / "evil.fdgui.json"
    panels = {
        key: {"texts": {"probe_python": str(tmp_path / "evil.sh")}}
        for key in ("explorer", "netcheck")
    }
    files.write_session(evil, files.Session(panels=panels))
    assert window.session.open_file(evil)
    for key in ("explorer", "netcheck"):
        assert window.model(key).text("probe_python") == ""
    assert "evil.sh" in window.session.last_message and "not taken" in window.session.last_message


def test_a_table_copies_and_exports_every_digit_and_reads_back(qtbot, tmp_path):
    from fdgui.ui.session_menu import open_dropped
    from fdgui.ui.session_panels import copy_rows, export_table_csv

    window = _window(qtbot, remember=False)
    window.show()
    calculator = window.model("calculator")
    texts = {
        "loss_plus": "0.693147182464599609375",
        "loss_minus": "0.69314718246459960937499",
        "epsilon": "1.23456789012345e-21",
    }
    calculator.add_measurements([parse_inputs(texts)[0]])
    table = window.panel("calculator").history_table
    copied = copy_rows(table).splitlines()[1].split("\t")
    assert copied[:3] == ["1.23456789012345e-21", texts["loss_plus"], texts["loss_minus"]]
    path = tmp_path / "rows.csv"
    export_table_csv(table, path)
    calculator.clear_history()
    said = open_dropped(window, path)
    assert "Added 1 measurement row" in said
    row = calculator.history_rows()[0]
    assert str(row.loss_plus) == texts["loss_plus"] and str(row.loss_minus) == texts["loss_minus"]


def test_the_losses_round_off_is_saved_so_a_reopened_verdict_is_the_same(qtbot, tmp_path):
    import numpy as np

    window = _window(qtbot, remember=False)
    calculator = window.model("calculator")
    plus, minus = np.float32(0.6931472), np.float32(0.6931462)
    calculator.set_inputs(
        "", f"{float(plus)!r}", f"{float(minus)!r}", "1e-3", loss_roundoff=2.0**-24
    )
    sent = calculator.report_text()
    path = tmp_path / "rt.fdgui.json"
    assert window.session.save(path)
    again = _window(qtbot, remember=False)
    assert again.session.open_file(path)
    assert again.model("calculator").report_text() == sent
    bad = files.read_session(path)
    bad.panels["calculator"]["loss_roundoff"] = "-1"
    files.write_session(path, bad)
    assert again.session.open_file(path)
    assert "calculator loss_roundoff" in again.session.last_message


def test_a_second_fdgui_autosaves_to_its_own_file_and_never_restores_the_first(qtbot):
    import subprocess
    import sys
    import time

    folder = files.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    ready = folder / "ready"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib\n"
            "from PySide6.QtCore import QLockFile\n"
            "lock = QLockFile(sys.argv[1]); assert lock.tryLock(0)\n"
            "pathlib.Path(sys.argv[2]).write_text('1'); time.sleep(60)\n",
            str(folder / "instance.lock"),
            str(ready),
        ]
    )
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        files.write_session(
            files.autosave_path(), files.Session(panels={"calculator": {"texts": {}}})
        )
        before = files.autosave_path().read_bytes()
        files.autosave_path().with_name("running").write_text("1", encoding="ascii")
        window = _window(qtbot)
        assert "Another fdgui window is running" in window.session.last_message
        _rows(window.model("calculator"), "1e-2")
        window.session.flush()
        own = window.session.autosave_file()
        assert own != files.autosave_path() and _history_of(own) == 1
        assert files.autosave_path().read_bytes() == before
        window.session.closed_cleanly()
        assert files.autosave_path().with_name("running").exists()  # the first one's marker
    finally:
        holder.kill()
        holder.wait()


def test_the_not_autosaving_mark_clears_once_the_folder_is_writable_again(
    qtbot, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QLabel

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("FDGUI_DATA_DIR", str(blocker / "fdgui"))
    window = _window(qtbot)
    model = window.model("calculator")
    model.set_text("epsilon", "0.1")
    window.session.flush()
    warning = window.findChild(QLabel, "autosaveWarning")
    assert not warning.isHidden()
    blocker.unlink()  # the folder can be made now
    model.set_text("epsilon", "0.2")
    window.session.flush()
    assert files.autosave_path().exists()
    assert "autosaved again" in window.session.last_message
    assert warning.isHidden()


def test_a_probe_entry_in_a_panel_without_probe_files_is_named_as_unknown(qtbot, tmp_path):
    window = _window(qtbot, remember=False)
    path = tmp_path / "p.fdgui.json"
    panels = {"calculator": {"texts": {}, "probe": "/tmp/x.py"}}
    files.write_session(path, files.Session(panels=panels))
    assert window.session.open_file(path)
    said = window.session.last_message
    assert "calculator probe" in said and "used the probe file" not in said


def test_opening_a_long_history_is_not_an_unsaved_change(qtbot, tmp_path):
    from fdgui.ui.calculator.model import BACKGROUND_ROWS

    count = BACKGROUND_ROWS + 500
    lines = [f"1e-3\t1.{i:06d}\t0.9{i:06d}\t" for i in range(count)]
    panels = {"calculator": {"texts": {}, "history": files.encode_table(lines)}}
    path = tmp_path / "long.fdgui.json"
    files.write_session(path, files.Session(panels=panels))
    window = _window(qtbot, remember=False)
    calculator = window.model("calculator")
    assert window.session.open_file(path)
    qtbot.waitUntil(lambda: len(calculator.history_rows()) == count, timeout=20000)
    window.session.flush()
    assert not window.session.is_dirty()
    calculator.set_text("epsilon", "0.5")
    window.session.flush()
    assert window.session.is_dirty()


def test_clearing_pinned_sweeps_is_undoable(qtbot):
    window = _window(qtbot, remember=False)
    window.show()
    panel = window.open_panel("explorer")
    explorer = window.model("explorer")
    qtbot.waitUntil(lambda: explorer.result() is not None, timeout=10000)
    explorer.pins.pin(explorer.result())
    pinned = explorer.pins.pins()
    panel.clear_pins_action.trigger()
    assert explorer.pins.pins() == []
    assert window.undo_stack.undo() == "Clear pinned sweeps"
    assert explorer.pins.pins() == pinned


def test_bad_rows_of_a_long_history_are_named(qtbot, tmp_path):
    from fdgui.ui.calculator.model import BACKGROUND_ROWS

    lines = [f"1e-3\t1.{i:06d}\t0.9{i:06d}\t" for i in range(BACKGROUND_ROWS + 10)]
    lines[7] = "nonsense\tx\ty\t"
    panels = {"calculator": {"texts": {}, "history": files.encode_table(lines)}}
    path = tmp_path / "bad.fdgui.json"
    files.write_session(path, files.Session(panels=panels))
    window = _window(qtbot, remember=False)
    calculator = window.model("calculator")
    said = []
    calculator.statusMessage.connect(said.append)
    assert window.session.open_file(path)
    qtbot.waitUntil(lambda: len(calculator.history_rows()) == len(lines) - 1, timeout=20000)
    assert any("history[7]" in text for text in said), said


def test_saving_over_a_file_with_skipped_entries_keeps_the_original(qtbot, tmp_path):
    window = _window(qtbot, remember=False)
    path = tmp_path / "odd.fdgui.json"
    panels = {"calculator": {"texts": {"nonsense_field": "7"}}, "future_panel": {"a": 1}}
    files.write_session(path, files.Session(panels=panels))
    original = path.read_bytes()
    assert window.session.open_file(path)
    assert window.session.save()
    kept = path.with_name(path.name + ".orig")
    assert kept.read_bytes() == original and kept.name in window.session.last_message
    window.model("calculator").set_text("epsilon", "0.5")
    assert window.session.save()  # the second save: the .orig is not overwritten
    assert kept.read_bytes() == original
