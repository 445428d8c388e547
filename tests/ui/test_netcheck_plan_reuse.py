"""A mode change reuses the cost measured for the other settings (review11p/review12p M1:
every Mode change measured the probe's loss again, 656 calls each)."""

from __future__ import annotations

import pytest

import fdgui.core.netcheck as netcheck
from fdgui.ui.netcheck.model import NetcheckModel


@pytest.fixture
def counted(monkeypatch):
    calls = []
    measure = netcheck.plan_costs

    def plan_costs(settings, *args, **kwargs):
        calls.append(settings)
        return measure(settings, *args, **kwargs)

    monkeypatch.setattr(netcheck, "plan_costs", plan_costs)
    return calls


def _settled(model) -> bool:
    timer = model._plan_timer
    return model.plan is not None and model._plan_job is None and not timer.isActive()


@pytest.fixture
def model(qtbot):
    made = NetcheckModel()
    made.set_text("layers", "8,6,3")
    yield made
    made.cancel()
    made._plan_timer.stop()
    qtbot.waitUntil(lambda: not made.is_busy() and made._plan_job is None, timeout=5000)
    made.deleteLater()
    qtbot.wait(10)


def test_a_mode_change_keeps_the_measured_plan(qtbot, counted, model):
    model.measure_now()
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    qtbot.wait(500)
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    measured, plan = len(counted), model.plan
    for mode in ("sample", "projection", "full"):
        seen = []
        model.planChanged.connect(seen.append)
        model.set_text("mode", mode)
        assert model.settings.mode == mode
        assert model.plan is plan  # every mode's cost is in it
        qtbot.wait(600)  # past the planner's debounce
        assert len(counted) == measured, [s.mode for s in counted[measured:]]
        assert model.plan is plan and None not in seen
    # other settings do change the cost: measured again
    model.set_text("samples", "5")
    qtbot.waitUntil(lambda: _settled(model) and len(counted) > measured, timeout=20_000)


def test_a_mode_change_while_measuring_takes_the_measurement(qtbot, counted, model):
    model.measure_now()
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    qtbot.wait(500)
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    measured = len(counted)
    model.set_text("samples", "7")
    model.measure_now()
    assert model._plan_job is not None
    model.set_text("mode", "projection")
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    qtbot.wait(600)
    assert len(counted) == measured + 1, [(s.mode, s.samples) for s in counted[measured:]]
    assert model.plan["projection"].mode == "projection"


def test_the_cost_table_marks_the_new_mode_without_measuring_again(qtbot, counted):
    from fdgui.ui.netcheck.panel import create_panel

    panel = create_panel(None)
    qtbot.addWidget(panel)
    model = panel.model
    model.set_text("layers", "8,6,3")
    model.measure_now()
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    qtbot.wait(500)
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    measured = len(counted)
    model.set_text("mode", "sample")
    qtbot.wait(600)
    assert len(counted) == measured
    bold = [panel.plan_table.item(row, 0).font().bold() for row in range(3)]
    assert bold == [False, True, False]
    assert panel.plan_table.item(1, 1).text() != "…"
    model.cancel()
    model._plan_timer.stop()


def test_a_quick_plan_is_not_measured_again_to_warm_up(qtbot, monkeypatch, model):
    from dataclasses import replace

    calls = []
    measure = netcheck.plan_costs

    def quick_costs(settings, *args, **kwargs):
        calls.append(settings)
        plans = measure(settings, *args, **kwargs)
        return {mode: replace(plan, quick=True) for mode, plan in plans.items()}

    monkeypatch.setattr(netcheck, "plan_costs", quick_costs)
    model.measure_now()
    qtbot.waitUntil(lambda: _settled(model), timeout=20_000)
    qtbot.wait(600)
    assert _settled(model) and len(calls) == 1
