"""Test set-up shared by every test: offscreen Qt, and settings kept out of the user's home."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One OpenMP/BLAS thread, in the tests and in every probe process they start (which inherit
# this): the probes here are tiny models, and with two threads each, on two workers of a
# 2-core machine, torch's threads wait spinning for each other. A float32 torch probe check
# (tests/probe/test_probe_float32_resolvable.py, seed 5) took 167 s and 21 CPU-s with the
# default threads, 41 s and 5.4 CPU-s with one (same losses, same verdict; loaded machine).
# A check itself already runs numpy's BLAS on one thread (fdgui/core/netcheck/blas.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Point QSettings (and anything reading XDG paths) at a temporary folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("FDGUI_DATA_DIR", str(tmp_path / "data" / "fdgui"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the error log
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # pragma: no cover - Qt is a hard dependency
        yield
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    yield


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication_for_the_session(qapp):
    """Create the QApplication before any test can create a bare QGuiApplication (widgets
    would then abort the whole run), collect garbage on the GUI thread only and let it take
    the interpreter back from workers within a millisecond, as the app does."""
    from fdgui.ui import gc_guard, worker

    gc_guard.install()
    worker.share_interpreter()  # as the app does
    import pyqtgraph  # noqa: F401  (loaded before freezing, as the app has it loaded)

    gc_guard.freeze_startup()
    return qapp


# Test files that measure time: a GUI thread's longest stall, a plan against its run, a
# timeout's wall clock, a benchmark's ratios. `make test` runs these first, alone, on a quiet
# machine, then every other test on two workers (pytest-xdist), so no second worker's load
# (nor what it leaves running) reaches their clocks. A plain `pytest` runs everything in one
# process, as before. A file listed here runs whole in that phase; in a file not listed, a
# test that asserts a clock carries ``@pytest.mark.serial`` itself, and its file's other
# tests run on the workers. A new clock test goes into a listed file or gets that mark.
SERIAL = {
    "core/test_bounded_tableau.py",
    "core/test_expression.py",
    "core/test_extended_budget.py",
    "core/test_netcheck_forward.py",
    "core/test_netcheck_roundoff_calls.py",
    "core/test_netcheck_stored_check.py",
    "core/test_networks.py",
    "e2e/test_offline.py",
    "e2e/test_session_crash.py",
    "e2e/test_session_kill_loop.py",
    "probe/test_probe_group_ends.py",
    "probe/test_probe_huge_messages.py",
    "probe/test_probe_imported_modules.py",
    "probe/test_probe_load_allowance.py",
    "probe/test_probe_planner.py",
    "probe/test_probe_planner_looks.py",
    "probe/test_probe_reference_phase_failures.py",
    "probe/test_probe_request_clock.py",
    "probe/test_probe_timeout_per_evaluation.py",
    "ui/test_explorer_budget.py",
    "ui/test_gc_guard.py",
    "ui/test_reliability_probe.py",
    "ui/test_worker.py",
}


# The workers' order. `make test` hands out whole files (``--dist loadfile``: a file's tests,
# and its module fixtures, stay on one worker), each to the worker that runs out of work
# first, in the order collected (``--no-loadscope-reorder``; without it xdist orders the
# files by their number of tests). Here the workers collect the longest files first, so the
# last files handed out are short and the two workers end close together. The seconds are
# measured ones, in tests/suite_seconds.json (`python tests/suite_seconds.py --help` remakes
# it); a file not in it counts DEFAULT_SECONDS a test.
# (Until 2026-11-27 the Makefile used ``--dist loadgroup`` with an xdist_group mark per file
# and four "SPREAD" files left unmarked. With pytest 9.2 and xdist 3.8 the marks never reach
# the scheduler (xdist renames ``item._nodeid``, which pytest 9.2's ``nodeid`` no longer
# reads), so every test was handed out alone and module fixtures were made on both workers.)
SECONDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "suite_seconds.json")
DEFAULT_SECONDS = 0.1


def _longest_first(items, relatives):
    """Order ``items`` by their file's measured seconds, longest first, each file's tests in
    their own order."""
    import json

    try:
        with open(SECONDS, encoding="utf-8") as handle:
            seconds = json.load(handle)
    except (OSError, ValueError):
        return
    files = {}
    for item, relative in zip(items, relatives, strict=True):
        files.setdefault(relative, []).append(item)
    estimate = {f: seconds.get(f, DEFAULT_SECONDS * len(tests)) for f, tests in files.items()}
    ordered = sorted(files, key=lambda f: -estimate[f])  # stable: ties keep their order
    items[:] = [item for relative in ordered for item in files[relative]]


def pytest_ignore_collect(collection_path, config):
    """`pytest -m serial` (make test's first phase) imports only the files that can hold a
    serial test: one in SERIAL, or one whose text marks a test serial (``mark.serial``; a
    mark can come from nowhere else). Collecting all ~5,500 tests to keep ~300 took 20 s of
    that phase, idle. Any other run collects as before."""
    if getattr(config.option, "markexpr", "") != "serial":
        return None
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    tests = os.path.dirname(os.path.abspath(__file__))
    relative = os.path.relpath(str(collection_path), tests).replace(os.sep, "/")
    if relative in SERIAL:
        return None
    try:
        text = collection_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return None if "mark.serial" in text else True


def pytest_collection_modifyitems(config, items):
    tests = os.path.dirname(os.path.abspath(__file__))
    relatives = []
    for item in items:
        relative = os.path.relpath(str(item.path), tests).replace(os.sep, "/")
        relatives.append(relative)
        if relative in SERIAL:
            item.add_marker(pytest.mark.serial)
    if os.environ.get("PYTEST_XDIST_WORKER"):  # only the workers: one process keeps its order
        _longest_first(items, relatives)
