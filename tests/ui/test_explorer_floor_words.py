"""The explorer's cursor sentence says when the relative error is taken against the 1e-8 floor
(review10i M5: bfloat16 w**8 at 0.01 read "central relative error 9.6e-8" beside a banner
saying the error against the gradient itself is 0.012)."""

from __future__ import annotations

import pytest

from fdgui.ui.explorer.model import ExplorerModel


@pytest.fixture
def model(qtbot):
    made = ExplorerModel()
    yield made
    made.cancel()
    made.deleteLater()


def _swept(model, qtbot):
    model.sweep()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_stale(), timeout=60000)


def test_a_floored_relative_error_is_said_to_be_floored(model, qtbot):
    texts = []
    model.readoutChanged.connect(lambda _readout, text: texts.append(text))
    model.set_texts({"expression": "w**8", "point": "0.01", "dtype": "bfloat16"})
    _swept(model, qtbot)
    result = model.result()
    assert abs(result.reference.value) < 1e-8
    model.set_cursor_epsilon(1e-3)
    assert texts and "relative error" in texts[-1]
    assert "1e-8 floor" in texts[-1] and "gradient itself" in texts[-1], texts[-1]


def test_an_unfloored_relative_error_says_nothing_of_a_floor(model, qtbot):
    texts = []
    model.readoutChanged.connect(lambda _readout, text: texts.append(text))
    model.set_texts({"expression": "sin(w)", "point": "0.7", "dtype": "float64"})
    _swept(model, qtbot)
    model.set_cursor_epsilon(1e-5)
    assert texts and "relative error" in texts[-1] and "floor" not in texts[-1]
