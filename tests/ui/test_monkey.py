"""The monkey test: the real main window driven at random across every panel and menu
action, dialogs answered, the exception hook armed, numpy's RuntimeWarnings as errors. No
crash, no error dialog, no exception, no warning, and the window still answers.

Short in the suite (``FDGUI_MONKEY_EVENTS``, default 300 events). The long run:

    FDGUI_MONKEY_EVENTS=20000 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest \\
        tests/ui/test_monkey.py -p no:cacheprovider -q -s

prints what it did (events, actions, dialogs, longest event, memory).
"""

from __future__ import annotations

import os
import random
import re
import resource

import pytest

from tests.ui.monkey import Monkey

EVENTS = int(os.environ.get("FDGUI_MONKEY_EVENTS", "300"))
SEEDS = [int(s) for s in os.environ.get("FDGUI_MONKEY_SEEDS", "1,2").split(",")]


@pytest.mark.slow
@pytest.mark.filterwarnings("error::RuntimeWarning")  # numpy's warnings are defects here
@pytest.mark.parametrize("seed", SEEDS)
def test_the_window_survives_a_monkey(qtbot, monkeypatch, tmp_path, seed):
    from fdgui.ui.errors import ExceptionReporter
    from fdgui.ui.main_window import MainWindow
    from fdgui.ui.worker import shutdown_jobs

    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    for key in window.panel_keys():  # every panel built, so its actions are found
        window.open_panel(key)
    monkey = Monkey(window, random.Random(seed), tmp_path)
    monkey.patch(monkeypatch)
    shown_before = len(ExceptionReporter.shown)
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    actions = monkey.discover_actions()
    assert len(actions) >= 10, [a.text() for a in actions]
    for _ in range(EVENTS):
        monkey.step()
        assert not monkey.report.exceptions, monkey.report.exceptions[0][:2500]
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory_before) / 1024
    done = monkey.report
    print(
        f"\nmonkey seed {seed}: {done.events} events, {len(done.actions)} distinct actions, "
        f"{done.dialogs} dialogs answered, {len(done.job_errors)} jobs ended in an error "
        f"message, longest event {done.longest_event_s * 1e3:.0f} ms ({done.longest_event}), "
        "peak memory grew "
        f"{growth_mb:.0f} MB"
    )
    assert shutdown_jobs(30_000)  # every job it started ends
    assert monkey.window_answers()
    report = monkey.report
    assert not report.exceptions, report.exceptions[0]
    assert len(ExceptionReporter.shown) == shown_before  # no error dialog
    # a job may end in words (out of memory, a probe that cannot start), never in a bug or a
    # warning: the worker words those "SomeError: …" with the exception's class name
    # (an InputError from a job is a refusal in words: a probe file that is not one)
    bugs = [
        m
        for m in report.job_errors
        if re.match(r"\w*(Error|Exception|Warning)\b", m) and not m.startswith("InputError")
    ]
    assert not bugs, bugs
    assert len(report.panels) == len(window.panel_keys())
