"""The one list of panels: what the main window shows, in this order.

Each panel is a package ``fdgui.ui.<key>`` with ``model.py`` (``create_model(context,
parent)``: a PanelModel) and ``panel.py`` (``create_panel(context, model)``: the widget).
Both are imported only when first needed, so startup pays for the first tab alone; adding
a panel means adding its package and one entry here.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PanelInfo:
    key: str  # also the package name under fdgui.ui and the settings key
    title: str  # the tab's title
    tooltip: str  # the tab's tooltip
    help_page: str  # the page F1 opens (fdgui.ui.help.PAGES)
    help_action: str = ""  # its entry in the Help menu ("": a general page listed already)
    intro: str = ""  # on a first start, one line at the top of the panel: what it is for

    @property
    def model_module(self) -> str:
        return f"fdgui.ui.{self.key}.model"

    @property
    def panel_module(self) -> str:
        return f"fdgui.ui.{self.key}.panel"

    def create_model(self, context: Any, parent: Any = None) -> Any:
        """The panel's model (imports its model module now)."""
        return importlib.import_module(self.model_module).create_model(context, parent)

    def create_panel(self, context: Any, model: Any) -> Any:
        """The panel's widget for ``model`` (imports its widgets and plots now)."""
        return importlib.import_module(self.panel_module).create_panel(context, model)

    def is_installed(self) -> bool:
        """Whether the panel's modules are present (found without importing them)."""
        return importlib.util.find_spec(self.panel_module) is not None


PANELS: tuple[PanelInfo, ...] = (
    PanelInfo(
        "calculator",
        "Calculator",
        "Gradient from measured losses, with a check against backprop",
        help_page="formulas",
        intro="Type the losses you measured at w+ε and w−ε to get the gradient, how many "
        "digits it keeps, and a verdict against your backprop value.",
    ),
    PanelInfo(
        "explorer",
        "ε explorer",
        "Sweep ε over many decades and see truncation and round-off error",
        help_page="explorer",
        help_action="The &ε explorer",
        intro="Sweep ε over many decades to see where truncation and round-off balance, "
        "and which step to trust in each precision.",
    ),
    PanelInfo(
        "netcheck",
        "Network check",
        "Check every parameter of a network against its backprop gradient",
        help_page="netcheck",
        help_action="&Network check",
        intro="Check every parameter of a network against its backprop gradient and see "
        "which entries disagree.",
    ),
)


def available_panels() -> list[PanelInfo]:
    """The registered panels whose modules are present, in tab order."""
    return [info for info in PANELS if info.is_installed()]


def panel_info(key: str) -> PanelInfo:
    return next(info for info in PANELS if info.key == key)
