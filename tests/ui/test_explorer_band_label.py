"""The float64 band's label stays inside the plot when the rows start above 1e-7 (review10k
LOW: measured rows from ε = 1e-6 clipped "1e-7…1e-4: a float64 rule" to its last letter at
the plot's left edge), and is hidden when the band lies wholly left of the rows."""

from __future__ import annotations

import math

import pytest


@pytest.mark.parametrize(("smallest", "shown"), [("1e-6", True), ("1e-3", False)])
def test_the_band_label_starts_inside_the_view(qtbot, tmp_path, smallest, shown):
    from fdgui.ui.explorer.model import ExplorerModel
    from fdgui.ui.explorer.panel import ExplorerPanel

    low = float(smallest)
    steps = [low * factor for factor in (1, 10, 100, 1000)]
    rows = "".join(
        f"{h!r},{math.sin(0.3 + h)!r},{math.sin(0.3 - h)!r},{math.sin(0.3)!r}\n" for h in steps
    )
    path = tmp_path / "rows.csv"
    path.write_text(rows, encoding="utf-8")
    model = ExplorerModel()
    panel = ExplorerPanel(None, model)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    assert panel.import_table_file(str(path))
    model.sweep()
    qtbot.waitUntil(lambda: model.diagnosis() is not None, timeout=10_000)
    text = panel.view.seed_text
    assert text.isVisible() == shown
    if shown:
        left = panel.view.top.getViewBox().viewRange()[0][0]
        assert text.pos().x() >= left
    model.deleteLater()
