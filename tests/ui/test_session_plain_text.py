"""Text from a session file is shown as text, never as markup (review 11 round 2, finding
4), and pins the plots cannot draw are refused and named (finding 10)."""

import json

import pytest
from PySide6.QtCore import Qt

from fdgui.core import requests
from fdgui.core.netcheck import run_to_completion
from fdgui.core.netcheck.stored import report_data
from fdgui.ui.main_window import MainWindow

RICH = "<h1 style='color:green'>PASSED</h1><img src='x.png'>"


def _window(qtbot):
    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    return window


def _probe_report_named(name):
    """A real failing report, as a probe's (no built-in network), with b1 renamed."""
    report = run_to_completion(
        requests.check_request({**requests.CHECK_DEFAULTS, "layers": "6,5,5,3", "bug": "transpose"})
    )
    data = json.loads(json.dumps(report_data(report)))
    data["settings"]["network"] = None
    old = data["tensors"][1]["name"]
    data["tensors"][1]["name"] = name
    for entry in data["worst"]:
        if entry["tensor"] == old:
            entry["tensor"] = name
    if data["worst_tensor"] == old:
        data["worst_tensor"] = name
    return data


def test_a_tensor_name_that_looks_like_markup_is_shown_as_text(qtbot, tmp_path):
    from fdgui.core import session as files

    path = tmp_path / "rich.fdgui.json"
    files.write_session(
        path, files.Session(panels={"netcheck": {"report_data": _probe_report_named(RICH)}})
    )
    window = _window(qtbot)
    assert window.session.open_file(path), window.session.last_message
    panel = window.open_panel("netcheck")
    assert window.model("netcheck").result() is not None
    assert RICH in panel.verdict_label.text()
    assert panel.verdict_label.textFormat() == Qt.TextFormat.PlainText
    assert panel.restored_label.textFormat() == Qt.TextFormat.PlainText
    combo = panel.heat_map.tensor_combo
    combo.setCurrentIndex(1)
    title = panel.heat_map.plot.titleLabel.text
    assert "<h1" not in title and "&lt;h1" in title


def test_a_pin_label_that_looks_like_markup_is_escaped_in_the_legend(qtbot):
    window = _window(qtbot)
    explorer = window.model("explorer")
    panel = window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.result() is not None, timeout=10000)
    explorer.pins.pin(explorer.result())
    pins = explorer.pins.state()
    pins[0]["label"] = RICH
    assert explorer.pins.restore(pins) == []
    overlay = panel.pin_overlay
    labels = [label.text for _sample, label in overlay.legend.items]
    assert labels and all("<h1" not in text and "&lt;h1" in text for text in labels)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda pin: pin.update(central=[1.7e308] * len(pin["central"])), "cannot draw"),
        (lambda pin: pin.update(label="L" * 3_000_000), "longer than"),
    ],
)
def test_pins_the_plots_cannot_show_are_refused_and_named(qtbot, change, words):
    window = _window(qtbot)
    explorer = window.model("explorer")
    window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.result() is not None, timeout=10000)
    explorer.pins.pin(explorer.result())
    pins = explorer.pins.state()
    change(pins[0])
    problems = explorer.pins.restore(pins)
    assert len(problems) == 1 and problems[0].startswith("pins[0]") and words in problems[0]
    assert explorer.pins.pins() == []
