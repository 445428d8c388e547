"""The window's File menu for sessions (New, Open, Open Recent, Save, Save As), the Edit menu
(Undo, Redo), the title with its unsaved mark, and files dropped on the window.

What the actions do lives in fdgui.ui.session (the SessionManager); this module only asks
the person (file dialogs, "save changes?") and shows the answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox

FILE_FILTER = "fdgui sessions (*.fdgui.json *.json);;All files (*)"
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
PROBE_SUFFIXES = (".py",)


def install(window: Any) -> None:
    """Add the session actions, Undo/Redo, the title and drops to ``window``."""
    from fdgui.ui.session import AUTOSAVING_AGAIN

    session = window.session
    menu = window.file_menu
    first = menu.actions()[0] if menu.actions() else None
    actions = {}
    for key, text, shortcut, slot in (
        ("new", "&New session", QKeySequence.StandardKey.New, lambda: new_session(window)),
        ("open", "&Open session…", QKeySequence.StandardKey.Open, lambda: open_dialog(window)),
        ("save", "&Save session", QKeySequence.StandardKey.Save, lambda: save(window)),
        ("save_as", "Save session &as…", QKeySequence("Ctrl+Shift+S"), lambda: save_as(window)),
    ):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        actions[key] = action
    recent = QMenu("Open &recent", window)
    recent.aboutToShow.connect(lambda: _fill_recent(window, recent))
    menu.insertActions(first, [actions["new"], actions["open"]])
    menu.insertMenu(first, recent)
    menu.insertActions(first, [actions["save"], actions["save_as"]])
    menu.insertSeparator(first)
    from fdgui.ui.session_panels import results_action

    actions["export_results"] = results_action(window)
    menu.insertAction(first, actions["export_results"])
    window.session_actions = actions
    window.recent_menu = recent

    edit = QMenu("&Edit", window)
    window.menuBar().insertMenu(window.view_menu.menuAction(), edit)
    undo = QAction("&Undo", window)
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = QAction("&Redo", window)
    redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
    for action in (undo, redo):
        # text fields keep their own Ctrl+Z while they have the focus
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    undo.triggered.connect(lambda: _say_undo(window, window.undo_stack.undo(), "Undid"))
    redo.triggered.connect(lambda: _say_undo(window, window.undo_stack.redo(), "Redid"))
    edit.addActions([undo, redo])
    window.undo_action, window.redo_action = undo, redo

    def update_undo() -> None:
        stack = window.undo_stack
        undo.setEnabled(stack.can_undo())
        redo.setEnabled(stack.can_redo())
        undo.setText(f"&Undo {stack.undo_text()}".rstrip())
        redo.setText(f"&Redo {stack.redo_text()}".rstrip())

    window.undo_stack.changed.connect(update_undo)
    update_undo()

    from fdgui.ui.plain_text import tip

    warning = QLabel()
    warning.setObjectName("autosaveWarning")
    warning.setVisible(False)
    window.statusBar().addPermanentWidget(warning)

    def show_message(text: str) -> None:
        from fdgui.core.numbers.parsing import visible

        text = visible(text)  # a file name may hold control characters
        window.statusBar().showMessage(text, 20000)
        if "not being saved automatically" in text:
            warning.setText("⚠ not autosaving")
            warning.setToolTip(tip(text))
            warning.setVisible(True)
        elif text.startswith(AUTOSAVING_AGAIN):
            warning.setVisible(False)

    session.message.connect(show_message)
    if session.autosave_problem:  # said before the window was made, then said over
        warning.setText("⚠ not autosaving")
        problem = session.autosave_problem
        warning.setToolTip(tip(f"Your work is not being saved automatically: {problem}"))
        warning.setVisible(True)
    if session.last_message:  # said while the window was being made (restore, autosave)
        from PySide6.QtCore import QTimer

        said = session.last_message
        QTimer.singleShot(0, window, lambda: show_message(said))
        if "not being saved automatically" in said:
            show_message(said)
    session.titleChanged.connect(lambda: _update_title(window))
    _update_title(window)

    window.setAcceptDrops(True)
    window._drops = _Drops(window)
    window.installEventFilter(window._drops)


def _update_title(window: Any) -> None:
    from fdgui.ui.main_window import WINDOW_TITLE

    window.setWindowTitle(f"{window.session.title()} — {WINDOW_TITLE}")
    window.setWindowModified(window.session.is_dirty())


def _say_undo(window: Any, label: str, verb: str) -> None:
    refused = window.undo_stack.refused
    text = f"{verb} {label}." if label else (refused or "Nothing to undo or redo.")
    window.statusBar().showMessage(text, 5000)


def confirm_discard(window: Any, doing: str) -> bool:
    """Before ``doing`` (quitting, opening…): if there are unsaved changes and the window is
    interactive, ask Save / Discard / Cancel. True: go on."""
    session = window.session
    session.flush()
    if not window.ask_before_closing or not session.is_dirty():
        return True
    name = session.path.name if session.path is not None else "this session"
    answer = QMessageBox.question(
        window,
        "Unsaved changes",
        f"{name} has changes that are not saved in a file. Save them before {doing}?\n"
        "(Discarded, they still stay in the autosave on quitting, or in "
        "autosave-previous.fdgui.json when another session replaces them.)",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return save(window)
    return answer == QMessageBox.StandardButton.Discard


def new_session(window: Any) -> None:
    if confirm_discard(window, "starting a new session"):
        window.session.new()


def open_dialog(window: Any) -> None:
    if not confirm_discard(window, "opening another session"):
        return
    path, _ = QFileDialog.getOpenFileName(window, "Open session", _folder(window), FILE_FILTER)
    if path:
        open_path(window, path)


def open_path(window: Any, path: str | Path) -> bool:
    """Open a session file; a refused one is also shown in a dialog (nothing changes)."""
    ok = window.session.open_file(path)
    if not ok and window.ask_before_closing:
        QMessageBox.warning(window, "Could not open the session", window.session.last_message)
    return ok


def save(window: Any) -> bool:
    if window.session.path is None:
        return save_as(window)
    return _saved(window, window.session.save())


def save_as(window: Any) -> bool:
    path, _ = QFileDialog.getSaveFileName(
        window, "Save session as", str(Path(_folder(window)) / "session.fdgui.json"), FILE_FILTER
    )
    return bool(path) and _saved(window, window.session.save(path))


def _saved(window: Any, ok: bool) -> bool:
    if not ok and window.ask_before_closing:
        QMessageBox.warning(window, "Could not save the session", window.session.last_message)
    return ok


def _folder(window: Any) -> str:
    path = window.session.path
    return str(path.parent) if path is not None else str(Path.home())


def _fill_recent(window: Any, menu: QMenu) -> None:
    from fdgui.ui.session import clear_recent, recent_files

    menu.clear()
    recent = recent_files()
    for path in recent:
        action = menu.addAction(str(path))
        action.triggered.connect(
            lambda _=False, path=path: (
                confirm_discard(window, "opening another session") and open_path(window, path)
            )
        )
    if not recent:
        menu.addAction("(no recent sessions)").setEnabled(False)
    else:
        menu.addSeparator()
        menu.addAction("Clear this list").triggered.connect(clear_recent)


# --- drops -----------------------------------------------------------------------------------
def open_dropped(window: Any, path: str | Path) -> str:
    """Open a dropped file by its kind: a session, a table of measurements (into the
    calculator, undoable) or a probe file. Returns what was done, in words (also shown)."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(PROBE_SUFFIXES):
        handler = getattr(window, "probe_drop_handler", None)
        text = handler(path) if handler is not None else _drop_probe(window, path)
    elif name.endswith(TABLE_SUFFIXES):
        text = _drop_table(window, path)
    elif name.endswith(".json"):
        if not confirm_discard(window, "opening the dropped session"):
            return "Not opened."
        open_path(window, path)
        text = window.session.last_message
    else:
        text = (
            f"{path.name}: drop a session (.fdgui.json), a table of measurements (.csv, "
            ".tsv, .txt) or a probe file (.py)."
        )
    window.statusBar().showMessage(text, 15000)
    return text


def _drop_probe(window: Any, path: Path) -> str:
    """A dropped probe file runs in the ε explorer only after the person says yes."""
    if "explorer" not in window.panel_keys():
        return f"{path.name}: this fdgui has no ε explorer to run a probe file in."
    asked = window.ask_before_closing and (
        QMessageBox.question(
            window,
            "Run this probe file?",
            f"{path}\n\nRun this probe file in the ε explorer? It runs your code (in a "
            "process of its own).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        == QMessageBox.StandardButton.Yes
    )
    if not asked:
        return f"{path.name} was not run (a dropped probe file runs only once you say yes)."
    window.open_panel("explorer")
    model = window.model("explorer")
    model.set_source("probe")
    if not model.open_probe(str(path)):
        return f"{path.name} could not be started: see the probe fields in the ε explorer."
    return f"Starting the probe file {path.name} in the ε explorer…"


def _drop_table(window: Any, path: Path) -> str:
    import stat

    from fdgui.core.errors import InputError
    from fdgui.core.table_file import read_table_text

    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe would keep the window waiting forever
            return f"{path.name} is not a regular file (a folder, a pipe or a device); not read."
    except OSError as error:
        return f"Could not read {path.name}: {error.strerror or error}."
    try:  # bounded: the same reader as --table and Import table…
        text = read_table_text(path, "rows", strict=False)
    except InputError as error:
        return f"{error.message[0].upper()}{error.message[1:]}."
    panel = window.open_panel("calculator")
    added = panel.paste_table(text)
    return f"Added {added} measurement row{'s' if added != 1 else ''} from {path.name}."


class _Drops(QObject):
    """Accepts local files dragged onto the window and opens them (one at a time)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if _local_files(event):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            paths = _local_files(event)
            if paths:
                event.acceptProposedAction()
                for path in paths[:1]:
                    open_dropped(self.window, path)
                return True
        return False


def _local_files(event: Any) -> list[str]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
