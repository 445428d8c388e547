"""A network-check report that comes back from a session is shown in the panel exactly as
after the run: badge, words, tables, heat map of every tensor, worst rows, buttons."""

import json

import numpy as np
import pytest

from fdgui.core.report.exporters import export
from fdgui.ui.main_window import MainWindow
from fdgui.ui.netcheck.results_view import NOT_RUN_BADGE


def _window(qtbot):
    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    return window


def _checked(qtbot, window, **texts):
    model = window.model("netcheck")
    for field, text in texts.items():
        model.set_text(field, text)
    panel = window.open_panel("netcheck")
    before = model.result()
    assert model.run()
    qtbot.waitUntil(lambda: model.result() is not before and not model.is_busy(), timeout=60000)
    return panel


def _cells(table):
    return [
        [
            (
                table.item(r, c).text(),
                table.item(r, c).toolTip(),
                table.item(r, c).foreground().color().name(),
            )
            if table.item(r, c) is not None
            else None
            for c in range(table.columnCount())
        ]
        for r in range(table.rowCount())
    ]


def _heat_maps(panel):
    """Every tensor's drawn picture, title and placement, as the heat-map tab shows it."""
    drawn = {}
    combo = panel.heat_tensor
    for index in range(combo.count()):
        combo.setCurrentIndex(index)
        image = panel.heat_image.image
        drawn[combo.itemText(index)] = (
            None if image is None else np.array(image),
            panel.heat_plot.titleLabel.text,
            tuple(panel.heat_image.boundingRect().getRect()),
        )
    return drawn


def _shown(panel):
    """Everything the results side shows."""
    return {
        "badge": panel.verdict_badge.text(),
        "badge_style": panel.verdict_badge.styleSheet(),
        "words": panel.verdict_label.text(),
        "settings": panel.settings_label.text(),
        "tensors": _cells(panel.tensor_table),
        "worst": _cells(panel.worst_table),
        "worst_headers": [
            panel.worst_table.horizontalHeaderItem(c).text()
            for c in range(panel.worst_table.columnCount())
        ],
        "heat_tensor": panel.heat_tensor.currentText(),
        "exports": [b.isEnabled() for b in panel.export_buttons.values()],
        "code_tips": (panel.copy_torch_button.toolTip(), panel.copy_jax_button.toolTip()),
    }


def _same_heat_maps(first, second):
    assert first.keys() == second.keys()
    for name in first:
        a, b = first[name], second[name]
        assert a[1:] == b[1:], name
        assert a[0] is not None and b[0] is not None, name
        np.testing.assert_array_equal(a[0], b[0], err_msg=name)


@pytest.mark.parametrize(
    "texts",
    [
        {"layers": "6,5,3"},  # a pass
        {"layers": "6,5,5,3", "bug": "transpose", "dtype": "float32"},  # a failure
        {"layers": "7,4,3", "mode": "projection", "directions": "5"},
        {"layers": "9,6,3", "mode": "sample", "samples": "4", "activation": "relu"},
    ],
    ids=["pass", "fail-float32", "projection", "sample-relu"],
)
def test_a_saved_report_is_shown_again_exactly_in_a_new_window(qtbot, tmp_path, texts):
    window = _window(qtbot)
    panel = _checked(qtbot, window, **texts)
    report = window.model("netcheck").result()
    shown, heat = _shown(panel), _heat_maps(panel)
    panel.heat_tensor.setCurrentIndex(panel.heat_tensor.findText(report.worst_tensor))
    exports = {fmt: export(report, fmt) for fmt in ("text", "markdown", "csv", "json")}
    assert shown["badge"] != NOT_RUN_BADGE
    assert not panel.restored_label.isVisible()
    path = tmp_path / "check.fdgui.json"
    assert window.session.save(path)

    second = _window(qtbot)
    assert second.session.open_file(path), second.session.last_message
    assert "shown again" in second.session.last_message
    again = second.open_panel("netcheck")
    restored = second.model("netcheck").result()
    assert restored is not None and not second.model("netcheck").is_busy()
    assert _shown(again) == shown
    _same_heat_maps(_heat_maps(again), heat)
    assert {fmt: export(restored, fmt) for fmt in exports} == exports
    from fdgui.ui.plot_export import heat_map_csv

    assert heat_map_csv(restored) == heat_map_csv(report)
    note = again.restored_label
    assert not note.isHidden() and note.text().startswith("Restored report from the session")
    assert "no longer match" not in note.text()
    again.copy_report()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == exports["text"]
    assert again.copy_code("torch")  # the copy buttons work on the restored report
    # saved again as it came (an unchanged session stays clean)
    assert not second.session.is_dirty()
    assert (
        second.collect_states()["netcheck"]["report_data"]
        == json.loads(path.read_text(encoding="utf-8"))["panels"]["netcheck"]["report_data"]
    )


def test_the_note_says_when_the_fields_no_longer_match_the_report(qtbot, tmp_path):
    window = _window(qtbot)
    _checked(qtbot, window, layers="6,5,3")
    path = tmp_path / "c.fdgui.json"
    window.session.save(path)
    second = _window(qtbot)
    second.session.open_file(path)
    panel = second.open_panel("netcheck")
    model = second.model("netcheck")
    model.set_text("dtype", "float32")
    text = panel.restored_label.text()
    assert text.startswith("⚠") and "no longer match" in text
    assert "dtype float64 in the report, float32 in the fields" in text
    model.set_text("layers", "6,x")
    assert "do not hold a complete setting" in panel.restored_label.text()
    model.set_text("layers", "6,5,3")
    model.set_text("dtype", "float64")
    assert "no longer match" not in panel.restored_label.text()
    # a run replaces the restored report: the note goes
    model.run()
    qtbot.waitUntil(lambda: model.restored is None and not model.is_busy(), timeout=60000)
    assert panel.restored_label.isHidden()


def test_a_heat_map_not_kept_is_said_not_drawn_blank(qtbot, tmp_path, monkeypatch):
    from fdgui.core.netcheck import stored

    monkeypatch.setattr(stored, "HEAT_BUDGET", 40)  # W1 of 6,5,3 has 30 cells, W2 15
    monkeypatch.setattr(stored, "ERRORS_BUDGET", 30)
    window = _window(qtbot)
    _checked(qtbot, window, layers="6,5,3")
    path = tmp_path / "c.fdgui.json"
    window.session.save(path)
    second = _window(qtbot)
    second.session.open_file(path)
    panel = second.open_panel("netcheck")
    assert "Heat map not kept for" in panel.restored_label.text()
    drawn = _heat_maps(panel)
    kept = [name for name, (image, _t, _r) in drawn.items() if image is not None]
    gone = [name for name, (image, _t, _r) in drawn.items() if image is None]
    assert kept and gone
    for name in gone:
        assert "heat map unavailable" in drawn[name][1]
    from fdgui.ui.plot_export import heat_map_csv

    rows = heat_map_csv(second.model("netcheck").result()).splitlines()[1:]
    assert {row.split(",")[0] for row in rows} == {"W1"}  # only what was kept, never invented


def test_a_session_without_a_report_clears_the_shown_one(qtbot, tmp_path):
    window = _window(qtbot)
    empty = tmp_path / "empty.fdgui.json"
    window.session.save(empty)
    panel = _checked(qtbot, window, layers="6,5,3")
    assert window.session.open_file(empty)
    assert window.model("netcheck").result() is None
    assert panel.verdict_badge.text() == NOT_RUN_BADGE
    assert panel.tensor_table.rowCount() == 0 and panel.worst_table.rowCount() == 0
    assert not any(b.isEnabled() for b in panel.export_buttons.values())
    assert "report_data" not in window.collect_states()["netcheck"]
    # and File → New too
    _checked(qtbot, window, layers="6,5,3")
    window.session.new()
    assert window.model("netcheck").result() is None
    assert panel.verdict_badge.text() == NOT_RUN_BADGE


def test_a_damaged_report_is_named_and_its_text_kept(qtbot, tmp_path):
    window = _window(qtbot)
    _checked(qtbot, window, layers="6,5,3")
    path = tmp_path / "c.fdgui.json"
    window.session.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["panels"]["netcheck"]["report_data"]["tensors"][0]["heat_map"]["zlib_base64"] = "!!"
    path.write_text(json.dumps(document), encoding="utf-8")
    second = _window(qtbot)
    assert second.session.open_file(path)
    message = second.session.last_message
    assert "netcheck report_data (W1 heat map is damaged)" in message
    assert "kept as text" in message
    assert second.model("netcheck").result() is None
    texts = second.model("netcheck").texts()
    assert texts["layers"] == "6,5,3"  # the rest is restored


def test_an_older_session_with_the_report_as_text_only_still_opens(qtbot, tmp_path):
    from fdgui.ui.session_panels import export_results

    window = _window(qtbot)
    _checked(qtbot, window, layers="6,5,3")
    path = tmp_path / "old.fdgui.json"
    window.session.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["panels"]["netcheck"]["report_data"]  # what the first sessions wrote
    path.write_text(json.dumps(document), encoding="utf-8")
    second = _window(qtbot)
    assert second.session.open_file(path), second.session.last_message
    assert "kept as text" in second.session.last_message
    kept = tmp_path / "kept.md"
    assert export_results(second, "netcheck", kept).startswith("Saved")
    assert kept.read_text(encoding="utf-8") == document["panels"]["netcheck"]["report"]["markdown"]


def test_a_session_too_large_with_the_heat_maps_is_saved_without_them(qtbot, tmp_path, monkeypatch):
    from fdgui.core import session as files
    from fdgui.core.netcheck.stored import without_arrays

    window = _window(qtbot)
    _checked(qtbot, window, layers="40,30,30,10", bug="transpose")  # errors everywhere
    full = tmp_path / "full.fdgui.json"
    assert window.session.save(full)
    document = json.loads(full.read_text(encoding="utf-8"))
    netcheck = document["panels"]["netcheck"]
    netcheck["report_data"] = without_arrays(netcheck["report_data"], "x" * 60)
    slim_size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())
    assert slim_size + 2000 < full.stat().st_size  # the arrays are what is large
    monkeypatch.setattr(files, "MAX_BYTES", slim_size + 500)  # the arrays do not fit
    path = tmp_path / "cut.fdgui.json"
    assert window.session.save(path), window.session.last_message
    assert path.stat().st_size <= files.MAX_BYTES
    second = _window(qtbot)
    assert second.session.open_file(path), second.session.last_message
    panel = second.open_panel("netcheck")
    assert panel.verdict_badge.text() == window.panel("netcheck").verdict_badge.text()
    assert "would have been larger than" in panel.restored_label.text()
    assert all(image is None for image, _t, _r in _heat_maps(panel).values())
