"""review15w H1: after another probe file is chosen (and fails), the network check never
shows the previous file's verdict as if it were the new file's: the badge says "Out of date"
in words, Save report is off, and a session never pairs the new path with the old report.
L1: a reload's note is on the page, not only in the status bar."""

import json

from fdgui.ui.main_window import MainWindow

GOOD = """import numpy as np
theta0 = np.linspace(-1.0, 1.0, 8)
def grad(theta):
    return 2 * np.sin(theta) * np.cos(theta)
def loss(theta):
    return float(np.sum(np.sin(theta) ** 2))
"""
NONSCALAR = GOOD.replace("float(np.sum(np.sin(theta) ** 2))", "np.sin(theta) ** 2")
SYNTAX = "import numpy as np\ntheta0 = np.zeros(3\n"


def _window(qtbot):
    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    return window


def _pick(qtbot, model, path):
    assert model.open_probe(str(path))
    qtbot.waitUntil(lambda: not model.probe.opening, timeout=60000)
    qtbot.wait(50)


def _run(qtbot, model):
    before = model.result()
    said = []
    model.statusMessage.connect(said.append)
    assert model.run()
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=60000)
    qtbot.wait(50)
    model.statusMessage.disconnect(said.append)
    return model.result() is not before, said


def _passed(qtbot, tmp_path):
    good = tmp_path / "good.py"
    good.write_text(GOOD, encoding="utf-8")
    window = _window(qtbot)
    model = window.model("netcheck")
    panel = window.open_panel("netcheck")
    model.set_text("source", "probe")
    _pick(qtbot, model, good)
    assert model.probe.model is not None
    assert _run(qtbot, model)[0]
    assert panel.verdict_badge.text() == "Passed"
    assert all(button.isEnabled() for button in panel.export_buttons.values())
    return window, model, panel


def _out_of_date(panel, name):
    badge = panel.verdict_badge.text()
    assert badge.startswith("Out of date"), badge
    assert "Passed" not in badge or "good.py" in badge
    assert panel.verdict_label.text().startswith("Out of date"), panel.verdict_label.text()
    assert name in panel.verdict_label.text()
    assert not any(button.isEnabled() for button in panel.export_buttons.values())


def test_a_new_file_that_fails_to_run_never_wears_the_old_pass(qtbot, tmp_path):
    window, model, panel = _passed(qtbot, tmp_path)
    bad = tmp_path / "nonscalar.py"
    bad.write_text(NONSCALAR, encoding="utf-8")
    _pick(qtbot, model, bad)
    assert model.probe.model is not None  # it opens; its loss then fails
    _out_of_date(panel, "nonscalar.py")
    replaced, _said = _run(qtbot, model)
    assert not replaced
    _out_of_date(panel, "nonscalar.py")
    # the session pairs no report with the new path (and the exports of the old one go)
    states = window.collect_states()["netcheck"]
    assert states.get("probe") == str(bad)
    assert "report_data" not in states and "report" not in states
    path = tmp_path / "s.fdgui.json"
    assert window.session.save(path)
    again = _window(qtbot)
    assert again.session.open_file(path)
    reopened = again.open_panel("netcheck")
    assert again.model("netcheck").result() is None
    assert "Passed" not in reopened.verdict_badge.text()
    model.probe.close()


def test_a_new_file_that_fails_to_open_never_wears_the_old_pass(qtbot, tmp_path):
    window, model, panel = _passed(qtbot, tmp_path)
    bad = tmp_path / "broken.py"
    bad.write_text(SYNTAX, encoding="utf-8")
    _pick(qtbot, model, bad)
    assert model.probe.model is None
    _out_of_date(panel, "broken.py")
    states = window.collect_states()["netcheck"]
    assert "report_data" not in states and "report" not in states


def test_switching_the_source_marks_the_report_and_switching_back_clears_it(qtbot, tmp_path):
    window, model, panel = _passed(qtbot, tmp_path)
    model.set_text("source", "network")
    qtbot.wait(20)
    assert panel.verdict_badge.text().startswith("Out of date")
    assert "built-in network" in panel.verdict_label.text()
    model.set_text("source", "probe")
    qtbot.wait(20)
    assert panel.verdict_badge.text() == "Passed"
    assert all(button.isEnabled() for button in panel.export_buttons.values())
    assert "report_data" in window.collect_states()["netcheck"]
    model.probe.close()


def test_an_old_session_pairing_a_new_path_with_an_old_report_is_marked(qtbot, tmp_path):
    window, model, _panel = _passed(qtbot, tmp_path)
    path = tmp_path / "s.fdgui.json"
    assert window.session.save(path)
    model.probe.close()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["panels"]["netcheck"]["probe"] = str(tmp_path / "never_ran.py")  # as 15w's session
    path.write_text(json.dumps(data), encoding="utf-8")
    again = _window(qtbot)
    assert again.session.open_file(path)
    reopened = again.open_panel("netcheck")
    assert again.model("netcheck").result() is not None
    assert reopened.verdict_badge.text().startswith("Out of date")
    assert "Passed" not in reopened.verdict_badge.text() or "good.py" in (
        reopened.verdict_badge.text()
    )


def test_a_reload_note_is_on_the_page(qtbot, tmp_path):
    _win, model, panel = _passed(qtbot, tmp_path)
    good = tmp_path / "good.py"
    good.write_text(GOOD + "\n# edited\n", encoding="utf-8")
    replaced, said = _run(qtbot, model)
    assert replaced
    assert any("reloaded" in words for words in said)  # the status bar still says it too
    assert "changed on disk and was reloaded" in panel.probe_page.info_label.text()
    assert panel.verdict_badge.text() == "Passed"
    model.probe.close()


def test_a_failed_reload_leaves_no_old_note_and_marks_the_old_pass(qtbot, tmp_path):
    """review18p L4: after a reload failed, the page still said "good.py changed on disk
    and was reloaded" (an earlier run's note) above the red error, and the badge of the
    previous version stayed "Passed" ("The last report stays")."""
    _win, model, panel = _passed(qtbot, tmp_path)
    good = tmp_path / "good.py"
    good.write_text(GOOD + "\n# edited\n", encoding="utf-8")
    assert _run(qtbot, model)[0]
    assert "changed on disk and was reloaded" in panel.probe_page.info_label.text()
    good.write_text(GOOD + "\ndef oops(:\n", encoding="utf-8")
    replaced, said = _run(qtbot, model)
    assert not replaced
    assert "was reloaded" not in panel.probe_page.info_label.text()
    assert "changed on disk and did not load" in panel.probe_page.error_title.text()
    _out_of_date(panel, "good.py")
    assert not any("The last report stays" in words for words in said), said
    good.write_text(GOOD, encoding="utf-8")  # fixed: loaded again, checked, in force
    assert _run(qtbot, model)[0]
    assert panel.verdict_badge.text() == "Passed"
    model.probe.close()
