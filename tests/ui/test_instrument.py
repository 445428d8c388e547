"""One instrument: palette and line styles, themes, keys, badges, numbers and layout that
behave the same in every panel (issue "one instrument")."""

from __future__ import annotations

import contextlib
import math
import re
from itertools import combinations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from fdgui.ui import theme
from fdgui.ui.colour_vision import delta_e, lab, simulate, to_rgb
from tests.ui.conftest import cut_off_texts


def _delete_closed_windows():
    """Delete now the widgets pytest-qt closed with ``deleteLater`` after an earlier test (or
    this one): a theme re-polishes every widget still alive, and those windows live until
    an event loop gets round to their deletion. Re-polishing a dead window was most of a
    themed test's setup and teardown (each about 1.5 s loaded, suite16's note)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def themed(request):
    """Apply the theme named by the test's parameter; light again afterwards."""
    chosen = getattr(request, "param", "light")
    _delete_closed_windows()
    theme.apply(chosen)
    yield chosen
    _delete_closed_windows()  # pytest-qt has closed this test's windows by now
    theme.apply("light")


def _fresh_window(qtbot, size=(1280, 800)):
    from fdgui.ui.main_window import MainWindow

    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


# --- palette and line styles ---------------------------------------------------------------
def test_schemes_stay_apart_for_every_common_colour_vision_deficiency():
    from fdgui.ui.plotting import SCHEME_COLOURS, SCHEME_STYLES

    for kind in (None, "deuteranopia", "protanopia"):
        for a, b in combinations(SCHEME_COLOURS, 2):
            assert delta_e(SCHEME_COLOURS[a], SCHEME_COLOURS[b], kind) > 30, (kind, a, b)
    # tritanopia (rare) brings blue and bluish green closer: their dashes and markers differ
    assert delta_e(SCHEME_COLOURS["central"], SCHEME_COLOURS["backward"], "tritanopia") > 12
    assert SCHEME_STYLES["central"][:2] != SCHEME_STYLES["backward"][:2]


def test_curves_on_one_plot_differ_in_colour_or_in_dash_and_marker():
    """Under deuteranopia every pair of curves drawn on the error plot is either clearly
    apart in colour or drawn with a different dash or marker."""
    from fdgui.ui.plotting import (
        FLOOR_COLOUR,
        GUIDE_COLOUR,
        GUIDE_STYLES,
        SCHEME_COLOURS,
        SCHEME_STYLES,
    )

    curves = {name: (SCHEME_COLOURS[name], SCHEME_STYLES[name][:2]) for name in SCHEME_COLOURS}
    curves["truncation"] = (GUIDE_COLOUR, (GUIDE_STYLES["truncation"], None))
    curves["round-off"] = (FLOOR_COLOUR, (GUIDE_STYLES["round-off"], None))
    for a, b in combinations(curves, 2):
        (colour_a, style_a), (colour_b, style_b) = curves[a], curves[b]
        apart = delta_e(colour_a, colour_b, "deuteranopia") > 40
        assert apart or style_a != style_b, (a, b)
    # no curve shares its dash with a guide of a close colour: the round-off guide's dots
    # are its own
    dashes = [style[0] for _colour, style in curves.values()]
    assert dashes.count(GUIDE_STYLES["round-off"]) == 1
    # the old palette failed exactly this: central and backward the same blue
    assert delta_e("#0969da", "#8250df", "deuteranopia") < 10


def test_the_independent_reference_is_not_drawn_like_the_round_off_guide(qtbot):
    """Its own colour (apart from the round-off guide for deuteranopes too), its own dash,
    and the legend and the pen say the same."""
    from fdgui.ui.explorer.plots import _DASH_GLYPHS, legend_html
    from fdgui.ui.plotting import (
        FLOOR_COLOUR,
        GUIDE_STYLES,
        INDEPENDENT_COLOUR,
        INDEPENDENT_STYLE,
        SCHEME_COLOURS,
        SCHEME_STYLES,
    )

    assert INDEPENDENT_COLOUR != FLOOR_COLOUR
    for kind in (None, "deuteranopia", "protanopia"):
        assert delta_e(INDEPENDENT_COLOUR, FLOOR_COLOUR, kind) > 30, kind
    assert INDEPENDENT_STYLE not in GUIDE_STYLES.values()
    assert INDEPENDENT_STYLE not in {style for style, _m, _w in SCHEME_STYLES.values()}
    assert INDEPENDENT_COLOUR not in SCHEME_COLOURS.values()
    legend = legend_html()
    independent = f"<b>{_DASH_GLYPHS[INDEPENDENT_STYLE]}</b></span>&nbsp;independent ref."
    assert independent in legend
    item = legend.split("independent ref.")[0].rsplit("&nbsp; ", 1)[-1]
    assert f"color:{INDEPENDENT_COLOUR}" in item


def test_the_simulation_matches_known_dichromat_behaviour():
    red, green = to_rgb("#ff0000"), to_rgb("#00ff00")
    seen = simulate(np.stack([red, green]), "deuteranopia")
    # red and green collapse towards one yellowish hue: far closer than for normal vision
    assert np.linalg.norm(lab(seen[0]) - lab(seen[1])) < 0.6 * np.linalg.norm(lab(red) - lab(green))
    grey = to_rgb("#808080")
    assert np.allclose(simulate(grey, "deuteranopia"), grey, atol=0.02)  # greys stay grey


@pytest.mark.parametrize("themed", ["light", "dark"], indirect=True)
def test_the_explorer_curves_stay_distinguishable_under_deuteranopia(qtbot, themed):
    """Render the explorer, simulate deuteranopia on the picture, and find each scheme's
    simulated colour on it, each far from the others."""
    from PySide6.QtGui import QImage

    from fdgui.ui.explorer.panel import ExplorerPanel
    from fdgui.ui.plotting import SCHEME_COLOURS

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    qtbot.wait(100)
    image = panel.plots.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, stride)
    pixels = raw[:, : width * 3].reshape(-1, 3) / 255.0
    seen = lab(simulate(pixels, "deuteranopia"))
    targets = {n: lab(simulate(to_rgb(c), "deuteranopia")) for n, c in SCHEME_COLOURS.items()}
    for name, target in targets.items():
        near = np.linalg.norm(seen - target, axis=1) < 6
        assert near.sum() > 30, f"{name} not found on the simulated plot"
    for a, b in combinations(targets, 2):
        assert np.linalg.norm(targets[a] - targets[b]) > 40


def test_plot_legend_and_help_say_the_same_about_the_guides(qtbot):
    from fdgui.resource_files import resource_path
    from fdgui.ui.explorer.plots import legend_html
    from fdgui.ui.plotting import GUIDE_STYLES

    words = {"dash": "dashed", "dot": "dotted"}
    help_text = resource_path("help/explorer.html").read_text(encoding="utf-8")
    legend = re.sub(r"<[^>]+>", "", legend_html()).replace("&nbsp;", " ")
    for guide, pen_style in GUIDE_STYLES.items():
        assert f"{guide} ({words[pen_style]})" in legend
    assert "truncation" in help_text and "(the dashed guides)" in help_text
    assert "(the dotted guide)" in help_text and GUIDE_STYLES["truncation"] == "dash"
    assert GUIDE_STYLES["round-off"] == "dot"


def test_the_plotted_guides_use_the_pens_the_legend_names(qtbot):
    from fdgui.ui.explorer.panel import ExplorerPanel

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    view = panel.view
    assert view.guide_central.opts["pen"].style() == Qt.PenStyle.DashLine
    assert view.guide_one_sided.opts["pen"].style() == Qt.PenStyle.DashLine
    assert view.floor.opts["pen"].style() == Qt.PenStyle.DotLine
    styles = {name: curve.opts["pen"].style() for name, curve in view.errors.items()}
    assert len(set(styles.values())) == 3  # a dash per scheme


# --- the error axis and the readouts say one thing -----------------------------------------
def test_error_axis_readouts_and_hover_show_the_relative_error_the_verdict_judges(qtbot):
    from fdgui.ui.explorer.panel import ExplorerPanel
    from fdgui.ui.explorer.plots import ERROR_AXIS_LABEL, error_scale

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.readout() is not None, timeout=5000)
    assert panel.view.bottom.getAxis("left").labelText == ERROR_AXIS_LABEL
    assert "relative" in ERROR_AXIS_LABEL
    readout, result = panel.model.readout(), panel.model.result()
    reference = result.reference.value
    text = panel.readout_labels["central"].text()
    assert "|error|" not in text
    shown = float(text.split("rel. err")[1])
    estimate = readout.estimates["central"]
    expected = abs(estimate - reference) / max(abs(estimate), abs(reference), 1e-8)
    assert shown == pytest.approx(expected, rel=0.05)
    # the curve on that axis is the same quantity, and the guides are on its scale
    index = result.index_of(readout.epsilon)
    _x, y = panel.view.errors["central"].getOriginalDataset()
    curve = result.curves["central"]
    assert y[index] == pytest.approx(curve.relative_errors[index])
    _, floor = panel.view.floor.getOriginalDataset()
    scale = error_scale(result, panel.model.diagnosis())
    assert scale == pytest.approx(max(abs(reference), 1e-8))
    assert np.nanmax(floor) == pytest.approx(np.nanmax(result.roundoff_floor) / scale)
    assert "relative error" in panel.legend_label.toolTip()


# --- low precision: ε range, band, labels --------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
def test_the_default_range_starts_just_below_where_the_step_vanishes(qtbot, dtype):
    from fdgui.core.numbers.precision import default_epsilon_min, perturbation_vanishes
    from fdgui.ui.explorer.panel import ExplorerPanel

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    panel.model.set_texts({"dtype": dtype})
    panel.model.sweep()
    qtbot.waitUntil(lambda: panel.model.result().dtype == dtype, timeout=5000)
    result = panel.model.result()
    w = float(panel.model.text("point"))
    assert result.epsilons[0] == pytest.approx(default_epsilon_min(dtype, w), rel=1e-12)
    vanished = result.vanished.mean()
    assert vanished < 0.2, f"{vanished:.0%} of the {dtype} plot is the vanished region"
    # just below: the first decade holds the edge, the one below would be all vanished
    assert perturbation_vanishes(w, result.epsilons[0], dtype)
    assert not perturbation_vanishes(w, result.epsilons[0] * 10, dtype)


def test_window_and_cli_choose_the_same_default_range():
    import json
    import subprocess
    import sys

    from fdgui.core import requests

    run = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--expr", "sin(w)*exp(-w**2)", "--at",
         "0.7", "--dtype", "bfloat16", "--points", "50", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    data = json.loads(run.stdout)
    epsilons = [row["epsilon"] for row in data["points"]] if "points" in data else None
    objective = requests.expression_request({"expression": "sin(w)*exp(-w**2)", "point": "0.7"})
    window = requests.sweep_request({"dtype": "bfloat16", "min": ""}, point=objective.point)
    text = json.dumps(data)
    assert window.epsilon_min == 1e-3
    if epsilons is not None:
        assert epsilons[0] == pytest.approx(window.epsilon_min)
    else:
        assert "0.001" in text or "1e-3" in text or "1e-03" in text


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_plot_labels_never_overlap_and_the_band_names_the_dtype(qtbot, dtype):
    from fdgui.ui.explorer.panel import ExplorerPanel
    from fdgui.ui.explorer.plots import _shown

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    panel.resize(860, 560)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    panel.model.set_texts({"dtype": dtype, "min": "1e-12"})  # a range with both regions
    panel.model.sweep()
    qtbot.waitUntil(lambda: panel.model.result().dtype == dtype, timeout=5000)
    qtbot.wait(100)
    view = panel.view
    view.declutter()
    for items in view.plot_labels().values():
        rects = [label.sceneBoundingRect() for label in items if _shown(label)]
        for a, b in combinations(rects, 2):
            assert not a.intersects(b), (dtype, a, b)
    # the float64 band is never drawn over the vanished region
    if view.vanished[0].isVisible() and view.seed_band[0].isVisible():
        assert view.seed_band[0].getRegion()[0] >= view.vanished[0].getRegion()[1] - 1e-9
    if view.seed_text.isVisible():
        assert f"not for {dtype}" in view.seed_text.toPlainText()


# --- the calculator plot --------------------------------------------------------------------
def test_calculator_plot_draws_error_bars_and_flags_cancelled_rows(qtbot):
    from decimal import Decimal

    from fdgui.core.calculator.rows import central_uncertainty, is_cancelled
    from fdgui.ui.calculator.model import CalculatorModel
    from fdgui.ui.calculator.panel import CalculatorPanel

    model = CalculatorModel()
    panel = CalculatorPanel(model)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    for epsilon, plus, minus in (("0.001", "0.8505", "0.8495"), ("0.00001", "0.85", "0.85"),
                                 ("0.01", "0.85501", "0.84501")):  # fmt: skip
        model.set_inputs("0.85", plus, minus, epsilon)
        model.calculate()
    rows = model.history_rows()
    assert [is_cancelled(row) for row in rows] == [False, True, False]
    plot = panel.plot
    plot.redraw()  # (it redraws on the next turn of the event loop by itself)
    xs, _ = plot.central.getOriginalDataset()
    assert list(xs) == [0.001, 0.01]  # the cancelled row is not on the central line
    cx, cy = plot.cancelled.getOriginalDataset()
    assert list(cx) == [1e-5]
    # the view is the central estimates with their ±: the cancelled row's 0 does not squeeze
    # them; its ✕ sits on the lower edge, still in view
    (_x0, _x1), (y0, y1) = plot.widget.getPlotItem().getViewBox().viewRange()
    assert 0.0 < y0 < 0.45 and 0.55 < y1 < 1.0, (y0, y1)
    assert y0 <= cy[0] < 0.45
    heights = plot.error_bars.opts["height"]
    expected = sorted(
        (float(r.epsilon), 2 * float(central_uncertainty(r))) for r in rows if not is_cancelled(r)
    )
    assert list(heights) == pytest.approx([h for _, h in expected])
    assert float(central_uncertainty(rows[0])) == pytest.approx(float(Decimal("0.05")))
    cell = panel.history_table.model().index(1, 3)
    assert "L+ = L−" in cell.data() and "cancelled" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None
    qtbot.waitUntil(lambda: "cancelled" in plot.legend_label.text(), timeout=2000)
    # the legend sits above the plot, never over a point
    legend = plot.legend_label.geometry()
    assert not legend.intersects(plot.widget.geometry())


def test_calculator_empty_plot_hint_is_not_struck_by_the_backprop_line(qtbot):
    from fdgui.ui.calculator.model import CalculatorModel
    from fdgui.ui.calculator.panel import CalculatorPanel

    model = CalculatorModel()
    panel = CalculatorPanel(model)
    qtbot.addWidget(panel)
    panel.resize(860, 600)
    panel.show()
    qtbot.waitExposed(panel)
    model.set_text("backprop", "0.4998")
    model.recompute()
    qtbot.wait(50)
    plot = panel.plot
    assert plot.hint.isVisible() and plot.backprop.isVisible()
    box = plot.widget.getPlotItem().getViewBox()
    line_y = box.mapViewToScene(pg_point(0, plot.backprop.value())).y()
    hint = plot.hint.sceneBoundingRect()
    assert not (hint.top() <= line_y <= hint.bottom())
    assert box.sceneBoundingRect().contains(hint)


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


# --- themes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("themed", ["light", "dark"], indirect=True)
def test_every_plot_and_text_colour_follows_the_theme(qtbot, themed):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from fdgui.ui.plotting import SCHEME_COLOURS

    colours = theme.current()
    window = _fresh_window(qtbot)
    for key in window.panel_keys():
        window.open_panel(key)
    background = QColor(colours.plot_background)
    plots = [
        window.panel("calculator").plot.widget,
        window.panel("explorer").plots,
        window.panel("netcheck").heat_map.view,
    ]
    for plot in plots:
        assert plot.backgroundBrush().color() == background, plot.objectName()
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window).name()
    assert (QColor(window_colour).lightness() < 100) == (themed == "dark")
    # hints, errors and warnings readable on the window; hints on the plots
    assert theme.contrast(colours.hint, colours.plot_background) >= 4.5
    for role, colour in (("error", theme.ERROR), ("warning", theme.WARNING)):
        assert theme.contrast(theme.readable(colour), window_colour) >= 4.5, role
    assert theme.contrast(colours.hint, window_colour) >= 4.5
    for name, colour in SCHEME_COLOURS.items():  # lines keep 3:1 (graphics)
        assert theme.contrast(colour, colours.plot_background) >= 3, name
    # the error label of a field uses the theme's colour
    calculator = window.panel("calculator")
    window.model("calculator").set_text("epsilon", "abc")
    window.model("calculator").recompute()
    label = calculator.error_labels["epsilon"]
    shown = label.palette().color(label.foregroundRole()).name()
    assert shown == theme.readable(theme.ERROR)


def test_verdict_badges_are_white_on_colours_that_keep_the_contrast():
    from fdgui.core.numbers.verdicts import CONSISTENT, INCONCLUSIVE, VERDICTS

    for verdict in (*VERDICTS, INCONCLUSIVE, CONSISTENT):
        assert theme.contrast("#ffffff", verdict.colour) >= 4.5, verdict.key


def test_view_menu_switches_the_theme_and_the_plots_follow(qtbot, themed):
    window = _fresh_window(qtbot)
    window.open_panel("explorer")
    assert set(window.theme_actions) == {"system", "light", "dark"}
    window.theme_actions["dark"].trigger()
    assert theme.current().name == "dark"
    plots = window.panel("explorer").plots
    assert plots.backgroundBrush().color().name() == theme.DARK.plot_background
    window.theme_actions["light"].trigger()
    assert plots.backgroundBrush().color().name() == theme.LIGHT.plot_background
    window.theme_actions["system"].trigger()
    assert theme.choice() == "system"
    assert theme.current().name == theme.system_theme()


def test_screenshot_flag_takes_a_theme(tmp_path):
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    path = tmp_path / "dark.png"
    run = subprocess.run(
        [sys.executable, "-m", "fdgui", "--screenshot", str(path), "--panel", "explorer",
         "--size", "900x620", "--theme", "dark"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    image = QImage(str(path))
    assert (image.width(), image.height()) == (900, 620)
    corner = image.pixelColor(image.width() - 5, image.height() // 2)
    assert corner.lightness() < 90  # a dark window, not the light one


# --- keys, badges, title, first start -------------------------------------------------------
def test_ctrl_return_runs_and_ctrl_r_does_nothing_surprising_in_every_panel(qtbot):
    window = _fresh_window(qtbot)
    calculator = window.model("calculator")
    # calculator: Ctrl+Return calculates
    edit = window.panel("calculator").inputs["loss_plus"]
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(calculator.history_rows()) == 1
    # network check: Ctrl+R is not "run" any more, Ctrl+Return and Enter are
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "6,5,3")
    field = netcheck.fields["layers"]
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not netcheck.model.is_busy() and netcheck.model.result() is None
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not netcheck.model.is_busy(), timeout=20_000)
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        qtbot.keyClick(netcheck.fields["seed"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not netcheck.model.is_busy(), timeout=20_000)
    # explorer: Ctrl+Return sweeps
    explorer = window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.model.result() is not None, timeout=5000)
    explorer.model.set_text("point", "0.3")
    with qtbot.waitSignal(explorer.model.resultChanged, timeout=5000):
        qtbot.keyClick(
            explorer.edits["point"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert explorer.model.result().point == pytest.approx(0.3)
    # nowhere is Ctrl+R bound any more
    from PySide6.QtGui import QAction, QKeySequence, QShortcut

    bound = [a.shortcut() for a in window.findChildren(QAction)]
    bound += [s.key() for s in window.findChildren(QShortcut)]
    assert QKeySequence("Ctrl+R") not in bound


def test_one_badge_style_in_the_three_panels(qtbot):
    window = _fresh_window(qtbot)
    window.model("calculator").set_text("backprop", "0.4998")
    window.model("calculator").recompute()
    explorer = window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.model.result() is not None, timeout=5000)
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "6,5,3")
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        netcheck.run_check()
    badges = [
        window.panel("calculator").verdict_label,
        explorer.diagnosis_title,
        netcheck.verdict_badge,
    ]

    def shape(style: str) -> str:
        return re.sub(r"background: #[0-9a-fA-F]{6};", "background: C;", style)

    styles = {shape(badge.styleSheet()) for badge in badges}
    assert len(styles) == 1, styles
    assert "color: white" in styles.pop()


def test_the_title_names_the_app_once(qtbot):
    window = _fresh_window(qtbot)
    assert window.windowTitle().lower().count("fdgui") == 1
    assert window.windowTitle().endswith("fdgui")  # desktops add nothing more


def test_a_first_start_says_what_each_panel_is_for(qtbot):
    from fdgui.ui.panels import available_panels

    window = _fresh_window(qtbot)
    for info in available_panels():
        panel = window.open_panel(info.key)
        intros = [
            label for label in panel.findChildren(QLabel) if label.objectName() == "panelIntro"
        ]
        assert len(intros) == 1 and intros[0].text() == info.intro
        assert intros[0].isVisible()
        lines = intros[0].height() / intros[0].fontMetrics().lineSpacing()
        assert lines < 2.5, info.key  # one line (two at most in a narrow window)


def test_no_intro_once_the_window_remembers_a_session(qtbot):
    from fdgui.ui.main_window import MainWindow

    first = MainWindow(remember=True)
    qtbot.addWidget(first)
    first.close()  # saves every panel's state
    second = MainWindow(remember=True)
    qtbot.addWidget(second)
    panel = second.open_panel("calculator")
    assert not [w for w in panel.findChildren(QLabel) if w.objectName() == "panelIntro"]


# --- numbers --------------------------------------------------------------------------------
def test_worst_table_fits_a_1280_pixel_window_without_sideways_scroll(qtbot):
    window = _fresh_window(qtbot, (1280, 800))
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "20,16,10")
    netcheck.model.set_text("bug", "softmax-factor")
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        netcheck.run_check()
    qtbot.wait(100)
    table = netcheck.worst_table
    assert table.rowCount() > 0
    assert not table.horizontalScrollBar().isVisible()
    header = table.horizontalHeader()
    assert sum(header.sectionSize(i) for i in range(header.count())) <= table.viewport().width()
    entry = netcheck.model.result().worst[0]
    numeric = table.item(0, 1)
    assert len(re.sub(r"[^0-9]", "", numeric.text().split("e")[0]).lstrip("0")) <= 7
    assert float(numeric.toolTip()) == entry.numeric  # every digit on hover


@pytest.mark.parametrize("size", [(1920, 1080)])
def test_tables_share_a_wide_window_instead_of_the_last_column_taking_it(qtbot, size):
    window = _fresh_window(qtbot, size)
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "8,6,3")
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        netcheck.run_check()
    qtbot.wait(100)
    for table in (netcheck.tensor_table, netcheck.worst_table):
        header = table.horizontalHeader()
        widths = [header.sectionSize(i) for i in range(header.count())]
        assert widths[-1] < 0.4 * sum(widths), table.objectName()


def test_sent_values_read_short_and_show_every_digit_on_focus(qtbot):
    window = _fresh_window(qtbot)
    explorer = window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.model.result() is not None, timeout=5000)
    explorer.model.set_cursor_epsilon(1e-8)
    explorer.send_button.click()
    calculator = window.panel("calculator")
    model = window.model("calculator")
    edit: QLineEdit = calculator.inputs["loss_plus"]
    full = model.text("loss_plus")
    assert len(full) > 15
    assert edit.text().endswith("…") and len(edit.text()) <= 14
    assert full in edit.toolTip()
    edit.setFocus()
    qtbot.waitUntil(lambda: edit.text() == full, timeout=2000)
    calculator.inputs["epsilon"].setFocus()
    qtbot.waitUntil(lambda: edit.text().endswith("…"), timeout=2000)
    # and the calculator still reproduces the explorer's estimate, over the steps taken (the
    # explorer's cursor divides by 2ε, the calculator by h+ + h−: w ± ε as the dtype holds it)
    estimate = model.calculate()
    readout = explorer.model.readout()
    steps = estimate.inputs.steps
    taken = 2 * readout.epsilon if steps is None else float(steps[0] + steps[1])
    expected = readout.estimates["central"] * (2 * readout.epsilon) / taken
    assert float(estimate.central) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("dtype", ["float64", "bfloat16"])
def test_sent_fields_show_their_start_and_results_at_most_seven_figures(qtbot, dtype):
    window = _fresh_window(qtbot, (860, 600))
    explorer = window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.model.result() is not None, timeout=5000)
    explorer.model.set_texts({"dtype": dtype})
    explorer.model.sweep()
    qtbot.waitUntil(lambda: explorer.model.result().dtype == dtype, timeout=5000)
    qtbot.waitUntil(lambda: explorer.model.readout() is not None, timeout=5000)
    explorer.send_button.click()
    calculator = window.panel("calculator")
    model = window.model("calculator")
    model.set_text("backprop", repr(0.1 / 1.2345678901))
    qtbot.waitUntil(lambda: model.result() is not None, timeout=5000)
    qtbot.wait(50)
    for field, edit in calculator.inputs.items():
        if edit.hasFocus() or not edit.text():
            continue
        assert edit.cursorPosition() == 0, field  # the sign and leading digits in view
        digits = re.sub(r"[^0-9]", "", edit.text().split("e")[0]).lstrip("0")
        assert len(digits) <= 10, (field, edit.text())
        room = edit.contentsRect().width()
        assert edit.fontMetrics().horizontalAdvance(edit.text()) < room, (field, edit.text())
    for key, label in calculator.result_labels.items():
        text = label.text()
        if text in ("", "needs L"):
            continue
        value = text.split("±")[0].strip()
        figures = re.sub(r"[^0-9]", "", value.split("e")[0]).lstrip("0")
        assert len(figures) <= 7, (key, text)
        if "±" in text:  # no digit below the ±'s second figure
            error = float(text.split("±")[1])
            last = float("1e" + str(math.floor(math.log10(abs(error))) - 1))
            assert len(figures) <= max(
                1, math.floor(math.log10(abs(float(value)))) - math.floor(math.log10(last)) + 1
            ), (key, text)
        assert "(every digit)" in label.toolTip(), key


# --- nothing cut off, at both sizes and in both themes --------------------------------------
@pytest.mark.parametrize("themed", ["light", "dark"], indirect=True)
@pytest.mark.parametrize("size", [(860, 600), (1920, 1080)])
@pytest.mark.parametrize("key", ["calculator", "explorer", "netcheck"])
def test_nothing_cut_off_in_any_panel_at_both_sizes_and_themes(qtbot, themed, size, key):
    window = _fresh_window(qtbot, size)
    panel = window.open_panel(key)
    if key == "explorer":
        qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    if key == "netcheck":
        panel.model.set_text("layers", "8,6,3")
        with qtbot.waitSignal(panel.model.resultChanged, timeout=20_000):
            panel.run_check()
    if key == "calculator":
        window.model("calculator").set_text("backprop", "0.4998")
        window.model("calculator").calculate()
    qtbot.wait(100)
    assert window.width() == size[0] and window.height() == size[1]
    # the layout settles on the event loop after the result lands: 100 ms was not always
    # enough at load 10 on 2 cores (the fresh clone of session 17: referencesLabel 14 px
    # high for 112 px of text, whole when run again idle); a label that stays cut fails
    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(lambda: cut_off_texts(window) == [], timeout=3000)
    assert cut_off_texts(window) == []
    if key == "explorer":  # the cursor's values and Send stay in view without scrolling
        button = panel.send_button
        assert button.visibleRegion().boundingRect().size() == button.size()
    if key == "calculator":
        heading = next(
            label for label in panel.findChildren(QLabel) if label.text() == "<b>Cancellation</b>"
        )
        assert heading.visibleRegion().boundingRect().size() == heading.size()
    if key == "netcheck":
        assert panel.run_button.visibleRegion().boundingRect().size() == panel.run_button.size()


def test_progress_bars_show_their_percentage_and_hide_when_idle(qtbot):
    window = _fresh_window(qtbot)
    netcheck = window.open_panel("netcheck")
    assert not netcheck.progress.isVisible()
    assert netcheck.progress.isTextVisible() and "%p" in netcheck.progress.format()
    netcheck.model.busyChanged.emit(True)
    assert netcheck.progress.isVisible()
    netcheck.model.busyChanged.emit(False)
    assert not netcheck.progress.isVisible()
    assert math.isfinite(netcheck.progress.value())


def test_the_badge_keeps_a_few_words_and_the_qualification_leads_the_explanation(qtbot):
    from fdgui.ui.explorer.panel import ExplorerPanel, split_title

    title = "Gradient correct (confirmed by the complex step reference; limited by float16)"
    assert split_title(title) == (
        "Gradient correct",
        "Confirmed by the complex step reference; limited by float16",
    )
    assert split_title("Kink at w") == ("Kink at w", "")
    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    panel.resize(860, 560)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    panel.model.set_texts({"dtype": "float16"})
    panel.model.sweep()
    qtbot.waitUntil(lambda: panel.model.result().dtype == "float16", timeout=5000)
    full = panel.diagnosis_title.toolTip()
    badge, qualifier = split_title(full)
    assert panel.diagnosis_title.text() == badge
    if qualifier:
        assert qualifier in panel.diagnosis_text.text()
    # the badge fits its width in at most two lines
    label = panel.diagnosis_title
    assert label.heightForWidth(label.width()) <= 2.5 * label.fontMetrics().lineSpacing() + 16


def test_a_theme_switch_recolours_the_verdicts_already_in_the_tables(qtbot, themed):
    window = _fresh_window(qtbot)
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "6,5,3")
    netcheck.model.set_text("bug", "softmax-factor")
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        netcheck.run_check()
    table = netcheck.tensor_table
    status = table.item(0, table.columnCount() - 1)
    light = status.foreground().color().name()
    assert light == theme.readable(theme.ERROR, theme.LIGHT)
    window.theme_actions["dark"].trigger()
    status = table.item(0, table.columnCount() - 1)
    assert status.foreground().color().name() == theme.readable(theme.ERROR, theme.DARK)
    assert theme.contrast(status.foreground().color().name(), "#1e1f22") >= 4.5


# --- one ε format and one relative-error format, labels and sentences alike ----------------
_EPSILON_TEXT = re.compile(
    r"ε\s*(?:[=≈:]|\(|kink distance \(~|about)\s*~?([0-9][0-9.]*(?:e[-+]?\d+)?)"
)
_RELATIVE_TEXT = re.compile(
    r"relative (?:error|difference)(?: of| against the checked gradient)?\s*[=:]?\s*"
    r"([0-9][0-9.]*(?:e[-+]?\d+)?)"
)


def _all_texts(widget) -> str:
    texts = [label.text() for label in widget.findChildren(QLabel)]
    return re.sub(r"<[^>]+>", " ", " \n ".join(texts)).replace("&nbsp;", " ")


def _assert_one_format(text: str) -> int:
    from fdgui.core.numbers import format as numbers

    seen = 0
    for found in _EPSILON_TEXT.findall(text):
        assert numbers.epsilon(float(found)) == found, (found, text)
        seen += 1
    for found in _RELATIVE_TEXT.findall(text):
        assert numbers.ratio(float(found)) == found, (found, text)
        seen += 1
    return seen


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16"])
def test_every_epsilon_and_relative_error_in_the_explorer_reads_one_way(qtbot, dtype):
    from fdgui.ui.explorer.panel import ExplorerPanel

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    panel.model.set_texts({"dtype": dtype})
    panel.model.sweep()
    qtbot.waitUntil(lambda: panel.model.result().dtype == dtype, timeout=5000)
    qtbot.waitUntil(lambda: panel.model.readout() is not None, timeout=5000)
    qtbot.wait(50)
    text = _all_texts(panel)
    assert _assert_one_format(text) >= 3  # recommended ε, cursor ε, the sentences' ε


# --- the same keys in every panel ---------------------------------------------------------
def test_ctrl_shift_c_copies_the_network_check_report(qtbot):
    from PySide6.QtGui import QGuiApplication

    window = _fresh_window(qtbot)
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "4,3,2")
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        netcheck.run_check()
    QGuiApplication.clipboard().setText("")
    netcheck._fields.edits["layers"].setFocus()
    qtbot.keyClick(
        netcheck._fields.edits["layers"],
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    copied = QGuiApplication.clipboard().text()
    assert "verdict" in copied.lower() or "entries" in copied.lower(), copied[:200]
    assert len(copied.splitlines()) > 3


def test_escape_stops_reading_a_long_pasted_table_in_the_calculator(qtbot):
    from fdgui.ui.calculator.model import BACKGROUND_ROWS

    window = _fresh_window(qtbot)
    calculator = window.open_panel("calculator")
    model = window.model("calculator")
    count = max(200_000, 50 * BACKGROUND_ROWS)
    rows = "\n".join(f"1e-3\t{1 + i * 1e-9!r}\t{1 - i * 1e-9!r}" for i in range(count))
    calculator.inputs["epsilon"].setFocus()
    qtbot.waitUntil(calculator.inputs["epsilon"].hasFocus, timeout=2000)
    calculator.paste_table(rows)
    assert model.is_reading()
    qtbot.keyClick(calculator.inputs["epsilon"], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=20_000)
    assert len(model.history_rows()) < count  # stopped, not read to the end


@pytest.mark.parametrize("dtype", ["float64", "float32", "bfloat16"])
def test_the_legend_names_the_float64_band_only_while_it_is_drawn(qtbot, dtype):
    from fdgui.ui.explorer.panel import ExplorerPanel

    panel = ExplorerPanel()
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model.result() is not None, timeout=5000)
    panel.model.set_texts({"dtype": dtype})
    panel.model.sweep()
    qtbot.waitUntil(lambda: panel.model.result().dtype == dtype, timeout=5000)
    drawn = panel.view.seed_text.isVisible()
    legend = panel.legend_label.text()
    assert ("float64 band" in legend) == drawn, (dtype, drawn, legend[-120:])
    if drawn and dtype != "float64":
        assert f"not for {dtype}" in legend
    if dtype == "bfloat16":
        assert not drawn  # the vanished region covers 1e-7…1e-4 at w = 1


def test_one_verdict_badge_shape_in_every_panel(qtbot):
    window = _fresh_window(qtbot)
    explorer = window.open_panel("explorer")
    qtbot.waitUntil(lambda: explorer.model.result() is not None, timeout=5000)
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "4,3,2")
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        netcheck.run_check()
    calculator = window.open_panel("calculator")
    window.model("calculator").set_text("backprop", "0.4998")
    window.model("calculator").calculate()
    qtbot.wait(100)
    badges = [explorer.diagnosis_title, netcheck.verdict_badge, calculator.verdict_label]
    fonts = {(b.font().pointSizeF(), b.font().bold()) for b in badges}
    assert len(fonts) == 1 and next(iter(fonts))[1], fonts
    for badge in badges:
        assert badge.property("verdictBadge") is True
        # as wide as its words, not stretched across its column
        words = badge.fontMetrics().horizontalAdvance(badge.text())
        assert badge.width() <= max(words + 40, 130), (badge.objectName(), badge.width(), words)


def test_netcheck_tab_order_reaches_the_cost_table_before_run(qtbot):
    window = _fresh_window(qtbot)
    netcheck = window.open_panel("netcheck")
    widget, seen = netcheck.fields["engine"], []
    for _ in range(6):
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
        seen.append(widget)
    assert netcheck.plan_table in seen
    assert seen.index(netcheck.plan_table) < seen.index(netcheck.run_button)


def test_heat_map_of_a_vector_has_no_bare_row_ticks_and_a_short_scale_label(qtbot):
    window = _fresh_window(qtbot, (860, 600))
    netcheck = window.open_panel("netcheck")
    netcheck.model.set_text("layers", "6,5,3")
    with qtbot.waitSignal(netcheck.model.resultChanged, timeout=20_000):
        netcheck.run_check()
    heat = netcheck.heat_map
    names = [heat.tensor_combo.itemText(i) for i in range(heat.tensor_combo.count())]
    heat.tensor_combo.setCurrentIndex(names.index("b1"))  # a vector: one row
    heat.draw()
    left = heat.plot.getAxis("left")
    assert left._tickLevels == [[], []]
    heat.tensor_combo.setCurrentIndex(names.index("W1"))  # a matrix: numbered rows
    heat.draw()
    assert left._tickLevels is None and left.labelText
    label = heat.color_bar.axis.labelText
    assert len(label) <= 20, label


def test_one_sided_differences_of_equal_losses_are_flagged_not_a_bare_zero(qtbot):
    from fdgui.ui.calculator.model import CalculatorModel
    from fdgui.ui.calculator.panel import CalculatorPanel

    model = CalculatorModel()
    panel = CalculatorPanel(model)
    qtbot.addWidget(panel)
    model.set_inputs("0.85", "0.85", "0.85", "0.00001")  # every digit cancels
    model.calculate()
    model.set_inputs("0.85", "0.8505", "0.8495", "0.001")  # nothing cancels
    model.calculate()
    table = panel.history_table.model()
    for column, mark in ((3, "L+ = L−"), (4, "L+ = L"), (5, "L = L−")):
        cell = table.index(0, column)
        assert mark in cell.data(), (column, cell.data())
        assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None
        assert "cancel" in cell.data(Qt.ItemDataRole.ToolTipRole)
        clean = table.index(1, column)
        assert "✕" not in clean.data() and clean.data(Qt.ItemDataRole.ForegroundRole) is None
