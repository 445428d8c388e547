"""The calculator's history as a Qt model: long tables read off the GUI thread, rows kept in
order, the plot following the model row by row, and a saved history of any length."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from PySide6.QtCore import Qt

from fdgui.core import session as files
from fdgui.core.calculator.schemes import Measurement, estimate, measurement, parse_inputs
from fdgui.core.numbers import format as fmt
from fdgui.ui.calculator import model as calculator_model
from fdgui.ui.calculator.history import HistoryTableModel
from fdgui.ui.calculator.model import CalculatorModel


def _rows(count: int, start: int = 0) -> list[dict[str, str]]:
    """Saved rows of L(w) = w³ at w = 1, each ε different (so the order can be checked)."""
    rows = []
    for number in range(start, start + count):
        eps = 1e-3 * (1 + number / 1e6)
        rows.append(
            {
                "epsilon": repr(eps),
                "loss_plus": repr((1 + eps) ** 3),
                "loss_minus": repr((1 - eps) ** 3),
                "loss": "1",
            }
        )
    return rows


def _table(rows: list[dict[str, str]]) -> str:
    lines = ["eps\tL+\tL-\tL"]
    lines += [f"{r['epsilon']}\t{r['loss_plus']}\t{r['loss_minus']}\t{r['loss']}" for r in rows]
    return "\n".join(lines)


def test_measurement_is_the_estimates_row():
    for texts in [*_rows(50), {"epsilon": "1e-300", "loss_plus": "7e300", "loss_minus": "-2"}]:
        inputs, errors = parse_inputs(texts)
        assert not errors
        assert measurement(inputs) == Measurement.from_estimate(estimate(inputs))


def test_the_table_model_shows_rows_and_keeps_points_in_step(qtbot):
    history = HistoryTableModel()
    rows = [measurement(parse_inputs(texts)[0]) for texts in _rows(5)]
    inserted = []
    history.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    history.append_rows(rows[:3])
    history.append_rows(rows[3:])
    assert inserted == [(0, 2), (3, 4)]
    assert history.rowCount() == 5 and history.columnCount() == 6
    # the window's number rule: ε in its one format, ≤ 7 digits, every digit on hover
    assert history.index(1, 0).data() == fmt.epsilon(rows[1].epsilon)
    assert history.index(1, 3).data() == fmt.display(rows[1].central)
    tip = history.index(1, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert Decimal(tip.split("\n\n")[0].replace("\n", "")) == rows[1].central  # every digit
    assert history.headerData(0, Qt.Orientation.Horizontal) == "ε"
    assert np.allclose(history.points()[:, 0], [float(r.epsilon) for r in rows])
    removed = history.remove_rows([4, 1, 3, 99])
    assert removed == [1, 3, 4]
    assert history.rows() == [rows[0], rows[2]]
    assert np.allclose(history.points()[:, 1], [float(rows[0].central), float(rows[2].central)])
    history.clear()
    assert history.rowCount() == 0 and history.points().shape == (0, 4)


def test_a_long_paste_is_read_off_the_gui_thread_with_its_problems(qtbot, monkeypatch):
    monkeypatch.setattr(calculator_model, "BACKGROUND_ROWS", 50)
    model = CalculatorModel()
    rows = _rows(300)
    text = _table(rows[:100]) + "\nbad\t1\t2\n" + "\n".join(_table(rows[100:]).splitlines()[1:])
    with qtbot.waitSignal(model.tableRead, timeout=10_000) as signal:
        model.paste_table(text)
        assert len(model.history) == 0  # nothing yet: it is being read
    added, problems = signal.args
    assert added == 300 and len(problems) == 1 and problems[0].startswith("line 102:")
    assert [str(r.epsilon) for r in model.history_rows()] == [r["epsilon"] for r in rows]


def test_a_long_saved_history_arrives_before_rows_typed_meanwhile(qtbot, monkeypatch):
    monkeypatch.setattr(calculator_model, "BACKGROUND_ROWS", 50)
    monkeypatch.setattr(calculator_model, "RESTORE_DELAY_MS", 0)
    model = CalculatorModel()
    saved = [*_rows(400), {"epsilon": "1e1000000", "loss_plus": "1", "loss_minus": "0"}]
    problems = model.restore({"history": saved})
    assert problems == []  # the damaged row is counted when the rows arrive
    assert model.is_reading()
    kept = files.split_rows(files.table_rows(model.state()["history"])[0])
    assert len(kept) == 401  # nothing lost while reading, the damaged row included
    assert [files.row_cells(row) for row in kept[:400]] == [
        {"loss": "", **row} for row in saved[:400]
    ]
    model.calculate()  # the example, typed meanwhile
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=10_000)
    rows = model.history_rows()
    assert len(rows) == 401
    assert str(rows[-1].epsilon) == "0.0001"
    assert [str(r.epsilon) for r in rows[:400]] == [r["epsilon"] for r in saved[:400]]


def test_clearing_drops_a_saved_history_still_being_read(qtbot, monkeypatch):
    monkeypatch.setattr(calculator_model, "BACKGROUND_ROWS", 50)
    model = CalculatorModel()
    model.restore({"history": _rows(200)})
    model.clear_history()
    qtbot.wait(calculator_model.RESTORE_DELAY_MS + 300)
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=10_000)
    assert model.history_rows() == []


@pytest.mark.parametrize("count", [10, 3000])
def test_the_plot_follows_the_model_row_by_row(qtbot, count):
    from fdgui.ui.calculator.plots import EXACT_POINTS, HistoryPlot

    history = HistoryTableModel()
    plot = HistoryPlot()
    plot.set_model(history)
    rows = [measurement(parse_inputs(texts)[0]) for texts in _rows(count)]
    outlier = measurement(parse_inputs({"epsilon": "1e-3", "loss_plus": "9", "loss_minus": "0"})[0])
    history.append_rows(rows)
    history.append_rows([outlier])
    plot.redraw()
    xs, ys = plot.central.getOriginalDataset()
    assert max(ys) == pytest.approx(4500)  # the outlier is drawn, binned or not
    assert min(ys) == pytest.approx(min(float(r.central) for r in rows))
    if count + 1 <= EXACT_POINTS:
        assert len(xs) == count + 1
    else:
        assert len(xs) < count / 2  # an envelope, not every point
        assert "lowest and highest" in plot.widget.toolTip()
    history.remove_rows(range(len(history) - 1))
    plot.redraw()
    xs, ys = plot.central.getOriginalDataset()
    assert list(ys) == [pytest.approx(4500)]
    assert all(math.isfinite(x) for x in xs)


def test_estimates_too_large_to_draw_stay_in_the_table_only(qtbot):
    from fdgui.ui.calculator.plots import HistoryPlot

    history = HistoryTableModel()
    plot = HistoryPlot()
    plot.set_model(history)
    huge = {"epsilon": "1e-300", "loss_plus": "1e300", "loss_minus": "0", "loss": "0"}
    history.append_rows([measurement(parse_inputs(texts)[0]) for texts in [*_rows(3), huge]])
    plot.redraw()
    xs, _ys = plot.central.getOriginalDataset()
    assert len(xs) == 3 and history.rowCount() == 4
    assert "in the table only" in plot.widget.toolTip()
    plot.set_backprop(1e300)
    assert not plot.backprop.isVisible()
    plot.widget.resize(400, 300)
    plot.widget.grab()  # paints without a warning (warnings are errors in this suite's run)


def test_a_field_shortened_for_display_never_raises():
    """The short form of a field's text (instrument) met 1e1000000 from the monkey."""
    from fdgui.ui.calculator.panel import short_field_text
    from tests.fuzz.strategies import EDGE_TEXTS

    for text in [*EDGE_TEXTS, "1.23456789012345678e1000000", "9" * 400 + "e-999999"]:
        assert isinstance(short_field_text(text), str)
    assert short_field_text("0.123456789012345678901").endswith("…")


def test_a_long_paste_is_one_undo_step_and_escape_stops_one_being_read(window, qtbot):
    """The bulk reader keeps what a long paste promised: Escape stops it (nothing added),
    and a paste read to its end is undone as one step."""
    model = window.model("calculator")
    before = len(model.history)
    text = _table(_rows(60_000))
    model.paste_table(text)
    assert model.is_reading()
    assert model.cancel_reading()  # Escape
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=30_000)
    qtbot.wait(100)
    assert len(model.history) == before
    with qtbot.waitSignal(model.tableRead, timeout=60_000):
        model.paste_table(text)
    assert len(model.history) == before + 60_000
    assert "Paste table" in model.undo_stack.undo_text()
    model.undo_stack.undo()
    assert len(model.history) == before
