"""Review 11 round 2: a restored network-check report that cannot be shown is refused at
the boundary (named, the rest restored), and the autosave keeps working and says so."""

import json

import pytest
from PySide6.QtWidgets import QLabel

from fdgui.core import session as files
from fdgui.ui.main_window import MainWindow


def _window(qtbot, remember=False):
    window = MainWindow(remember=remember)
    qtbot.addWidget(window)
    return window


def _checked_file(qtbot, tmp_path, **texts):
    window = _window(qtbot)
    model = window.model("netcheck")
    for field, text in {"layers": "6,5,5,3", "bug": "transpose", **texts}.items():
        model.set_text(field, text)
    window.open_panel("netcheck")
    assert model.run()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=60000)
    window.model("calculator").set_text("backprop", "0.777")
    path = tmp_path / "checked.fdgui.json"
    assert window.session.save(path)
    return path


def _edited(path, change):
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["panels"]["netcheck"]["report_data"])
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_report_whose_worst_tensor_is_empty_is_refused_and_the_rest_restored(qtbot, tmp_path):
    path = _edited(_checked_file(qtbot, tmp_path), lambda d: d.update(worst_tensor=""))
    window = _window(qtbot)
    assert window.session.open_file(path)
    said = window.session.last_message
    assert "report_data" in said and "worst tensor" in said
    assert "shown again" not in said
    panel = window.open_panel("netcheck")
    assert panel.objectName() != "panelError"
    assert window.model("netcheck").result() is None
    assert panel.verdict_badge.text() == "Not run yet"
    assert window.model("calculator").text("backprop") == "0.777"


def test_any_failure_to_word_a_restored_report_refuses_it(qtbot, tmp_path, monkeypatch):
    path = _checked_file(qtbot, tmp_path)
    from fdgui.core.report import netcheck as words

    def broken(report):
        raise IndexError("string index out of range")

    monkeypatch.setattr(words, "settings_line", broken)
    window = _window(qtbot)
    assert window.session.open_file(path)
    said = window.session.last_message
    assert "report_data (it cannot be shown: IndexError)" in said
    monkeypatch.undo()
    panel = window.open_panel("netcheck")
    assert panel.objectName() != "panelError"
    assert window.model("netcheck").result() is None
    assert window.model("calculator").text("backprop") == "0.777"


def test_a_failing_part_of_the_autosave_is_said_and_the_rest_is_written(qtbot, monkeypatch):
    from fdgui.core.netcheck import stored

    window = _window(qtbot, remember=True)
    window.show()
    model = window.model("netcheck")
    model.set_text("layers", "6,5,3")
    window.open_panel("netcheck")
    assert model.run()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=60000)

    def broken(*args, **kwargs):
        raise IndexError("string index out of range")

    monkeypatch.setattr(stored, "report_data", broken)
    window.model("calculator").set_text("backprop", "0.777")
    window.session._collect_and_write()

    def written() -> dict:  # an autosave already in flight is followed by this one
        if window.session._writing is not None or not files.autosave_path().exists():
            return {}
        return files.read_session(files.autosave_path()).panels

    qtbot.waitUntil(
        lambda: written().get("calculator", {}).get("texts", {}).get("backprop") == "0.777",
        timeout=20000,
    )
    saved = written()
    assert "report_data" not in saved.get("netcheck", {})
    mark = window.findChild(QLabel, "autosaveWarning")
    assert mark.isVisible(), window.session.last_message
    assert "IndexError" in mark.toolTip()


# --- kept copies (findings 3 and 12) -----------------------------------------------------------
def _kept():
    """The kept copies in the data folder, newest first."""
    return sorted(files.data_dir().glob("autosave-previous*.fdgui.json"), key=lambda p: p.name)


def test_the_untouched_example_is_never_kept_aside(qtbot):
    window = _window(qtbot, remember=True)
    window.open_panel("explorer")
    for _ in range(3):
        window.session.new()
        assert "kept" not in window.session.last_message
    assert _kept() == []


def test_work_equal_to_the_file_being_opened_or_a_kept_copy_is_not_kept(qtbot, tmp_path):
    window = _window(qtbot, remember=True)
    calculator = window.model("calculator")
    calculator.set_text("backprop", "0.4242")
    other = tmp_path / "other.fdgui.json"
    window.session.save(other)
    calculator.set_text("backprop", "0.5151")  # in no file
    window.session.new()
    assert len(_kept()) == 1
    assert window.session.open_file(other)
    window.session.path = None  # as after a restart that restored the autosave of it
    for _ in range(6):
        assert window.session.open_file(other)
    assert len(_kept()) == 1  # the 0.5151 copy is still there, not pushed out
    assert "0.5151" in _kept()[0].read_text(encoding="utf-8")
    assert window.session.open_file(_kept()[0])  # a kept copy opened, then New: not again
    window.session.new()
    assert len(_kept()) == 1


def test_a_kept_copy_opened_is_untitled_and_never_saved_into(qtbot, tmp_path):
    window = _window(qtbot, remember=True)
    calculator = window.model("calculator")
    calculator.set_text("backprop", "0.1111")
    window.session.new()
    (kept,) = _kept()
    assert window.session.open_file(kept)
    assert window.session.path is None and "untitled" in window.session.last_message
    calculator.set_text("backprop", "0.2222")
    assert not window.session.save(kept)  # Save As into a kept copy's name is refused
    assert "0.1111" in kept.read_text(encoding="utf-8")
    mine = tmp_path / "mine.fdgui.json"
    assert window.session.save(mine)
    for _ in range(8):
        calculator.set_text("backprop", f"0.{_}9")
        window.session.new()
    assert "0.2222" in mine.read_text(encoding="utf-8")


# --- a restored probe report and the probe loaded now (finding 5) -------------------------------
def test_a_probe_report_is_tied_to_the_probe_file_it_checked(qtbot, tmp_path):
    import shutil
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "numpy_two_layer.py"
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    shutil.copy(example, first)
    second.write_text(example.read_text(encoding="utf-8") + "\n# another file\n", "utf-8")
    window = _window(qtbot)
    model = window.model("netcheck")
    window.open_panel("netcheck")
    assert model.open_probe(str(first))
    qtbot.waitUntil(lambda: model.probe.model is not None, timeout=60000)
    model.set_text("source", "probe")
    assert model.run()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=60000)
    path = tmp_path / "probe.fdgui.json"
    assert window.session.save(path)
    stored = json.loads(path.read_text(encoding="utf-8"))["panels"]["netcheck"]
    assert stored["report_data"]["probe_file"]["path"] == str(first)

    again = _window(qtbot)
    assert again.session.open_file(path)
    restored = again.model("netcheck")
    panel = again.open_panel("netcheck")
    assert restored.result() is not None
    said = []
    restored.statusMessage.connect(said.append)
    assert restored.open_probe(str(second))
    qtbot.waitUntil(lambda: restored.probe.model is not None, timeout=60000)
    qtbot.wait(50)
    assert "not the one this report checked" in panel.restored_label.text()
    assert restored.explore_worst_entry(0) is False  # never sweeps another file's entry
    assert said and "not of the loaded probe file" in said[-1]
    restored.probe.close()
    model.probe.close()


# --- undo (findings 8 and 11) ------------------------------------------------------------------
def _long_history_file(tmp_path, count=3000):
    lines = [f"1e-{4 + i % 5}\t{0.5 + i * 1e-9!r}\t{0.4 + i * 1e-9!r}\t" for i in range(count)]
    path = tmp_path / "long.fdgui.json"
    files.write_session(
        path, files.Session(panels={"calculator": {"history": files.encode_table(lines)}})
    )
    return path


@pytest.mark.parametrize("action", ["paste", "delete"])
def test_a_step_made_while_a_saved_history_is_read_still_undoes(qtbot, tmp_path, action):
    from fdgui.core.calculator.schemes import parse_inputs

    window = _window(qtbot)
    model = window.model("calculator")
    assert window.session.open_file(_long_history_file(tmp_path))
    assert model.is_reading()
    row = parse_inputs({"loss_plus": "1.001", "loss_minus": "0.999", "epsilon": "1e-3"})[0]
    model.undoable("Paste table", lambda: model.add_measurements([row]))
    if action == "delete":
        model.undoable("Delete rows", lambda: model.remove_rows([len(model.history_rows()) - 1]))
    assert model.is_reading()  # the step was taken before the saved rows were in
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=30000)
    count = len(model.history_rows())
    label = window.undo_stack.undo()
    assert label == ("Paste table" if action == "paste" else "Delete rows"), (
        window.undo_stack.refused
    )
    assert len(model.history_rows()) == count + (-1 if action == "paste" else 1)
    assert len(model.history_rows()) >= 3000  # the saved rows stay


def test_a_refused_undo_keeps_the_older_steps_of_other_parts(qtbot):
    from fdgui.core.calculator.schemes import parse_inputs

    window = _window(qtbot)
    model = window.model("calculator")
    row = parse_inputs({"loss_plus": "1.001", "loss_minus": "0.999", "epsilon": "1e-3"})[0]
    model.add_measurements([row])
    model.undoable("Clear history", model.clear_history)
    model.undoable("Set backprop", lambda: model.set_text("backprop", "0.5"))
    model.set_text("backprop", "0.9")  # the second step's own part changed since
    assert window.undo_stack.undo() == ""
    assert "Set backprop" in window.undo_stack.refused
    assert window.undo_stack.undo() == "Clear history"  # its part (the history) is untouched
    assert len(model.history_rows()) == 1
    assert model.text("backprop") == "0.9"


def test_the_reason_an_array_was_not_kept_survives_another_save(qtbot, tmp_path, monkeypatch):
    from fdgui.core.netcheck import stored

    monkeypatch.setattr(stored, "HEAT_BUDGET", 40)
    monkeypatch.setattr(stored, "ERRORS_BUDGET", 30)
    first = _checked_file(qtbot, tmp_path, layers="6,5,3", bug="")
    monkeypatch.undo()

    def reasons(path):
        tensors = json.loads(path.read_text(encoding="utf-8"))["panels"]["netcheck"]
        return {
            (t["name"], key): t[key]["omitted"]
            for t in tensors["report_data"]["tensors"]
            for key in ("heat_map", "relative_errors")
            if "omitted" in t[key]
        }

    window = _window(qtbot)
    assert window.session.open_file(first)
    second = tmp_path / "again.fdgui.json"
    assert window.session.save(second)
    assert reasons(first) and reasons(second) == reasons(first)
