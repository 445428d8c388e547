"""Light and dark: the window's palette, the plots' colours, and the choice between them.

The choice is "system" (the default: the desktop's colour scheme, light when it says
nothing), "light" or "dark"; the View menu and ``fdgui --theme`` set it, QSettings keeps it.
Widgets that draw colours of their own (plots, hints, verdict text) read ``current()`` and
listen to ``notifier().changed`` to redraw when the theme changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

CHOICES = ("system", "light", "dark")
_SETTINGS_KEY = "view/theme"


@dataclass(frozen=True)
class Theme:
    name: str
    dark: bool
    plot_background: str
    plot_foreground: str  # axes, ticks, the gradient under check, the cursor
    hint: str  # text on an empty plot and other quiet notes
    grid_alpha: float
    crosshair: str
    vanished_brush: tuple[int, int, int, int]
    band_brush: tuple[int, int, int, int]
    vanished_text: str
    band_text: str
    overlay: str  # the veil over out-of-date plots (CSS rgba)


LIGHT = Theme(
    name="light",
    dark=False,
    plot_background="#ffffff",
    plot_foreground="#1f2328",
    hint="#57606a",
    grid_alpha=0.25,
    crosshair="#999999",
    vanished_brush=(200, 60, 60, 40),
    band_brush=(240, 200, 40, 50),
    vanished_text="#a02020",
    band_text="#7a5c00",
    overlay="rgba(246, 248, 250, 190)",
)
DARK = Theme(
    name="dark",
    dark=True,
    plot_background="#1e1f22",
    plot_foreground="#e6e6e6",
    hint="#a8b0b8",
    grid_alpha=0.3,
    crosshair="#777777",
    vanished_brush=(230, 90, 90, 55),
    band_brush=(240, 200, 40, 26),
    vanished_text="#ff9a9a",
    band_text="#f0d060",
    overlay="rgba(30, 31, 34, 200)",
)
THEMES = {"light": LIGHT, "dark": DARK}


class _Notifier(QObject):
    changed = Signal(object)  # the new Theme


_state: dict[str, object] = {"theme": LIGHT, "choice": "system", "notifier": None}


def notifier() -> _Notifier:
    if _state["notifier"] is None:
        _state["notifier"] = _Notifier()
    return _state["notifier"]  # type: ignore[return-value]


def current() -> Theme:
    """The theme in use."""
    return _state["theme"]  # type: ignore[return-value]


def choice() -> str:
    """What the person chose: system, light or dark."""
    return str(_state["choice"])


def system_theme() -> str:
    """light or dark, as the desktop says (light when it says nothing)."""
    app = QGuiApplication.instance()
    if app is None:
        return "light"
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def saved_choice() -> str:
    value = str(QSettings().value(_SETTINGS_KEY, "system"))
    return value if value in CHOICES else "system"


def apply(selected: str = "system", remember: bool = False) -> Theme:
    """Use the theme ``selected`` (system, light or dark) for the whole application."""
    if selected not in CHOICES:
        raise ValueError(f"theme must be one of {', '.join(CHOICES)}, not {selected!r}")
    theme = THEMES[system_theme() if selected == "system" else selected]
    _state["choice"] = selected
    app = QGuiApplication.instance()
    if app is not None and hasattr(app, "setStyle"):
        # each of these re-polishes every live widget (with every panel built, ~0.3 s of the
        # GUI thread each, idle): only what changes is set, so choosing the theme in use
        # costs nothing and a switch pays the palette and the label colours only
        if app.property("fdguiStyle") != "Fusion":  # (under a style sheet, style().name() is "")
            app.setStyle("Fusion")  # the one style whose palette is followed everywhere
            app.setProperty("fdguiStyle", "Fusion")
        wanted = palette(theme)
        if app.palette() != wanted:
            app.setPalette(wanted)
        sheet = role_styles(theme)
        if app.styleSheet() != sheet:
            app.setStyleSheet(sheet)
        hints = QGuiApplication.styleHints()
        if not _state.get("listening"):
            hints.colorSchemeChanged.connect(_system_changed)
            _state["listening"] = True
    if remember:
        QSettings().setValue(_SETTINGS_KEY, selected)
    changed = theme is not _state["theme"]
    _state["theme"] = theme
    if changed:
        notifier().changed.emit(theme)
    return theme


def _system_changed(_scheme) -> None:
    if choice() == "system":
        apply("system")


def palette(theme: Theme) -> QPalette:
    """The widgets' palette for a theme: Fusion's own for light, a dark one for dark."""
    from PySide6.QtWidgets import QStyleFactory

    style = QStyleFactory.create("Fusion")
    base = style.standardPalette()
    if not theme.dark:
        base.setColor(QPalette.ColorRole.Link, QColor("#0969da"))
        return base
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2d30",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1e1f22",
        roles.AlternateBase: "#26282b",
        roles.ToolTipBase: "#3c3f41",
        roles.ToolTipText: "#e6e6e6",
        roles.PlaceholderText: "#8c8f94",
        roles.Text: "#e6e6e6",
        roles.Button: "#3c3f41",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ff6b6b",
        roles.Light: "#4a4d50",
        roles.Midlight: "#3f4245",
        roles.Mid: "#5c5f63",
        roles.Dark: "#1a1b1d",
        roles.Shadow: "#000000",
        roles.Highlight: "#2f65ca",
        roles.HighlightedText: "#ffffff",
        roles.Link: "#6cb6ff",
        roles.LinkVisited: "#b48ead",
    }
    dark = QPalette()
    for role, colour in colours.items():
        dark.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        dark.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7c7f84"))
    dark.setColor(QPalette.ColorGroup.Disabled, roles.Base, QColor("#26282b"))
    dark.setColor(QPalette.ColorGroup.Disabled, roles.Button, QColor("#323437"))
    return dark


def readable(colour: str, theme: Theme | None = None) -> str:
    """A status colour (red, green, amber, …) as text on the theme's background: lightened on
    dark, so a verdict written in it keeps a contrast of about 4.5:1 or more."""
    theme = theme or current()
    if not theme.dark:
        return colour
    rgb = QColor(colour)
    mix = 0.45
    lighter = [round(c + (255 - c) * mix) for c in (rgb.red(), rgb.green(), rgb.blue())]
    return "#{:02x}{:02x}{:02x}".format(*lighter)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""

    def luminance(colour: str) -> float:
        qc = QColor(colour)
        values = []
        for c in (qc.redF(), qc.greenF(), qc.blueF()):
            values.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * values[0] + 0.7152 * values[1] + 0.0722 * values[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


ERROR = "#cf222e"
WARNING = "#875a00"  # darker than the amber badge: text on the light window keeps 4.5:1


def role_styles(theme: Theme) -> str:
    """Colours of labels by their ``role`` property (see ``set_role``), for the theme."""
    return (
        f'QLabel[role="error"] {{ color: {readable(ERROR, theme)}; }}\n'
        f'QLabel[role="warning"] {{ color: {readable(WARNING, theme)}; }}\n'
        f'QLabel[role="hint"] {{ color: {theme.hint}; }}\n'
    )


def set_role(widget, role: str):
    """Colour a label as an ``error``, ``warning`` or quiet ``hint`` in every theme."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    return widget


BADGE_FONT_SCALE = 1.15  # the verdict badge's text, bold, relative to the window's font


def make_badge(label):
    """The one verdict badge's shape in every panel: bold text 1.15× the window's size,
    centred, as wide as its words (never stretched), two lines when long."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication, QSizePolicy

    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(QApplication.font().pointSizeF() * BADGE_FONT_SCALE)
    label.setFont(font)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
    label.setProperty("verdictBadge", True)
    return label


def badge_style(colour: str | None) -> str:
    """The one verdict badge of every panel: white bold text on the verdict's colour, or an
    outlined box when there is no verdict."""
    if colour is None:
        return "border: 1px solid palette(mid); border-radius: 4px; padding: 4px 8px;"
    return (
        f"background: {colour}; color: white; font-weight: bold; border-radius: 4px; "
        "padding: 4px 8px;"
    )
