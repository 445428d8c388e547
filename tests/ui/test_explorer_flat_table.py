"""A table whose losses never change, in the window: the same title and words as
``fdgui-cli sweep --table`` (which exits 2 with a gradient under check), never "w ± ε rounds
back to w" — nothing rounded w; the losses do not change in the digits given."""

from __future__ import annotations

import subprocess
import sys

from fdgui.ui.explorer.model import ExplorerModel

ROWS = "".join(f"{eps},1.0,1.0,1.0\n" for eps in ("0.1", "0.05", "0.02", "0.01"))


def test_a_flat_table_says_in_the_window_what_the_cli_says(qtbot, tmp_path):
    from fdgui.ui.explorer.panel import ExplorerPanel

    path = tmp_path / "flat.csv"
    path.write_text(ROWS, encoding="utf-8")
    model = ExplorerModel()
    panel = ExplorerPanel(None, model)
    qtbot.addWidget(panel)
    assert panel.import_table_file(str(path))
    model.set_text("measured_backprop", "3")  # within 100 × what the rows resolve
    model.sweep()
    qtbot.waitUntil(lambda: model.diagnosis() is not None, timeout=10_000)
    title = panel.diagnosis_title.toolTip()
    text = panel.diagnosis_text.text()
    cli = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--table", str(path), "--backprop", "3"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.returncode == 2
    assert title == "Too coarse to judge (the losses never change)"
    assert f"{title}: " in cli.stdout
    assert "do not change in the digits given" in text and "rounds back" not in text
    assert "neither confirmed nor refuted" in text
    assert panel.view.vanished_text.toPlainText() == "no change"  # the shaded rows' label
    model.deleteLater()
