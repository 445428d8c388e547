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
