"""Undo/redo of each destructive action, export of every plot and table, pins, drops."""

import csv
import io
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication, QImage

from fdgui.core.calculator.schemes import DEFAULT_TEXTS, parse_inputs
from fdgui.ui import plot_export
from fdgui.ui.main_window import MainWindow
from fdgui.ui.roles import EXACT_ROLE
from fdgui.ui.session_menu import open_dropped
from fdgui.ui.session_panels import copy_rows, export_results, export_table_csv


@pytest.fixture
def window(qtbot):
    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def _add_rows(model, count=3):
    rows = [
        parse_inputs({"loss_plus": f"0.12{n}1", "loss_minus": "0.12", "epsilon": f"1e-{n + 2}"})[0]
        for n in range(count)
    ]
    model.add_measurements(rows)


def _swept(qtbot, window):
    window.open_panel("explorer")
    explorer = window.model("explorer")
    qtbot.waitUntil(lambda: explorer.result() is not None, timeout=10000)
    return explorer


# --- undo -------------------------------------------------------------------------------------
def _undo_redo(window, model, before, after):
    assert model.state() == after
    window.undo_action.trigger()
    assert model.state() == before
    window.redo_action.trigger()
    assert model.state() == after
    window.undo_action.trigger()
    assert model.state() == before


def test_reset_is_undoable(window):
    model = window.model("calculator")
    model.set_inputs("1", "2", "0", "1", "0.9")
    before = model.state()
    model.reset()
    assert model.text("loss_plus") == DEFAULT_TEXTS["loss_plus"]
    assert "Reset" in window.undo_action.text()
    _undo_redo(window, model, before, _after(model, before))


def _after(model, before):
    window_state = model.state()
    assert window_state != before
    return window_state


def test_clear_history_is_undoable(window):
    model = window.model("calculator")
    _add_rows(model)
    before = model.state()
    model.clear_history()
    assert model.history_rows() == []
    _undo_redo(window, model, before, _after(model, before))
    assert len(model.history_rows()) == 3
    assert window.panel("calculator").history_table.model().rowCount() == 3


def test_delete_rows_is_undoable(window):
    model = window.model("calculator")
    _add_rows(model)
    before = model.state()
    table = window.panel("calculator").history_table
    table.selectRow(1)
    window.panel("calculator").delete_selected_rows()
    assert len(model.history_rows()) == 2
    _undo_redo(window, model, before, _after(model, before))


def test_paste_table_is_undoable(window):
    model = window.model("calculator")
    before = model.state()
    added = window.panel("calculator").paste_table("1e-3\t0.1201\t0.12\n1e-4\t0.12001\t0.12\n")
    assert added == 2
    _undo_redo(window, model, before, _after(model, before))


def test_send_to_calculator_is_undoable_and_brings_back_what_was_typed(window, qtbot):
    calculator = window.model("calculator")
    calculator.set_inputs("", "0.5", "0.25", "0.125", "7")
    before = calculator.state()
    explorer = _swept(qtbot, window)
    assert explorer.send_to_calculator(window.context)
    assert calculator.text("backprop") != "7"
    _undo_redo(window, calculator, before, _after(calculator, before))
    assert window.panel("calculator").inputs["backprop"].text() == "7"


def test_nothing_to_undo_is_said(window):
    assert not window.undo_action.isEnabled()
    window.undo_stack.undo()  # and nothing breaks


# --- export -----------------------------------------------------------------------------------
def _views(qtbot, window):
    window.model("calculator").calculate()
    _add_rows(window.model("calculator"))
    _swept(qtbot, window)
    window.open_panel("netcheck")
    netcheck = window.model("netcheck")
    netcheck.set_text("layers", "6,5,3")
    netcheck.run()
    qtbot.waitUntil(lambda: netcheck.result() is not None, timeout=30000)
    views = {}
    for key in window.panel_keys():
        views.update(plot_export.plot_views(key, window.open_panel(key)))
    assert sorted(views) == ["calculator", "explorer", "heatmap"]
    return views


def test_every_plot_exports_to_png_svg_and_csv_that_open(window, qtbot, tmp_path):
    for name, view in _views(qtbot, window).items():
        png, svg, table = (tmp_path / f"{name}.{suffix}" for suffix in ("png", "svg", "csv"))
        plot_export.export_png(view, png, 900, 500)
        image = QImage(str(png))
        assert (image.width(), image.height()) == (900, 500), name
        plot_export.export_svg(view, svg)
        root = ElementTree.parse(svg).getroot()
        assert root.tag.endswith("svg")
        drawn = [e for e in root.iter() if e.tag.split("}")[-1] in ("path", "polyline", "image")]
        assert len(drawn) > 5, name
        plot_export.export_csv(view, table)
        rows = list(csv.reader(table.open(encoding="utf-8")))
        assert len(rows) > 3, name
        assert {len(row) for row in rows} == {len(rows[0])}, name  # one width for every row
        if name == "heatmap":  # every entry of every tensor, named, as relative errors
            assert rows[0] == ["tensor", "row", "column", "relative_error"]
            report = window.model("netcheck").result()
            expected = {
                (t.name, float(e)) for t in report.tensors for e in np.ravel(t.relative_errors)
            }
            assert len(rows) - 1 == sum(np.size(t.relative_errors) for t in report.tensors)
            assert {(r[0], float(r[3])) for r in rows[1:]} == expected
            continue
        assert rows[0] == ["plot", "series", "x", "y"]
        if name == "explorer":
            series = {row[1] for row in rows[1:]}
            assert {"central", "|error| central"} <= series
    assert window.size().width() == 1280  # the window is as it was


def test_a_plot_copies_as_an_image_and_has_a_context_menu(window):
    view = plot_export.plot_views("calculator", window.panel("calculator"))["calculator"]
    plot_export.copy_image(view)
    assert not QGuiApplication.clipboard().image().isNull()
    texts = [action.text() for action in plot_export.plot_menu(view, "calculator").actions()]
    assert texts[:4] == ["Copy as image", "Export as PNG…", "Export as SVG…", "Export data as CSV…"]
    explorer = plot_export.plot_views("explorer", window.open_panel("explorer"))["explorer"]
    menu = plot_export.plot_menu(explorer, "explorer", window.panel("explorer").actions())
    assert "Pin this sweep" in menu.actions()[0].text()


def test_an_absurd_png_size_is_refused_in_words(window):
    view = plot_export.plot_views("calculator", window.panel("calculator"))["calculator"]
    with pytest.raises(ValueError, match="between 1 and"):
        plot_export.render_png(view, 100_000, 100_000)


def test_tables_copy_selected_rows_as_tab_separated_text_and_export_csv(window, tmp_path):
    model = window.model("calculator")
    _add_rows(model, 4)
    table = window.panel("calculator").history_table
    selection = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(table.model().index(0, 0), flags)
    selection.select(table.model().index(2, 0), flags)
    text = copy_rows(table)
    assert QGuiApplication.clipboard().text() == text
    lines = text.splitlines()
    header = table.model().headerData(0, Qt.Orientation.Horizontal)
    assert len(lines) == 3 and lines[0].split("\t")[0] == header
    cell = table.model().index
    assert lines[1].split("\t")[0] == table.model().data(cell(0, 0), EXACT_ROLE)
    assert lines[2].split("\t")[0] == table.model().data(cell(2, 0), EXACT_ROLE)
    export_table_csv(table, tmp_path / "t.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 5  # header + every row, whatever is selected
    assert len(table.selectionModel().selectedRows()) == 2  # the selection is kept


@pytest.mark.parametrize(("suffix", "starts"), [(".md", "#"), (".json", "{"), (".csv", "")])
def test_results_export_in_every_panel(window, qtbot, tmp_path, suffix, starts):
    _swept(qtbot, window)
    for key in ("calculator", "explorer"):
        path = tmp_path / f"{key}{suffix}"
        said = export_results(window, key, path)
        assert said.startswith("Saved"), said
        assert path.read_text(encoding="utf-8").lstrip().startswith(starts)
    assert export_results(window, "netcheck", tmp_path / "n.md").startswith("Nothing to export")


# --- pins -------------------------------------------------------------------------------------
def test_up_to_four_sweeps_are_pinned_with_legend_entries(window, qtbot):
    explorer = _swept(qtbot, window)
    panel = window.panel("explorer")
    for _ in range(4):
        panel.pin_action.trigger()
    assert len(explorer.pins.pins()) == 4
    assert "Up to 4" in explorer.pins.pin(explorer.result())
    assert len(panel.pin_overlay.legend.items) == 4
    assert len(panel.pin_overlay.curves) == 8  # each on both plots
    saved = explorer.state()["pins"]
    panel.clear_pins_action.trigger()
    assert explorer.pins.pins() == [] and panel.pin_overlay.curves == []
    assert explorer.restore({"pins": saved}) == []
    assert len(panel.pin_overlay.legend.items) == 4


# --- drops ------------------------------------------------------------------------------------
def test_dropping_a_table_adds_its_rows_undoably(window, tmp_path):
    path = tmp_path / "measured.csv"
    path.write_text("eps,L+,L-\n1e-3,0.1201,0.12\n1e-4,0.12001,0.12\n", encoding="utf-8")
    said = open_dropped(window, path)
    assert "Added 2 measurement rows" in said
    assert len(window.model("calculator").history_rows()) == 2
    window.undo_action.trigger()
    assert window.model("calculator").history_rows() == []


def test_dropping_a_probe_runs_nothing_and_says_so(window, tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("raise SystemExit('must not run')\n", encoding="utf-8")
    assert "was not run" in open_dropped(window, path)  # not asked (a test): never runs
    assert not window.model("explorer").probe.opening
    window.probe_drop_handler = lambda dropped: f"asked about {dropped.name}"
    assert open_dropped(window, path) == "asked about probe.py"


def test_dropping_a_session_opens_it(window, tmp_path):
    window.model("calculator").set_text("epsilon", "0.25")
    window.session.save(tmp_path / "d.fdgui.json")
    window.session.new()
    assert "Opened d.fdgui.json" in open_dropped(window, tmp_path / "d.fdgui.json")
    assert window.model("calculator").text("epsilon") == "0.25"
