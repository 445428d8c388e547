"""The main window: one tab per panel, menus, status bar; panels other than the calculator
are imported the first time their tab is shown, so startup pays only for the calculator."""

from __future__ import annotations

import importlib
import importlib.util
import traceback
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from fdgui import __version__
from fdgui.ui.calculator.model import CalculatorModel
from fdgui.ui.calculator.panel import CalculatorPanel

WINDOW_TITLE = "fdgui: finite-difference gradient calculator and checker"


@dataclass(frozen=True)
class PanelInfo:
    key: str
    title: str
    module: str  # defines create_panel(context) -> QWidget
    tooltip: str


# The calculator is built eagerly; the others on first show.
LAZY_PANELS: tuple[PanelInfo, ...] = (
    PanelInfo(
        "explorer",
        "ε explorer",
        "fdgui.ui.explorer.panel",
        "Sweep ε over many decades and see truncation and round-off error",
    ),
    PanelInfo(
        "netcheck",
        "Network check",
        "fdgui.ui.netcheck.panel",
        "Check every parameter of a network against its backprop gradient",
    ),
)


def available_panels() -> list[PanelInfo]:
    """The lazy panels whose modules are present (found without importing them)."""
    return [info for info in LAZY_PANELS if importlib.util.find_spec(info.module) is not None]


class AppContext:
    """What panels may use of each other: models and navigation, never each other's widgets."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.calculator: CalculatorModel = window.calculator_model

    def open_panel(self, key: str) -> QWidget:
        return self.window.open_panel(key)

    def show_status(self, message: str, timeout_ms: int = 6000) -> None:
        self.window.statusBar().showMessage(message, timeout_ms)


class MainWindow(QMainWindow):
    def __init__(self, remember: bool = True) -> None:
        """``remember``: restore the last run's inputs and measurements, and save them on close."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        self._remember = remember
        self.calculator_model = CalculatorModel(self)
        if remember:
            from fdgui.ui.settings import restore_calculator

            restore_calculator(self.calculator_model)
        self.context = AppContext(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("panelTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.calculator = CalculatorPanel(self.calculator_model)
        self.tabs.addTab(self.calculator, "Calculator")
        self.tabs.setTabToolTip(0, "Gradient from measured losses, with a check against backprop")
        self._panels: dict[str, QWidget] = {"calculator": self.calculator}
        self._tab_keys: list[str] = ["calculator"]
        for info in available_panels():
            placeholder = QWidget()
            index = self.tabs.addTab(placeholder, info.title)
            self.tabs.setTabToolTip(index, info.tooltip)
            self._tab_keys.append(info.key)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._build_menus()
        self.statusBar().showMessage("Ready. Type your losses; results update as you type.", 8000)
        self.setMinimumSize(860, 600)
        self.resize(1280, 800)

    def closeEvent(self, event) -> None:
        if self._remember:
            from fdgui.ui.settings import save_calculator

            save_calculator(self.calculator_model)
        super().closeEvent(event)

    # --- panels ----------------------------------------------------------------------------
    def panel_keys(self) -> list[str]:
        return list(self._tab_keys)

    def open_panel(self, key: str) -> QWidget:
        """Create the panel if needed, show its tab and return it."""
        index = self._tab_keys.index(key)
        self.tabs.setCurrentIndex(index)
        return self._ensure_panel(index)

    def _on_tab_changed(self, index: int) -> None:
        if index >= 0:
            self.statusBar().clearMessage()  # a message about one tab means nothing in another
            self._ensure_panel(index)

    def _ensure_panel(self, index: int) -> QWidget:
        key = self._tab_keys[index]
        if key in self._panels:
            return self._panels[key]
        info = next(info for info in LAZY_PANELS if info.key == key)
        try:
            module = importlib.import_module(info.module)
            panel = module.create_panel(self.context)
        except Exception as error:  # the panel fails; the window and other panels stay up
            panel = _PanelError(info.title, error)
        self._panels[key] = panel
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, panel, info.title)
        self.tabs.setTabToolTip(index, info.tooltip)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        return panel

    # --- menus -----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        calc = self.calculator
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(calc.copy_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu("&Calculator")
        for action in (
            calc.calculate_action,
            calc.reset_action,
            calc.paste_table_action,
            calc.clear_history_action,
        ):
            edit_menu.addAction(action)

        view_menu = self.menuBar().addMenu("&View")
        titles = ["Calculator"] + [info.title for info in available_panels()]
        for number, (key, title) in enumerate(zip(self._tab_keys, titles, strict=True), start=1):
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Alt+{number}"))
            action.triggered.connect(lambda _=False, key=key: self.open_panel(key))
            view_menu.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        context_help = QAction("Help for this &tab", self)
        context_help.setShortcut(QKeySequence.StandardKey.HelpContents)
        context_help.triggered.connect(self.show_context_help)
        help_menu.addAction(context_help)
        help_menu.addSeparator()
        formulas = QAction("&Formulas and how to read the results", self)
        formulas.triggered.connect(lambda: self.show_help("formulas"))
        faq = QAction("Frequently asked &questions", self)
        faq.triggered.connect(lambda: self.show_help("faq"))
        explorer = QAction("The &ε explorer", self)
        explorer.triggered.connect(lambda: self.show_help("explorer"))
        netcheck = QAction("&Network check", self)
        netcheck.triggered.connect(lambda: self.show_help("netcheck"))
        about = QAction("&About fdgui", self)
        about.triggered.connect(self.show_about)
        for action in (formulas, faq, explorer, netcheck):
            help_menu.addAction(action)
        help_menu.addSeparator()
        help_menu.addAction(about)
        self.help_actions = {
            "context": context_help,
            "formulas": formulas,
            "faq": faq,
            "explorer": explorer,
            "netcheck": netcheck,
            "about": about,
        }

    def show_context_help(self) -> None:
        """F1: the help page of the tab in front."""
        key = self._tab_keys[self.tabs.currentIndex()]
        self.show_help({"calculator": "formulas"}.get(key, key))

    def show_help(self, page: str) -> None:
        from fdgui.ui.help import HelpDialog

        HelpDialog.show_page(self, page)

    def show_about(self) -> None:
        from fdgui.ui.help import show_about

        show_about(self, __version__)


class _PanelError(QWidget):
    """Shown in a tab whose panel failed to load, with the reason, instead of a crash."""

    def __init__(self, title: str, error: Exception) -> None:
        super().__init__()
        self.setObjectName("panelError")
        layout = QVBoxLayout(self)
        label = QLabel(
            f"<b>The {title} panel could not be opened.</b><br>{type(error).__name__}: {error}"
        )
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QLabel("".join(traceback.format_exception(error)))
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details.setStyleSheet("font-family: monospace; color: palette(mid);")
        layout.addWidget(label)
        layout.addWidget(details)
        layout.addStretch(1)
