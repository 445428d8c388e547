"""NetcheckModel without widgets: parsing, signals, the job, quitting mid-check."""

from __future__ import annotations

import pytest
from PySide6.QtCore import SIGNAL, QCoreApplication, QObject, Signal

from fdgui.ui.netcheck.model import DEFAULT_TEXTS
from fdgui.ui.netcheck.model import NetcheckModel as _Model

_made: list = []


def NetcheckModel(**kwargs):
    """A model that is deleted on the GUI thread when the test ends.

    A parentless QObject kept alive by reference cycles (its closures on finished jobs) would
    otherwise be destroyed whenever Python's cycle collector runs, possibly on a worker
    thread, which Qt does not allow for an object with timers.
    """
    model = _Model(**kwargs)
    _made.append(model)
    return model


@pytest.fixture(autouse=True)
def _delete_models(qtbot):
    yield
    while _made:
        model = _made.pop()
        model.cancel()
        model._plan_timer.stop()
        qtbot.waitUntil(
            lambda model=model: not model.is_busy() and model._plan_job is None, timeout=5000
        )
        model.deleteLater()
    qtbot.wait(10)


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
    assert model.run() is False and not model.is_busy()
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
    model.progressed.connect(lambda fraction, message: fractions.append(fraction))
    with qtbot.waitSignal(model.resultChanged, timeout=10_000) as blocker:
        assert model.run()
    assert blocker.args[0].verdict == "pass" and model.result() is blocker.args[0]
    qtbot.waitUntil(lambda: not model.is_busy())
    assert fractions[0] == 0.0 and fractions[-1] == 1.0


class _App(QObject):
    aboutToQuit = Signal()  # a stand-in: emitting the real one runs pyqtgraph's clean-up


def test_quitting_the_app_cancels_a_running_check(qtbot):
    app = _App()
    model = NetcheckModel(quitting=app.aboutToQuit)
    model.set_text("layers", "300,300,300,300,10")  # about a minute of work
    assert model.run()
    qtbot.wait(200)
    with qtbot.waitSignal(model.busyChanged, timeout=2000):
        app.aboutToQuit.emit()
    assert model.result() is None


def test_the_default_quit_signal_is_the_applications(qtbot):
    app = QCoreApplication.instance()
    before = app.receivers(SIGNAL("aboutToQuit()"))
    model = NetcheckModel()
    # this model's own hookup (cancel) and its probe holder's (a closing app starts no probe)
    assert app.receivers(SIGNAL("aboutToQuit()")) == before + 2
    assert model.settings is not None


def test_a_memory_refusal_caused_by_the_batch_is_shown_beside_the_batch(qtbot):
    from fdgui.core.netcheck import available_memory_bytes

    model = NetcheckModel()
    model.set_text("layers", "20,16,10")
    model.set_text("batch", str(available_memory_bytes() // (64 * 46) * 2))
    errors = model.errors()
    assert "layers" not in errors, errors
    assert errors["batch"].startswith("a batch of ") and "memory" in errors["batch"]
    assert model.settings is None


def test_layer_sizes_with_empty_parts_are_refused_beside_the_field(qtbot):
    model = NetcheckModel()
    model.set_text("layers", "20,,10")
    assert "size 2 is empty" in model.errors()["layers"]
    model.set_text("layers", "abc")
    assert model.errors()["layers"] == "'abc' is not a positive whole number"


def test_a_new_check_replaces_the_cancelled_status(qtbot):
    model = NetcheckModel()
    model.set_text("layers", "8,6,3")
    messages: list[str] = []
    model.statusMessage.connect(messages.append)
    model.statusMessage.emit("Check cancelled; the last report stays on screen.")
    with qtbot.waitSignal(model.resultChanged, timeout=10_000):
        assert model.run()
    started = messages.index("Checking 75 entries…")
    assert started == 1  # right after the cancelled line, before the result
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=5000)


def test_numbers_with_thousands_of_digits_are_refused_beside_their_fields(qtbot):
    model = NetcheckModel()
    huge = "9" * 5000
    model.set_text("layers", f"{huge},3")
    model.set_text("batch", huge)
    errors = model.errors()
    assert "wider than" in errors["layers"] and "too many digits" in errors["batch"]
    assert len(errors["layers"]) < 100 and model.settings is None
    model.set_text("layers", "20,16,10")  # the model keeps working
    model.set_text("batch", "8")
    assert model.errors() == {} and model.settings is not None
    assert model.restore({"texts": {"layers": f"{huge},3"}}) == []  # kept as typed, refused
    assert "wider than" in model.errors()["layers"]
