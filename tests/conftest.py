"""Test set-up shared by every test: offscreen Qt, and settings kept out of the user's home."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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


# Long files of independent tests (each a whole network check in its own probe process):
# on the two workers their tests are shared out one by one; every other file keeps its tests
# on one worker (``--dist loadgroup``), so a module's fixtures are made once. On one worker
# the float32 file alone held its worker 7 minutes while the other had finished.
SPREAD = {
    "probe/test_probe_float32_resolvable.py",
    "probe/test_probe_float32_relu_never_wrong.py",
    "probe/test_probe_torch_jax.py",
    "probe/test_probe_weak_kink.py",
}


def pytest_collection_modifyitems(config, items):
    tests = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        relative = os.path.relpath(str(item.path), tests).replace(os.sep, "/")
        if relative in SERIAL:
            item.add_marker(pytest.mark.serial)
        elif relative not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(relative))
