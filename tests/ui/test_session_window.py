"""Sessions in the window: save/open round trips, autosave and its failures, damaged files."""

import json
import os

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from fdgui.core import session as files
from fdgui.core.calculator.schemes import DEFAULT_TEXTS, parse_inputs
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


def _change_every_field(window) -> None:
    """Every text of every panel to another text (a choice to another choice)."""
    for key in window.panel_keys():
        model = window.model(key)
        for field in model.FIELDS:
            current = model.text(field)
            choices = model.choices(field)
            if choices:
                text = next(choice for choice in choices if choice != current)
            else:
                text = current + "7" if current else "7"
            model.set_text(field, text)


def _pin_two_sweeps(qtbot, window):
    explorer = window.model("explorer")
    explorer.sweep()
    qtbot.waitUntil(lambda: explorer.result() is not None, timeout=10000)
    explorer.pins.pin(explorer.result())
    explorer.pins.pin(explorer.result())
    assert len(explorer.pins.pins()) == 2


def test_every_field_of_every_panel_round_trips_through_save_and_open(qtbot, tmp_path):
    window = _window(qtbot, remember=False)
    _pin_two_sweeps(qtbot, window)
    _rows(window.model("calculator"), "1e-2", "1e-4", "1e-6")
    window.model("explorer").set_source("network")
    _change_every_field(window)
    saved = window.collect_states()
    path = tmp_path / "all.fdgui.json"
    assert window.session.save(path)
    assert not window.session.is_dirty()

    window.session.new()
    fresh = window.collect_states()
    for key in window.panel_keys():
        assert fresh[key]["texts"] != saved[key]["texts"], key
    assert window.model("calculator").history_rows() == []
    assert window.model("explorer").pins.pins() == []

    assert window.session.open_file(path), window.session.last_message
    back = window.collect_states()
    for key in window.panel_keys():
        for entry, value in saved[key].items():
            if entry == "texts" and "probe_python" in value:  # never taken from a file
                assert back[key]["texts"].pop("probe_python") == ""
                value = {k: v for k, v in value.items() if k != "probe_python"}
            if entry != "cursor_epsilon":  # the cursor returns with the next sweep
                assert back[key][entry] == value, (key, entry)
    assert "not taken" in window.session.last_message
    assert window.session.path == path.resolve()
    assert "all.fdgui.json" in window.windowTitle()


def test_the_title_marks_unsaved_changes(qtbot, tmp_path):
    window = _window(qtbot, remember=False)
    path = tmp_path / "t.fdgui.json"
    window.session.save(path)
    assert not window.isWindowModified()
    window.model("calculator").set_text("epsilon", "0.01")
    window.model("calculator").recompute()
    qtbot.waitUntil(window.isWindowModified, timeout=5000)
    window.session.save()
    assert not window.isWindowModified()


BAD_FILES = {
    "truncated": lambda good: good[: len(good) // 2],
    "wrong types": lambda good: good.replace(b'"panels":{', b'"panels":{"calculator":[1],"x":'),
    "unknown version": lambda good: good.replace(b'"version":1', b'"version":99'),
    "foreign": lambda _good: b'{"some": "other program"}',
    "50 MB": lambda good: good[:-1] + b',"pad":"' + b"x" * (50 * 2**20) + b'"}',
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_changes_nothing_on_screen_and_is_not_overwritten(qtbot, tmp_path, case):
    window = _window(qtbot, remember=False)
    _rows(window.model("calculator"), "1e-3")
    window.model("calculator").set_text("backprop", "0.5")
    good = files.dumps(files.Session(panels=window.collect_states()))
    path = tmp_path / f"{case}.fdgui.json"
    path.write_bytes(BAD_FILES[case](good))
    content = path.read_bytes()
    before = window.collect_states()
    assert not window.session.open_file(path)
    assert window.session.last_message.startswith(f"Could not open {path.name}:")
    assert window.collect_states() == before
    window.session.flush()
    assert path.read_bytes() == content
    assert window.session.path is None


def test_an_entry_that_cannot_be_restored_is_named_and_the_rest_comes_back(qtbot, tmp_path):
    window = _window(qtbot, remember=False)
    lines = ["0.001\t0.1201\t0.12\t", "0.001\t1e1000000\t0.12\t", "x", "0.01\t0.13\t0.12\t"]
    panels = {
        "calculator": {
            "texts": {"epsilon": "0.5", "nonsense": "1"},
            "history": files.encode_table(lines),
        },
        "explorer": {"cursor_epsilon": 1e999, "pins": [{"label": 5}], "texts": {"point": "2"}},
        "somebody's panel": {},
    }
    path = tmp_path / "partly.fdgui.json"
    files.write_session(path, files.Session(panels=panels))
    assert window.session.open_file(path)
    said = window.session.last_message
    for name in ("texts.nonsense", "history[1]", "history[2]", "cursor_epsilon", "pins[0]"):
        assert name in said
    assert "somebody's panel" in said
    assert window.model("calculator").text("epsilon") == "0.5"
    assert len(window.model("calculator").history_rows()) == 2
    assert window.model("explorer").text("point") == "2"


def test_changes_are_autosaved_and_come_back_after_a_crash(qtbot):
    first = _window(qtbot)
    first.model("calculator").set_inputs("", "0.42", "0.4", "0.01", "1")
    first.model("calculator").calculate()
    qtbot.waitUntil(
        lambda: (
            files.autosave_path().exists()
            and '"0.42"' in files.autosave_path().read_text(encoding="utf-8")
        ),
        timeout=5000,
    )
    # no close: as if killed; the running marker stays behind
    assert files.autosave_path().with_name("running").exists()
    first.session._timer.stop()
    second = _window(qtbot)
    assert second.model("calculator").text("loss_plus") == "0.42"
    assert len(second.model("calculator").history_rows()) == 1
    assert "did not close normally" in second.session.last_message


def test_a_damaged_autosave_is_kept_as_broken_and_the_window_opens(qtbot):
    path = files.autosave_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"format": "fdgui-session", "version": 1, "panels": {"calcul')
    window = _window(qtbot)
    assert window.model("calculator").text("loss_plus") == DEFAULT_TEXTS["loss_plus"]
    assert "could not be restored" in window.session.last_message
    broken = path.with_name(path.name + ".broken")
    assert broken.read_bytes().endswith(b'"calcul')
    window.close()
    assert files.read_session(path).panels  # a new, good autosave beside it
    assert broken.exists()


def test_a_50_mb_garbage_autosave_does_not_grow_or_stop_the_start(qtbot):
    path = files.autosave_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    garbage = os.urandom(1024) * (50 * 1024)
    path.write_bytes(garbage)
    window = _window(qtbot)
    window.close()
    broken = path.with_name(path.name + ".broken")
    assert broken.stat().st_size == len(garbage)
    assert path.stat().st_size < 100_000


def test_a_50_mb_garbage_settings_file_does_not_grow_after_a_quit(qtbot):
    name = QSettings().fileName()
    os.makedirs(os.path.dirname(name), exist_ok=True)
    with open(name, "wb") as handle:
        handle.write(b"[panels]\ncalculator=" + b"\x01garbage" * (50 * 2**20 // 8) + b"\n")
    size = os.path.getsize(name)
    window = _window(qtbot)
    window.model("calculator").set_text("epsilon", "0.5")
    window.close()
    assert os.path.getsize(name) == size


def test_an_unwritable_data_folder_is_said_once(qtbot, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("FDGUI_DATA_DIR", str(blocker / "fdgui"))
    window = _window(qtbot)
    model = window.model("calculator")
    for text in ("0.1", "0.2", "0.3"):
        model.set_text("epsilon", text)
        model.recompute()
        window.session.flush()
    said = capsys.readouterr().err
    assert said.count("autosave failed") == 1
    assert "not being saved automatically" in window.session.last_message
    warning = window.findChild(QLabel, "autosaveWarning")
    assert warning is not None and not warning.isHidden()
    window.close()  # and closing still works


def test_a_long_history_is_read_in_the_background_and_never_lost_meanwhile(qtbot):
    count = 3000
    lines = [f"0.001\t0.12{n:05d}\t0.12\t" for n in range(count)]
    path = files.autosave_path()
    files.write_session(
        path, files.Session(panels={"calculator": {"history": files.encode_table(lines)}})
    )
    window = _window(qtbot)
    model = window.model("calculator")
    assert model.is_reading()
    model.calculate()  # a new row while the saved ones are read
    _rows_text, total = files.table_rows(model.state()["history"])
    assert total == count + 1
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=30000)
    history = model.history_rows()
    assert len(history) == count + 1
    assert str(history[0].loss_plus) == "0.1200000"
    assert str(history[count - 1].loss_plus) == f"0.12{count - 1:05d}"
    assert history[-1].loss_plus == parse_inputs(DEFAULT_TEXTS)[0].loss_plus


def test_open_recent_lists_saved_files(qtbot, tmp_path):
    from fdgui.ui.session import recent_files

    window = _window(qtbot)
    window.session.save(tmp_path / "one")
    window.session.save(tmp_path / "two.fdgui.json")
    assert recent_files()[:2] == [
        (tmp_path / "two.fdgui.json").resolve(),
        (tmp_path / "one.fdgui.json").resolve(),
    ]
    window.recent_menu.aboutToShow.emit()
    texts = [action.text() for action in window.recent_menu.actions()]
    assert str((tmp_path / "two.fdgui.json").resolve()) in texts


def test_a_session_file_is_plain_json_a_person_can_read(qtbot, tmp_path):
    window = _window(qtbot, remember=False)
    _rows(window.model("calculator"), "1e-3")
    window.session.save(tmp_path / "s.fdgui.json")
    document = json.loads((tmp_path / "s.fdgui.json").read_text(encoding="utf-8"))
    assert document["format"] == "fdgui-session" and document["version"] == 1
    assert document["panels"]["calculator"]["history"]["columns"] == [
        "epsilon",
        "loss_plus",
        "loss_minus",
        "loss",
    ]


def test_changes_that_keep_coming_are_still_autosaved(qtbot, monkeypatch):
    from fdgui.ui import session as session_module

    monkeypatch.setattr(session_module, "AUTOSAVE_MAX_WAIT_S", 0.5)
    window = _window(qtbot)
    model = window.model("calculator")
    path = files.autosave_path()
    for number in range(30):  # a change every 50 ms, never a 700 ms pause
        model.set_text("backprop", f"0.{number + 1}")
        model.recompute()
        qtbot.wait(50)
    assert path.exists()
    assert '"backprop":"0.' in path.read_text(encoding="utf-8")


def test_a_probe_path_is_kept_in_the_session_but_never_run(qtbot, tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("raise SystemExit('must not run')\n", encoding="utf-8")
    panels = {"explorer": {"source": "probe", "probe": str(probe)}}
    path = tmp_path / "p.fdgui.json"
    files.write_session(path, files.Session(panels=panels))
    window = _window(qtbot, remember=False)
    assert window.session.open_file(path)
    assert (
        "was not run" in window.session.last_message and str(probe) in window.session.last_message
    )
    explorer = window.model("explorer")
    assert explorer.probe.model is None and not explorer.probe.opening
    assert window.probe_path("explorer") == str(probe)
    assert window.collect_states()["explorer"]["probe"] == str(probe)  # saved again
    window.session.new()
    assert "probe" not in window.collect_states()["explorer"]


def test_the_last_network_check_report_is_kept_in_the_session(qtbot, tmp_path):
    from fdgui.ui.session_panels import export_results

    window = _window(qtbot, remember=False)
    netcheck = window.model("netcheck")
    netcheck.set_text("layers", "5,4,3")
    netcheck.run()
    qtbot.waitUntil(lambda: netcheck.result() is not None, timeout=30000)
    live = tmp_path / "live.md"
    export_results(window, "netcheck", live)
    path = tmp_path / "n.fdgui.json"
    window.session.save(path)
    report = json.loads(path.read_text(encoding="utf-8"))["panels"]["netcheck"]["report"]
    assert set(report) == {"text", "markdown", "csv", "json"}

    second = _window(qtbot, remember=False)
    assert second.session.open_file(path)
    assert "network-check report is shown again" in second.session.last_message
    kept = tmp_path / "kept.md"
    assert export_results(second, "netcheck", kept).startswith("Saved")
    assert kept.read_text(encoding="utf-8") == live.read_text(encoding="utf-8")
    assert second.collect_states()["netcheck"]["report"] == report  # saved again
    second.session.new()
    assert "report" not in second.collect_states()["netcheck"]


def test_an_unchanged_history_is_not_encoded_again_by_each_autosave(qtbot, monkeypatch):
    """An autosave after another panel changed used to encode the whole history again (at
    100,000 rows a 20–25 ms call that holds the interpreter: the window could not paint)."""
    from fdgui.ui import session as session_module

    encoded = []
    real = files.encode_table_json
    monkeypatch.setattr(
        files, "encode_table_json", lambda lines: encoded.append(len(lines)) or real(lines)
    )
    monkeypatch.setattr(session_module, "AUTOSAVE_MAX_WAIT_S", 0.5)
    window = _window(qtbot)
    calculator = window.model("calculator")
    path = files.autosave_path()

    def saved() -> dict:
        return json.loads(path.read_text(encoding="utf-8"))["panels"]

    _rows(calculator, "1e-2", "1e-4")
    qtbot.waitUntil(lambda: path.exists() and "calculator" in saved(), timeout=5000)
    qtbot.waitUntil(lambda: window.session._writing is None, timeout=5000)
    assert encoded == [2]
    for text in ("0.3", "0.4"):  # other changes, autosaved each; the history stays
        calculator.set_text("backprop", text)
        calculator.recompute()
        qtbot.waitUntil(
            lambda t=text: saved()["calculator"]["texts"]["backprop"] == t, timeout=5000
        )
    assert encoded == [2]
    _rows(calculator, "1e-6")  # a new row: encoded again, and the file has it
    qtbot.waitUntil(lambda: saved()["calculator"]["history"]["text"].count("\n") == 2, timeout=5000)
    assert encoded[-1] == 3
    assert (
        saved()["calculator"]["history"]
        == json.loads(files.dumps_panels({"h": window.collect_states()["calculator"]["history"]}))[
            "h"
        ]
    )


def test_the_saved_lines_kept_between_autosaves_are_not_objects_for_the_collector(qtbot):
    """Each row's saved line is kept for the next autosave; kept as a (row, line) pair per
    row that was 100,000 objects for the cycle collector (which runs on the GUI thread) after
    a paste. Now the lines sit in a dict of ints and strings, which it does not track."""
    import gc

    window = _window(qtbot)
    calculator = window.model("calculator")
    _rows(calculator, "1e-2", "1e-4", "1e-6")
    calculator._history_table(encoded=True)()  # what the autosave thread runs
    known, alive = calculator._row_lines
    rows = calculator.history_rows()
    assert sorted(known) == sorted(id(row) for row in rows)
    assert all(any(row is kept for kept in alive) for row in rows)  # their ids stay theirs
    assert not gc.is_tracked(known)
    lines = list(known.values())
    calculator._history_table(encoded=True)()
    assert all(a is b for a, b in zip(lines, calculator._row_lines[0].values(), strict=True))
