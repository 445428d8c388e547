"""Measured rows in the explorer: the Dtype combo is not what counts ("Losses from" is), and
two imported rows are "too few to judge", as ``fdgui-cli sweep --table`` says (exit 2)."""

from __future__ import annotations

import subprocess
import sys

from fdgui.ui.explorer.model import ExplorerModel

ROWS = "eps,L+,L-\n1e-3,0.6447218765,0.6433176234\n1e-4,0.6440899245,0.6439495090\n"


def _panel(qtbot):
    from fdgui.ui.explorer.panel import ExplorerPanel

    model = ExplorerModel()
    panel = ExplorerPanel(None, model)
    qtbot.addWidget(panel)
    return model, panel


def test_the_dtype_combo_is_disabled_for_measured_rows_and_says_why(qtbot, tmp_path):
    model, panel = _panel(qtbot)
    dtype = panel.inputs.fields.combos["dtype"]
    assert dtype.isEnabled()
    path = tmp_path / "two.csv"
    path.write_text(ROWS, encoding="utf-8")
    assert panel.import_table_file(str(path))
    assert model.source() == "measured"
    assert not dtype.isEnabled() and "Losses from" in dtype.toolTip()
    model.set_source("expression")
    assert dtype.isEnabled() and "Losses from" not in dtype.toolTip()
    model.deleteLater()


def test_two_rows_say_what_the_cli_says(qtbot, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text(ROWS, encoding="utf-8")
    model, panel = _panel(qtbot)
    assert panel.import_table_file(str(path))
    model.set_text("measured_backprop", "0.7021")
    model.sweep()
    qtbot.waitUntil(lambda: model.diagnosis() is not None, timeout=10_000)
    title = panel.diagnosis_title.toolTip()
    text = panel.diagnosis_text.text()
    cli = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--table", str(path), "--backprop", "0.7021"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.returncode == 2
    assert title == "Too few rows to judge" and f"{title}: " in cli.stdout
    assert "consistent" not in (title + text).lower() and "too few" in text
    assert "too few to judge" in cli.stderr
    model.deleteLater()
