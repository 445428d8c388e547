"""The explorer's largest ε follows w as the CLI's does (review16x H1): untold, the range
reaches ε = max(1, |w|) (capped), so a coarser part at w = 1e4 moves. The window's Max
field said "1" and swept to 1 where `fdgui-cli sweep` without --max swept to |w|: the same
point judged on two ranges. Now the field is empty by default, says what it follows, and
the window sweeps the CLI's range."""

import pytest

from fdgui.core import requests


def test_the_default_max_text_follows_w():
    assert requests.SWEEP_DEFAULTS["max"] == ""
    at_w = requests.sweep_request({"max": ""}, point=1e4)
    assert at_w.epsilon_max == 1e4
    assert requests.sweep_request({}, point=1e4).epsilon_max == 1e4  # the CLI untold
    assert requests.sweep_request({"max": "  "}, point=0.3).epsilon_max == 1.0
    assert requests.sweep_request({"max": "2"}, point=1e4).epsilon_max == 2.0  # typed: kept


@pytest.mark.parametrize("point", ["1e4", "0.7"])
def test_the_window_sweeps_the_cli_default_range(qtbot, point):
    from fdgui.ui.explorer.panel import ExplorerPanel

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=10000)
    edit = panel.edits["max"]
    assert edit.text() == ""
    assert "|w|" in edit.placeholderText()
    panel.model.set_texts({"expression": "sin(w)", "point": point, "points": "60"})
    panel.model.sweep()
    qtbot.waitUntil(
        lambda: panel.model.result() is not None and panel.model.result().epsilons.size == 60,
        timeout=20000,
    )
    cli = requests.sweep_request({"points": "60"}, point=float(point))
    assert panel.model.result().epsilons[-1] == pytest.approx(cli.epsilon_max)
    assert panel.model.result().epsilons[0] == pytest.approx(cli.epsilon_min)
