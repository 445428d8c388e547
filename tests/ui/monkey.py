"""A monkey for the real main window: random clicks, keys, typed strings and menu actions
across every panel, with every dialog answered, the exception hook armed, and a record of
what it did. Used by tests/ui/test_monkey.py (short) and by the long run documented in the
README (``FDGUI_MONKEY_EVENTS=20000``).

Menu actions are discovered from the menu bar and the panels (each panel's actions, context
menus included) every few events, so actions that appear later (File, export, session,
probe, …) are driven without changing this file. Dialogs opened through the static helpers
of QFileDialog, QMessageBox and QInputDialog, and any modal QDialog.exec, are answered at
random (cancel, a file in a scratch folder with random content, a random choice).
"""

from __future__ import annotations

import random
import string
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTabBar,
    QWidget,
)

from fdgui.ui.probe_source import _is_user_details

# actions that end the session rather than exercise it
_SKIPPED_WORDS = ("quit", "exit", "close window")
KEYS = [
    Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape,
    Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left,
    Qt.Key.Key_Right, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End,
    Qt.Key.Key_Space, Qt.Key.Key_F1, Qt.Key.Key_A, Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_Z,
    Qt.Key.Key_R, Qt.Key.Key_S, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3,
]  # fmt: skip
MODIFIERS = [
    Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.NoModifier,
    Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
]  # fmt: skip
TYPED = [
    "1e-4", "0.85005", "-0", "1e1000000", "1e-400", "nan", "inf", "abc", "", "1,5", "3",
    "w**2", "sin(w)*exp(-w)", "--w", "__import__('os')", "64,128,10", "4,3,2", "float16",
    "bfloat16", "1e308", "5e-324", "0.1", "10000,10000,10", "relu", "W1", "b2", "7",
    "9" * 400, "x" * 5000, "\u22121e-3", "𝜀", "0x10",
]  # fmt: skip


@dataclass
class MonkeyReport:
    events: int = 0
    actions: set[str] = field(default_factory=set)
    panels: set[str] = field(default_factory=set)
    dialogs: int = 0
    exceptions: list[str] = field(default_factory=list)
    job_errors: list[str] = field(default_factory=list)  # jobs that ended in an error message
    longest_event_s: float = 0.0
    longest_event: str = ""  # what that event was


class Monkey:
    """Drive ``window`` with ``rng``; ``patch(monkeypatch)`` first to answer dialogs."""

    def __init__(self, window, rng: random.Random, scratch: Path) -> None:
        self.window = window
        self.rng = rng
        self.scratch = scratch
        self.report = MonkeyReport()
        self._actions: list[QAction] = []
        self._doing = ""

    # --- dialogs ---------------------------------------------------------------------------
    def patch(self, monkeypatch) -> None:
        rng, report, scratch = self.rng, self.report, self.scratch

        def a_file(suffix: str = "") -> str:
            report.dialogs += 1
            if rng.random() < 0.3:
                return ""  # cancelled
            ending = suffix or rng.choice([".json", ".csv", ".txt", ".png", ""])
            path = scratch / f"monkey-{rng.randrange(5)}{ending}"
            if rng.random() < 0.5:  # sometimes a file with random content is there already
                content = rng.choice([b"", b"{}", b"[1,2", b"\x00\xff" * 40, b'{"version": 99}',
                                      "ε,L+,L−\n1e-4,0.85005,0.84995\n".encode()])  # fmt: skip
                path.write_bytes(content)
            return str(path)

        def get_file(*_args, **_kwargs):
            return a_file(), ""

        def get_files(*_args, **_kwargs):
            name = a_file()
            return ([name] if name else []), ""

        def directory(*_args, **_kwargs):
            report.dialogs += 1
            return str(scratch) if rng.random() < 0.7 else ""

        for name, function in (
            ("getOpenFileName", get_file),
            ("getSaveFileName", get_file),
            ("getOpenFileNames", get_files),
            ("getExistingDirectory", directory),
        ):
            monkeypatch.setattr(QFileDialog, name, staticmethod(function))

        buttons = [
            QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Ok,
            QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
        ]  # fmt: skip

        def answer(*_args, **_kwargs):
            report.dialogs += 1
            return rng.choice(buttons)

        for name in ("question", "warning", "information", "critical"):
            monkeypatch.setattr(QMessageBox, name, staticmethod(answer))
        monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *a, **k: answer()))
        monkeypatch.setattr(QMessageBox, "aboutQt", staticmethod(lambda *a, **k: answer()))

        def exec_box(box, *_args):
            report.dialogs += 1
            if box.objectName() == "errorDialog":  # the exception hook's dialog
                report.exceptions.append(box.informativeText())
            return int(rng.choice(buttons).value)

        monkeypatch.setattr(QMessageBox, "exec", exec_box)

        def exec_dialog(dialog, *_args):
            report.dialogs += 1
            result = rng.choice([QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected])
            dialog.done(int(result.value))
            return int(result.value)

        monkeypatch.setattr(QDialog, "exec", exec_dialog)

        def get_text(*_args, **_kwargs):
            report.dialogs += 1
            return rng.choice(TYPED), rng.random() < 0.7

        def get_item(_parent, _title, _label, items, *_args, **_kwargs):
            report.dialogs += 1
            return (rng.choice(list(items)) if items else ""), rng.random() < 0.7

        def get_number(*_args, **_kwargs):
            report.dialogs += 1
            return rng.choice([0, 1, 3, 10, -1]), rng.random() < 0.7

        monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
        monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(get_text))
        monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
        monkeypatch.setattr(QInputDialog, "getInt", staticmethod(get_number))
        monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(get_number))
        # a context menu's exec() would block: pick one of its actions instead
        monkeypatch.setattr(QMenu, "exec", lambda menu, *a, **k: self._pick_from(menu))

        def hook(kind, error, trace):
            import traceback

            report.exceptions.append("".join(traceback.format_exception(kind, error, trace)))

        monkeypatch.setattr(sys, "excepthook", hook)

        from fdgui.ui import worker

        emit = worker.Job._emit

        def record_failed_jobs(job, signal, *args):
            # an error in the person's own probe file (a file of any kind picked as one) is
            # their traceback, shown in the probe panel: the product working, not a bug
            if signal == "errored" and not _is_user_details(args[1] if len(args) > 1 else ""):
                report.job_errors.append(args[0])
            emit(job, signal, *args)

        monkeypatch.setattr(worker.Job, "_emit", record_failed_jobs)

    def _pick_from(self, menu: QMenu):
        self.report.dialogs += 1
        actions = [a for a in menu.actions() if a.isEnabled() and not a.isSeparator()]
        return self.rng.choice(actions) if actions and self.rng.random() < 0.8 else None

    # --- discovery -------------------------------------------------------------------------
    def discover_actions(self) -> list[QAction]:
        found: list[QAction] = []

        def walk(actions) -> None:
            for action in actions:
                if action.menu() is not None:
                    walk(action.menu().actions())
                elif not action.isSeparator():
                    found.append(action)

        walk(self.window.menuBar().actions())
        for widget in self.window.findChildren(QWidget):
            walk(widget.actions())
        unique = {id(a): a for a in found}.values()
        self._actions = [
            a for a in unique
            if not any(word in a.text().replace("&", "").lower() for word in _SKIPPED_WORDS)
        ]  # fmt: skip
        return self._actions

    # --- events ----------------------------------------------------------------------------
    def _visible(self, kind) -> list:
        return [
            w for w in self.window.findChildren(kind)
            if w.isVisible() and w.isEnabled() and w.window() is self.window
        ]  # fmt: skip

    def step(self) -> None:
        rng, window = self.rng, self.window
        started = time.perf_counter()
        choice = rng.random()
        self._doing = ""
        if self.report.events % 50 == 0 or not self._actions:
            self.discover_actions()
        if rng.random() < 0.05:  # something to paste
            QGuiApplication.clipboard().setText(
                rng.choice(TYPED)
                if rng.random() < 0.5
                else "\n".join(
                    "\t".join(rng.choice(TYPED[:12]) for _ in range(rng.randint(1, 5)))
                    for _ in range(rng.randint(0, 30))
                )
            )
        if choice < 0.25:
            self._type()
        elif choice < 0.45:
            self._key()
        elif choice < 0.65:
            self._click()
        elif choice < 0.80 and self._actions:
            action = rng.choice(self._actions)
            if action.isEnabled():
                self.report.actions.add(action.text().replace("&", ""))
                self._doing = f"action {action.text().replace('&', '')!r}"
                action.trigger()
        elif choice < 0.90:
            tabs = window.tabs
            tabs.setCurrentIndex(rng.randrange(tabs.count()))
            self.report.panels.add(window.panel_keys()[tabs.currentIndex()])
        elif choice < 0.93:
            window.resize(rng.randint(700, 1900), rng.randint(500, 1100))
        else:
            self._combo()
        QApplication.processEvents()
        self.report.events += 1
        took = time.perf_counter() - started
        if took > self.report.longest_event_s:
            self.report.longest_event_s = took
            self.report.longest_event = self._doing or f"event {self.report.events}"

    def _type(self) -> None:
        edits = self._visible(QLineEdit)
        if not edits:
            return
        edit = self.rng.choice(edits)
        edit.setFocus()
        if self.rng.random() < 0.5:
            edit.selectAll()
        text = (
            self.rng.choice(TYPED)
            if self.rng.random() < 0.8
            else "".join(self.rng.choice(string.printable) for _ in range(self.rng.randint(1, 12)))
        )
        # one textEdited per call, as a person's keystrokes give many
        edit.insert(text)
        edit.textEdited.emit(edit.text())
        if self.rng.random() < 0.3:
            edit.returnPressed.emit()

    def _key(self) -> None:
        from pytestqt.qtbot import QtBot

        target = QApplication.focusWidget() or self.window
        if target.window() is not self.window:
            target = self.window
        QtBot.keyClick(target, self.rng.choice(KEYS), self.rng.choice(MODIFIERS))

    def _click(self) -> None:
        from pytestqt.qtbot import QtBot

        widgets = (
            self._visible(QAbstractButton)
            + self._visible(QTabBar)
            + self._visible(QAbstractItemView)
        )
        if not widgets:
            return
        widget = self.rng.choice(widgets)
        point = QPoint(
            self.rng.randrange(max(1, widget.width())), self.rng.randrange(max(1, widget.height()))
        )
        button = (
            Qt.MouseButton.LeftButton if self.rng.random() < 0.9 else Qt.MouseButton.RightButton
        )
        if self.rng.random() < 0.15:
            QtBot.mouseDClick(widget, button, pos=point)
        else:
            QtBot.mouseClick(widget, button, pos=point)

    def _combo(self) -> None:
        combos = self._visible(QComboBox)
        if combos:
            combo = self.rng.choice(combos)
            if combo.count():
                combo.setCurrentIndex(self.rng.randrange(combo.count()))
                combo.activated.emit(combo.currentIndex())

    # --- the end ---------------------------------------------------------------------------
    def window_answers(self, timeout_s: float = 5.0) -> bool:
        """A timer on the GUI thread fires and the window repaints within ``timeout_s``."""
        fired = []
        QTimer.singleShot(0, lambda: fired.append(True))
        deadline = time.perf_counter() + timeout_s
        while not fired and time.perf_counter() < deadline:
            QApplication.processEvents()
        self.window.repaint()
        return bool(fired) and self.window.isVisible()
