"""The explorer's "your derivative" field and Import table…"""

from __future__ import annotations

import pytest

from fdgui.ui import worker
from fdgui.ui.explorer.model import ExplorerModel


def _swept(model, qtbot) -> None:
    """A sweep, to its end: on a loaded machine the references overrun the inline budget
    and the sweep moves to the worker."""
    model.sweep()
    qtbot.waitUntil(lambda: not worker._live_jobs, timeout=60_000)


@pytest.fixture
def model(qtbot):
    made = ExplorerModel()
    yield made
    made.cancel()
    made.deleteLater()


def test_your_derivative_becomes_the_gradient_under_check(model, qtbot):
    model.set_texts({"expression": "sin(w)", "point": "0.7", "grad": "cos(w)"})
    _swept(model, qtbot)
    result = model.result()
    assert result.reference.method == "your derivative"
    assert [r.method for r in result.references][:2] == ["your derivative", "analytic"]
    assert model.diagnosis().kind == "correct"
    model.set_text("grad", "cos(w) + 1e-7")
    _swept(model, qtbot)
    assert model.diagnosis().kind == "wrong"
    assert model.disagreeing_reference().method == "analytic"
    model.set_text("grad", "")  # empty: the analytic derivative is under check again
    _swept(model, qtbot)
    assert model.result().reference.method == "analytic"


def test_a_bad_derivative_is_refused_in_words_and_nothing_is_lost(model):
    model.set_texts({"expression": "sin(w)", "grad": "cos(w"})
    model.sweep()
    assert "grad" in model.errors()
    assert model.texts()["grad"] == "cos(w"


def test_import_table_keeps_good_rows_and_lists_bad_ones(qtbot, tmp_path):
    from fdgui.ui.explorer.panel import ExplorerPanel

    model = ExplorerModel()
    panel = ExplorerPanel(None, model)
    qtbot.addWidget(panel)
    path = tmp_path / "rows.csv"
    path.write_text(
        "eps,L+,L-\n0.01,0.8510008333,0.8490008333\nbad,1,2\n0.001,0.8501000008,0.8499000008\n"
        "0.0001,0.85001,0.84999\n",
        encoding="utf-8",
    )
    assert panel.import_table_file(str(path))
    assert model.source() == "measured"
    assert model.imported_table()[0] == 3
    assert "line 3" in panel.rows_label.text()
    _swept(model, qtbot)
    assert model.diagnosis().kind == "estimate"
    model.set_text("measured_backprop", "0.2")
    _swept(model, qtbot)
    # flat rows with no loss at w refute only what no kink closer to w than a thousandth of
    # the smallest ε could explain: twice the gradient is that far
    assert model.diagnosis().kind == "wrong"
    model.set_text("measured_backprop", "0.1")
    _swept(model, qtbot)
    assert model.diagnosis().kind == "correct"
    (tmp_path / "empty.csv").write_text("# nothing\n", encoding="utf-8")
    assert not panel.import_table_file(str(tmp_path / "empty.csv"))
    assert not panel.import_table_file(str(tmp_path / "missing.csv"))
    assert model.imported_table()[0] == 3  # a failed import loses nothing
    model.deleteLater()


def test_the_heat_map_scale_is_fixed_to_the_verdict_bands(qtbot):
    from fdgui.ui.netcheck.plots import HEAT_LEVELS, HeatMap, verdict_colour_map

    heat = HeatMap()
    qtbot.addWidget(heat)
    assert tuple(heat.color_bar.levels()) == HEAT_LEVELS
    colours = verdict_colour_map()
    low, high = HEAT_LEVELS

    def colour_at(log_error: float) -> tuple:
        # plain ints: numpy uint8 values would wrap around in the distances below
        rgb = colours.map([(log_error - low) / (high - low)], mode="byte")[0][:3]
        return tuple(int(v) for v in rgb)

    from PySide6.QtGui import QColor

    from fdgui.core.numbers.verdicts import VERDICTS

    palette = [QColor(verdict.colour) for verdict in VERDICTS]
    for log_error, verdict in zip((-7.1, -4.1, -2.1, -0.1), VERDICTS, strict=True):
        red, green, blue = (int(x) for x in colour_at(log_error))
        distances = [
            (red - c.red()) ** 2 + (green - c.green()) ** 2 + (blue - c.blue()) ** 2
            for c in palette
        ]
        # just below each band's upper edge the colour is that verdict's own
        assert distances.index(min(distances)) == VERDICTS.index(verdict), log_error
    # and the bands are steps: just above 1e-7 is no longer the "correct" green
    assert colour_at(-6.99) != colour_at(-7.01)
