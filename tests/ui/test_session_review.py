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
