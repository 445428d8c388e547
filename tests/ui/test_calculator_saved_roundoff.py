"""A session whose calculator round-off no float holds (review12c C5): the window names it
when opening, keeps the typed fields, and every Calculate works; no exception reaches Qt."""

from __future__ import annotations

from fdgui.core import session as files
from fdgui.ui.main_window import MainWindow

_TEXTS = {
    "loss": "0.0000362396240234375",
    "loss_plus": "0.0000362396240234375",
    "loss_minus": "0.0000362396240234375",
    "epsilon": "0.003",
    "backprop": "-0.00011903171585799562",
}


def test_a_round_off_of_1e_400_is_named_and_calculate_works(qtbot, tmp_path):
    path = tmp_path / "h400.fdgui.json"
    calculator = {"texts": dict(_TEXTS), "loss_roundoff": "1e-400"}
    calculator["steps"] = ["1e-999999", "1e-999999"]
    files.write_session(path, files.Session(panels={"calculator": calculator}))
    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    assert window.session.open_file(path)
    said = window.session.last_message
    assert "loss_roundoff" in said and "steps" in said
    model = window.model("calculator")
    assert model.texts()["loss_plus"] == _TEXTS["loss_plus"]  # the typed fields are kept
    assert model.recompute() is not None
    model.set_text("loss_plus", "0.0000362396240234376")
    assert model.recompute() is not None
