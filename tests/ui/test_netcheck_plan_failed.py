"""A cost measurement that fails says so in the Cost table, not "measuring…" for good
(review11p L2: a probe slower than its timeout left the table measuring indefinitely)."""

from __future__ import annotations

from fdgui.ui.netcheck.panel import create_panel
from tests.ui.test_netcheck_panel import FakeContext

SLOW = """
import os, time
import numpy as np
theta0 = np.linspace(0.1, 0.6, 6)
calls = 0
def loss(t):
    global calls
    calls += 1
    if calls > 2 and os.path.exists({flag!r}):  # opening reads the loss at θ0; the cost
        time.sleep(0.6)  # measurement times further calls
    return float(t @ t)
def grad(t):
    return 2 * t
"""


def test_a_failed_cost_measurement_is_said_in_the_table(qtbot, tmp_path):
    path = tmp_path / "slow.py"
    flag = tmp_path / "slow"
    flag.write_text("while this file exists")
    path.write_text(SLOW.format(flag=str(flag)))
    panel = create_panel(FakeContext())
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    model = panel.model
    model.set_text("probe_timeout", "0.2")
    assert model.open_probe(str(path))
    qtbot.waitUntil(lambda: not model.probe.opening, timeout=30_000)
    messages = []
    model.statusMessage.connect(messages.append)
    qtbot.waitUntil(lambda: any("Could not measure" in m for m in messages), timeout=60_000)
    qtbot.wait(100)
    texts = [panel.plan_table.item(row, 2).text() for row in range(3)]
    assert not any("measuring" in text for text in texts), texts
    assert all("not measured" in text for text in texts), texts
    # the reason stays at hand after the status bar has moved on
    assert "did not answer" in panel.plan_table.item(0, 2).toolTip()
    flag.unlink()  # the loss is quick again
    model.set_text("probe_timeout", "30")  # a new measurement clears it
    qtbot.waitUntil(
        lambda: panel.plan_table.item(0, 2).text().endswith(("ms", " s")), timeout=60_000
    )
