"""The main window: one tab per registered panel (fdgui.ui.panels), menus, status bar.

The first tab's panel is built at startup; every other panel (and its model) is imported
and built the first time it is needed, so startup pays only for the first tab. Every
panel's state is restored from the last run when its model is made and saved on close.
"""

from __future__ import annotations

import html
import sys
import traceback
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fdgui import __version__
from fdgui.ui.panels import PanelInfo, available_panels

# the app's name once: desktops that add the application name after a title leave a title
# that already ends with it alone
WINDOW_TITLE = "Finite-difference gradient calculator and checker — fdgui"


class AppContext:
    """What panels and their models may use of each other: models and navigation, never
    each other's widgets."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window  # the parent for dialogs

    def model(self, key: str) -> Any:
        """The model of panel ``key`` (made, and its last state restored, if needed)."""
        return self.window.model(key)

    def open_panel(self, key: str) -> None:
        """Bring panel ``key`` to the front (building it if needed)."""
        self.window.open_panel(key)

    def show_status(self, message: str, timeout_ms: int = 6000) -> None:
        from fdgui.core.numbers.parsing import visible

        self.window.statusBar().showMessage(visible(message), timeout_ms)


class MainWindow(QMainWindow):
    def __init__(self, remember: bool = True) -> None:
        """``remember``: restore every panel's inputs and measurements from the last run,
        and save them on close."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        self._remember = remember
        self._saved: dict[str, Any] = {}
        self._defaults: dict[str, Any] = {}
        self._probe_paths: dict[str, str] = {}  # panel → the probe file a session named
        self._reports: dict[str, Any] = {}  # panel → (report, its exports) or saved exports
        self.ask_before_closing = False  # the interactive app sets it (tests never block)
        from fdgui.ui.session import SessionManager
        from fdgui.ui.undo import UndoStack

        self.undo_stack = UndoStack(self)
        self.session = SessionManager(self, autosave=remember)
        if remember:
            from fdgui.ui.settings import load_states

            restored = self.session.restore_autosave()
            self._saved = load_states() if restored is None else restored
        self._first_start = not self._saved  # nothing remembered: say what each panel is for
        self.context = AppContext(self)
        self._infos: list[PanelInfo] = available_panels()
        self._models: dict[str, Any] = {}
        self._panels: dict[str, QWidget] = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("panelTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        for index, info in enumerate(self._infos):
            self.tabs.addTab(QWidget(), info.title)  # a placeholder until first shown
            self.tabs.setTabToolTip(index, info.tooltip)
        self._build_menus()
        from fdgui.ui.session_menu import install as install_session_ui

        install_session_ui(self)
        self._ensure_panel(0)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        from fdgui.ui import keys

        keys.forward_from_tab_bar(self.tabs.tabBar(), self.tabs.currentWidget)
        self.statusBar().showMessage("Ready. Type your losses; results update as you type.", 8000)
        self.setMinimumSize(860, 600)
        self.resize(1280, 800)

    def closeEvent(self, event) -> None:
        from fdgui.ui.session_menu import confirm_discard

        if not confirm_discard(self, "quitting"):
            event.ignore()
            return
        self.session.flush()  # the autosave, now (it also holds unsaved changes)
        if self._remember:
            self.session.closed_cleanly()
        super().closeEvent(event)

    # --- session state -------------------------------------------------------------------
    def collect_states(self, autosave: bool = False) -> dict[str, Any]:
        """Every panel's state (panels not opened this run: their saved state); with
        ``autosave``, entries may be functions to call off the GUI thread."""
        states = dict(self._saved)
        for key, model in self._models.items():
            try:
                states[key] = model.autosave_state() if autosave else model.state()
                probe = _probe_path(model) or self._probe_paths.get(key)
                if probe:  # the file's path only: opening a session never runs it
                    states[key] = {**states[key], "probe": probe}
                report = self._report_of(key, model, autosave)
                if report is not None:
                    states[key] = {**states[key], "report": report}
            except Exception as error:  # saving never fails over a state
                print(f"fdgui: could not save the {key} panel: {error}", file=sys.stderr)
        return states

    def is_reading(self) -> bool:
        """Whether a panel is still reading rows in the background (a paste, a history)."""
        return any(getattr(m, "is_reading", lambda: False)() for m in self._models.values())

    def restore_states(self, states: dict[str, Any]) -> list[str]:
        """Every panel from ``states`` (a missing panel gets its defaults); returns what could
        not be restored, as "<panel> <entry>"."""
        problems = [f"the unknown panel {key!r}" for key in states if key not in self.panel_keys()]
        for key in self.panel_keys():
            state = states.get(key)
            self._saved.pop(key, None)
            if key not in self._models:
                if state is None:
                    continue  # made later, with its defaults
                self.model(key)  # made now, so that what it cannot restore is named now
            state = self._take_probe_path(key, state)
            try:
                skipped = self._models[key].restore(
                    state if state is not None else self.default_state(key)
                )
            except Exception as error:  # restore never raises by contract; stay up anyway
                skipped = [f"everything ({type(error).__name__}: {error})"]
            problems += [f"{key} {name}" for name in skipped]
        return problems

    def _report_of(self, key: str, model: Any, autosave: bool) -> Any:
        """The network check's last report as its exports (text, markdown, csv, json), for the
        session: a function (made off the GUI thread) when ``autosave``."""
        if key != "netcheck" or getattr(model, "report_out_of_date", lambda: "")():
            return None  # not of the source in force: never saved beside it (review15w H1)
        report = model.result()
        if report is None:
            saved = self._reports.get(key)
            return saved if isinstance(saved, dict) else None
        cached = self._reports.get(key)
        if isinstance(cached, tuple) and cached[0] is report:
            return cached[1]

        def exports() -> dict[str, Any]:
            from fdgui.core.report.exporters import export

            made = {fmt: export(report, fmt) for fmt in ("text", "markdown", "csv", "json")}
            self._reports[key] = (report, made)
            return made

        return exports if autosave else exports()

    def saved_report(self, key: str, fmt: str) -> str | None:
        """A report a session kept (this run has none of its own yet), as ``fmt``."""
        saved = self._reports.get(key)
        if isinstance(saved, dict) and isinstance(saved.get(fmt), str):
            return saved[fmt]
        return None

    def _take_probe_path(self, key: str, state: Any) -> Any:
        """``state`` without its "probe" path, which is kept (and saved again) but never
        opened: a person chooses the probe file again in the panel to run it; and without
        its "report", kept for export and saved again until a new one replaces it."""
        self._probe_paths.pop(key, None)
        if isinstance(state, dict) and "report" in state:
            state = dict(state)
            report = state.pop("report")
            if isinstance(report, dict) and all(isinstance(v, str) for v in report.values()):
                self._reports[key] = report
                self.session.report_kept(key)
        elif isinstance(state, dict) or state is None:
            self._reports.pop(key, None)
        if not isinstance(state, dict) or "probe" not in state:
            return state
        if not hasattr(self._models.get(key), "open_probe"):
            return state  # a panel without probe files: "probe" is an unknown entry, named
        state = dict(state)
        probe = state.pop("probe")
        if isinstance(probe, str) and probe:
            self._probe_paths[key] = probe
            self.session.probe_named(key, probe)
        return state

    def probe_path(self, key: str) -> str:
        """The probe file panel ``key`` uses, or the one its session named ("" if none)."""
        model = self._models.get(key)
        return (_probe_path(model) if model is not None else "") or self._probe_paths.get(key, "")

    def default_state(self, key: str) -> Any:
        """The state of a fresh model of panel ``key`` (what File → New restores)."""
        if key not in self._defaults:
            model = self._info(key).create_model(None, None)
            self._defaults[key] = model.state()
            model.deleteLater()
        return self._defaults[key]

    # --- panels and models -----------------------------------------------------------------
    def panel_keys(self) -> list[str]:
        return [info.key for info in self._infos]

    def model(self, key: str) -> Any:
        """The model of panel ``key``, made (and its saved state restored) on first use."""
        if key not in self._models:
            info = self._info(key)
            model = info.create_model(self.context, self)
            self._models[key] = model
            model.undo_stack = self.undo_stack
            if key in self._saved:
                from fdgui.ui.settings import restore_model

                state = self._take_probe_path(key, self._saved.pop(key))
                restore_model(key, model, state, self.session)
            self.session.watch(model)
            if hasattr(model, "historyChanged"):  # rows that stay: out of the collector's sight
                from fdgui.ui import gc_guard

                gc_guard.freeze_as_it_grows(model.historyChanged, lambda: len(model.history))
        return self._models[key]

    def panel(self, key: str) -> QWidget | None:
        """Panel ``key`` if it has been built."""
        return self._panels.get(key)

    def open_panel(self, key: str) -> QWidget:
        """Build the panel if needed, show its tab and return it."""
        index = self.panel_keys().index(key)
        self.tabs.setCurrentIndex(index)
        return self._ensure_panel(index)

    def _info(self, key: str) -> PanelInfo:
        return next(info for info in self._infos if info.key == key)

    def _on_tab_changed(self, index: int) -> None:
        if index >= 0:
            self.statusBar().clearMessage()  # a message about one tab means nothing in another
            self._ensure_panel(index)

    def _ensure_panel(self, index: int) -> QWidget:
        info = self._infos[index]
        if info.key in self._panels:
            return self._panels[info.key]
        try:
            panel = info.create_panel(self.context, self.model(info.key))
        except Exception as error:  # the panel fails; the window and other panels stay up
            panel = _PanelError(info.title, error)
        from fdgui.ui.plain_text import plain_labels

        plain_labels(panel)  # text from a session file is never read as markup
        self._panels[info.key] = panel
        self._add_intro(info, panel)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, panel, info.title)
        self.tabs.setTabToolTip(index, info.tooltip)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        self._add_panel_menus(panel)
        if not isinstance(panel, _PanelError):
            from fdgui.ui.session_panels import extend_panel

            extend_panel(self, info.key, panel)  # plot menus, table copy, pins
        return panel

    # --- menus -----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("&File")
        self._file_separator = self.file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)

        self.view_menu = self.menuBar().addMenu("&View")
        for number, info in enumerate(self._infos, start=1):
            action = QAction(info.title, self)
            action.setShortcut(QKeySequence(f"Alt+{number}"))
            action.triggered.connect(lambda _=False, key=info.key: self.open_panel(key))
            self.view_menu.addAction(action)

        self._build_theme_menu()

        help_menu = self.menuBar().addMenu("&Help")
        context_help = QAction("Help for this &tab", self)
        context_help.setShortcut(QKeySequence.StandardKey.HelpContents)
        context_help.triggered.connect(self.show_context_help)
        help_menu.addAction(context_help)
        help_menu.addSeparator()
        pages = [("formulas", "&Formulas and how to read the results"),
                 ("faq", "Frequently asked &questions")]  # fmt: skip
        pages += [(info.help_page, info.help_action) for info in self._infos if info.help_action]
        self.help_actions = {"context": context_help}
        for page, text in pages:
            action = QAction(text, self)
            action.triggered.connect(lambda _=False, page=page: self.show_help(page))
            help_menu.addAction(action)
            self.help_actions[page] = action
        help_menu.addSeparator()
        about = QAction("&About fdgui", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self.help_actions["about"] = about

    def _build_theme_menu(self) -> None:
        """View ▸ Theme: follow the system, light or dark (remembered between runs)."""
        from PySide6.QtGui import QActionGroup

        from fdgui.ui import theme

        self.view_menu.addSeparator()
        menu = self.view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        titles = {"system": "Follow the &system", "light": "&Light", "dark": "&Dark"}
        for key in theme.CHOICES:
            action = QAction(titles[key], self)
            action.setCheckable(True)
            action.setChecked(theme.choice() == key)
            action.triggered.connect(lambda _=False, key=key: self.set_theme(key))
            group.addAction(action)
            menu.addAction(action)
            self.theme_actions[key] = action

    def set_theme(self, choice: str) -> None:
        """Switch the whole window to ``choice`` (system, light or dark) and remember it."""
        from fdgui.ui import theme

        theme.apply(choice, remember=self._remember)
        self.theme_actions[choice].setChecked(True)

    def _add_intro(self, info: PanelInfo, panel: QWidget) -> None:
        """On a first start, one line at the top of the panel saying what it is for."""
        layout = panel.layout()
        if (
            not self._first_start
            or not info.intro
            or layout is None
            or not hasattr(layout, "insertWidget")
        ):
            return
        intro = QLabel(info.intro)
        intro.setObjectName("panelIntro")
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        intro.setStyleSheet("font-style: italic;")
        intro.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.insertWidget(0, intro, 0)
        for index in range(1, layout.count()):
            layout.setStretch(index, 1 if index == 1 else layout.stretch(index))

    def _add_panel_menus(self, panel: QWidget) -> None:
        """A panel's own menus (``menus()``: (title, actions) pairs), before View; the
        actions of a "&File" pair go at the top of the File menu."""
        menus = getattr(panel, "menus", None)
        for title, actions in menus() if menus is not None else []:
            if title == "&File":
                self.file_menu.insertActions(self._file_separator, actions)
                continue
            menu = QMenu(title, self)
            self.menuBar().insertMenu(self.view_menu.menuAction(), menu)
            menu.addActions(actions)

    def show_context_help(self) -> None:
        """F1: the help page of the tab in front."""
        self.show_help(self._infos[self.tabs.currentIndex()].help_page)

    def show_help(self, page: str) -> None:
        from fdgui.ui.help import HelpDialog

        HelpDialog.show_page(self, page)

    def show_about(self) -> None:
        from fdgui.ui.help import show_about

        show_about(self, __version__)


def _probe_path(model: Any) -> str:
    holder = getattr(model, "probe", None)
    probe = getattr(holder, "model", None)
    path = getattr(probe, "path", "")
    return path if isinstance(path, str) else ""


class _PanelError(QWidget):
    """Shown in a tab whose panel failed to load, with the reason, instead of a crash."""

    def __init__(self, title: str, error: Exception) -> None:
        super().__init__()
        self.setObjectName("panelError")
        layout = QVBoxLayout(self)
        label = QLabel(
            f"<b>The {title} panel could not be opened.</b><br>"
            + html.escape(f"{type(error).__name__}: {error}")
        )
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QLabel("".join(traceback.format_exception(error)))
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details.setStyleSheet("font-family: monospace; color: palette(mid);")
        layout.addWidget(label)
        layout.addWidget(details)
        layout.addStretch(1)
