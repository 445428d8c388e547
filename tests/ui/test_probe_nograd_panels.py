"""A probe without a gradient in the window: the network check estimates its numeric
gradient with error bars in every mode (an "Estimate" badge, never a pass), with tables, heat
map, exports and Copy; the ε explorer sweeps one of its entries and gives the estimate
diagnosis, the same kind the CLI gives; the row goes to the calculator."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

NO_GRAD = """
import numpy as np
theta0 = np.linspace(-1.0, 1.5, 14)
names = [("W", (3, 4)), ("b", (2,))]
def loss(t):
    return float(np.sum(np.sin(t) * t) + 0.25 * t[0] * t[13])
"""


def exact_gradient(t):
    g = np.sin(t) + t * np.cos(t)
    g[0] += 0.25 * t[13]
    g[13] += 0.25 * t[0]
    return g


@pytest.fixture
def no_grad(tmp_path):
    path = tmp_path / "nograd.py"
    path.write_text(textwrap.dedent(NO_GRAD))
    return path


def pick(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def never_judges(*texts: str) -> None:
    for text in texts:
        lowered = text.lower()
        for word in ("pass", "correct", "fail", "wrong"):
            assert word not in lowered, (word, text)


def open_in_netcheck(qtbot, window, monkeypatch, path):
    panel = window.open_panel("netcheck")
    pick(monkeypatch, path)
    panel.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: panel.model.probe.model is not None and panel.model.settings is not None
                    and panel.model.settings.spec is None and panel.run_button.isEnabled(),
                    timeout=20_000)  # fmt: skip
    return panel


def run(qtbot, panel):
    with qtbot.waitSignal(panel.model.resultChanged, timeout=30_000) as blocker:
        panel.run_button.click()
    qtbot.waitUntil(lambda: not panel.model.is_busy(), timeout=10_000)
    return blocker.args[0]


def test_the_network_check_estimates_a_no_grad_probe_in_every_mode(
    qtbot, window, no_grad, monkeypatch, tmp_path
):
    panel = open_in_netcheck(qtbot, window, monkeypatch, no_grad)
    assert panel.probe_error.text() == ""  # no refusal pointing to the CLI
    qtbot.waitUntil(lambda: panel.model.plan is not None
                    and panel.model.plan["full"].engine == "numeric", timeout=20_000)  # fmt: skip
    from fdgui.core.netcheck.numeric import EVALUATIONS_PER_ENTRY  # ±h, ±h/2, ±h/64

    assert panel.model.plan["full"].evaluations == EVALUATIONS_PER_ENTRY * 14
    result = run(qtbot, panel)
    assert result.verdict == "none"
    t = np.linspace(-1.0, 1.5, 14)
    values = np.concatenate([x.values for x in result.tensors])
    bars = np.concatenate([x.error_bars for x in result.tensors])
    assert np.all(np.abs(values - exact_gradient(t)) <= bars)  # the bars bound the error
    badge = panel.verdict_badge.text()
    assert badge == "Estimate" and "#1b873f" not in panel.verdict_badge.styleSheet()
    never_judges(badge, panel.verdict_label.text(), panel.worst_box.title())
    assert "No verdict" in panel.verdict_label.text()
    headers = [panel.tensor_table.horizontalHeaderItem(c).text()
               for c in range(panel.tensor_table.columnCount())]  # fmt: skip
    assert "largest rel. uncertainty" in headers
    statuses = [panel.tensor_table.item(r, len(headers) - 1).text() for r in range(2)]
    assert statuses == ["estimate", "estimate"]
    assert panel.worst_table.rowCount() == 14
    assert panel.worst_table.horizontalHeaderItem(2).text() == "± error bar"
    assert panel.heat_tensor.count() == 2 and panel.heat_map.plot.titleLabel.text.endswith(
        "relative uncertainty"
    )
    # exports and Copy: the numeric report, not a check's
    for kind in ("json", "csv", "md"):
        target = tmp_path / f"out.{kind}"
        panel.export(kind, str(target))
        assert target.stat().st_size > 0
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["verdict"] == "none" and data["worst"] == [] and len(data["least_certain"]) == 14
    assert "error_bar" in (tmp_path / "out.csv").read_text().splitlines()[0]
    panel.copy_report()
    copied = QApplication.clipboard().text()
    assert copied.startswith("No verdict") and "± " in copied
    never_judges((tmp_path / "out.md").read_text())
    # a session keeps no estimate (its probe is picked again after a restore): state() works
    state = panel.model.state()
    assert "report_data" not in state and state["texts"]["source"] == "probe"
    # sampled and projection modes
    panel.model.set_text("mode", "sample")
    panel.model.set_text("samples", "3")
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10_000)
    sampled = run(qtbot, panel)
    assert [x.indices.size for x in sampled.tensors] == [3, 2]
    panel.model.set_text("mode", "projection")
    panel.model.set_text("directions", "4")
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10_000)
    projected = run(qtbot, panel)
    assert projected.mode == "projection" and projected.tensors[0].values.size == 4
    from fdgui.core.netcheck.projection import direction

    unit = direction((3, 4), 0, 0, 2).ravel()  # ∇L·v of the third direction of W
    expected = float(exact_gradient(t)[:12] @ unit)
    assert abs(projected.tensors[0].values[2] - expected) <= projected.tensors[0].error_bars[2]
    assert panel.worst_table.horizontalHeaderItem(1).text() == "∇L·v"
    never_judges(panel.verdict_badge.text(), panel.verdict_label.text())
    # a probe with a gradient afterwards: a check's tables come back
    from fdgui.core.report.netcheck import TENSOR_HEADERS

    panel.model.set_text("mode", "full")
    with_grad = tmp_path / "withgrad.py"
    with_grad.write_text(textwrap.dedent(NO_GRAD) + "\ndef grad(t):\n    import numpy as np\n"
                         "    g = np.sin(t) + t * np.cos(t)\n    g[0] += 0.25 * t[13]\n"
                         "    g[13] += 0.25 * t[0]\n    return g\n")  # fmt: skip
    pick(monkeypatch, with_grad)
    panel.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: panel.model.probe.model is not None
                    and panel.model.probe.model.has_gradient and panel.run_button.isEnabled(),
                    timeout=20_000)  # fmt: skip
    checked = run(qtbot, panel)
    assert checked.verdict == "pass" and panel.verdict_badge.text() == "Passed"
    assert panel.tensor_table.columnCount() == len(TENSOR_HEADERS)
    assert panel.worst_box.title().startswith("Worst")


def test_the_explorer_sweeps_a_no_grad_probe_and_agrees_with_the_cli(
    qtbot, window, no_grad, monkeypatch
):
    netcheck = open_in_netcheck(qtbot, window, monkeypatch, no_grad)
    run(qtbot, netcheck)
    # a least certain row goes to the explorer, on the same probe
    assert netcheck.model.explore_worst_entry(0)
    explorer = window.model("explorer")
    qtbot.waitUntil(lambda: explorer.result() is not None and not explorer.is_busy()
                    and explorer.source() == "probe", timeout=20_000)  # fmt: skip
    # then a chosen entry: W[1, 2] by multi-index
    explorer.set_text("probe_tensor", "W")
    explorer.set_text("probe_index", "1, 2")
    explorer.sweep()
    qtbot.waitUntil(lambda: not explorer.is_busy() and explorer.result() is not None
                    and "W[1, 2]" in explorer.objective().label, timeout=20_000)  # fmt: skip
    diagnosis = explorer.diagnosis()
    assert diagnosis.kind == "estimate"
    facts = diagnosis.facts
    truth = exact_gradient(np.linspace(-1.0, 1.5, 14))[6]
    assert abs(facts["estimate"] - truth) <= facts["estimate_error"]  # the bar bounds it
    result = explorer.result()
    assert result.reference is None and not result.has_checked
    assert [r.method for r in result.references] == ["Richardson"]
    from fdgui.ui.explorer.plots import shown_errors

    v_plot = shown_errors(result, result.central)  # the V of the differences is drawn
    assert np.isfinite(v_plot).sum() > 300 and np.nanmin(v_plot) < 1e-8
    panel = window.open_panel("explorer")
    shown = panel.grab()
    assert not shown.isNull()
    # the CLI says the same kind
    out = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--probe", str(no_grad), "--index",
         "W[1, 2]", "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["diagnosis"]["kind"] == diagnosis.kind == "estimate"
    # Send to calculator still works: the cursor's losses and ε, no gradient under check
    # (measured in the worker, off the GUI thread: review15w C1)
    qtbot.waitUntil(lambda: explorer.readout() is not None, timeout=20_000)
    assert explorer.send_to_calculator(window.context)
    calculator = window.model("calculator")
    readout = explorer.readout()
    assert float(calculator.text("epsilon")) == pytest.approx(readout.epsilon, rel=1e-12)
    assert float(calculator.text("loss_plus")) == pytest.approx(readout.loss_plus, rel=1e-15)
