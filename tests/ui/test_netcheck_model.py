"""NetcheckModel without widgets: parsing, signals, the job, quitting mid-check."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from fdgui.ui.netcheck_model import DEFAULT_TEXTS, NetcheckModel


def test_defaults_are_valid_and_errors_are_per_field(qtbot):
    model = NetcheckModel()
    assert model.errors() == {}
    assert model.settings.spec.layer_sizes == (64, 128, 10)
    seen = []
    model.inputErrorChanged.connect(lambda field, message: seen.append((field, message)))
    model.set_text("batch", "x")
    model.set_text("directions", "0")
    assert ("batch", "'x' is not a whole number") in seen
    assert model.errors()["directions"].startswith("0 is outside 1..")
    assert model.settings is None
    assert model.run() is False and not model.running
    model.set_text("batch", DEFAULT_TEXTS["batch"])
    model.set_text("directions", "3")
    assert model.errors() == {} and model.settings.directions == 3
    assert ("batch", "") in seen  # the message clears


def test_bug_that_cannot_apply_is_an_error_on_the_bug_field(qtbot):
    model = NetcheckModel()
    model.set_text("bug", "transpose")  # 64,128,10 has no square layer to transpose
    assert model.errors()["bug"].startswith("'transpose' needs a square")
    model.set_text("layers", "20,16,16,10")
    assert model.errors() == {} and model.settings.bug == "transpose"


def test_run_emits_progress_and_the_report(qtbot):
    model = NetcheckModel()
    model.set_text("layers", "10,8,4")
    fractions = []
    model.progressed.connect(lambda fraction, message, eta: fractions.append(fraction))
    with qtbot.waitSignal(model.reportChanged, timeout=10_000) as blocker:
        assert model.run()
    assert blocker.args[0].verdict == "pass" and model.report is blocker.args[0]
    qtbot.waitUntil(lambda: not model.running)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0


def test_quitting_the_app_cancels_a_running_check(qtbot):
    model = NetcheckModel()
    model.set_text("layers", "300,300,300,300,10")  # about a minute of work
    assert model.run()
    qtbot.wait(200)
    with qtbot.waitSignal(model.runningChanged, timeout=2000):
        QCoreApplication.instance().aboutToQuit.emit()
    assert model.report is None
