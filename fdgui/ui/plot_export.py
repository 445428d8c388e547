"""Export of every plot: PNG at a chosen size, SVG, the plotted data as CSV, a copy as an
image, and the context menu that offers them on each plot.

pyqtgraph's SVG exporter fails on PySide6 6.11/6.12 (pyqtgraph issue 3485): Qt's SVG
generator now writes a closing ``Z`` into paths, and pyqtgraph's ``correctCoordinates``
expects only ``x,y`` pairs there (ValueError). ``_install_svg_fix`` wraps that function: it
takes the ``Z`` out before and puts it back after, so the SVG is whole.

A "target" is a graphics view (a PlotWidget or a GraphicsLayoutWidget): PNG and SVG draw
all of it, CSV holds the data of every curve (and image) on it.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QWidget

MAX_SIDE = 8000  # pixels: larger PNGs are refused (memory)
_SVG_FIXED = False


# --- SVG ------------------------------------------------------------------------------------
def _install_svg_fix() -> None:
    global _SVG_FIXED
    if _SVG_FIXED:
        return
    import pyqtgraph.exporters  # noqa: F401  (loads the module below)

    module = sys.modules["pyqtgraph.exporters.SVGExporter"]
    original = module.correctCoordinates

    def correct_coordinates(node: Any, defs: Any, item: Any, options: Any) -> Any:
        closed = []
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            tokens = d.split()
            if any(token.upper() == "Z" for token in tokens):
                closed.append(path)
                path.setAttribute("d", " ".join(t for t in tokens if t.upper() != "Z"))
        result = original(node, defs, item, options)
        for path in closed:
            path.setAttribute("d", path.getAttribute("d").rstrip() + " Z")
        return result

    module.correctCoordinates = correct_coordinates
    _SVG_FIXED = True


def _root_item(view: Any) -> Any:
    """The item that holds everything drawn in ``view``."""
    if hasattr(view, "getPlotItem"):
        return view.getPlotItem()
    return getattr(view, "ci", None) or view.scene()


def export_svg(view: Any, path: str | Path) -> None:
    _install_svg_fix()
    from pyqtgraph.exporters import SVGExporter

    SVGExporter(_root_item(view)).export(str(path))


# --- PNG ------------------------------------------------------------------------------------
@contextmanager
def _resized(view: QWidget, width: int, height: int) -> Iterator[None]:
    """The view drawn at ``width``×``height`` (fonts at their usual size), then put back."""
    old_size = view.size()
    old_min, old_max = view.minimumSize(), view.maximumSize()
    view.setMinimumSize(1, 1)
    view.setMaximumSize(16777215, 16777215)
    view.resize(width, height)
    try:
        yield
    finally:
        view.setMinimumSize(old_min)
        view.setMaximumSize(old_max)
        view.resize(old_size)


def render_png(view: QWidget, width: int | None = None, height: int | None = None) -> Any:
    """A QImage of ``view`` at the given size (default: as on screen)."""
    width = width or view.width()
    height = height or view.height()
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ValueError(f"the size must be between 1 and {MAX_SIDE} pixels a side")
    with _resized(view, width, height):
        image = view.grab().toImage()
    if image.width() != width or image.height() != height:  # a HiDPI screen: scale back
        image = image.scaled(width, height)
    return image


def export_png(
    view: QWidget, path: str | Path, width: int | None = None, height: int | None = None
) -> None:
    if not render_png(view, width, height).save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def copy_image(view: QWidget) -> None:
    QGuiApplication.clipboard().setImage(render_png(view))


# --- CSV ------------------------------------------------------------------------------------
def _plot_items(view: Any) -> list[Any]:
    root = _root_item(view)
    if isinstance(root, pg.PlotItem):
        return [root]
    items = getattr(root, "items", [])
    items = list(items()) if callable(items) else list(items)  # a layout: a dict of items
    found = [item for item in items if isinstance(item, pg.PlotItem)]
    return sorted(found, key=lambda item: (item.pos().y(), item.pos().x()))


def _plot_name(plot: Any, number: int) -> str:
    label = plot.getAxis("left").labelText if "left" in plot.axes else ""
    return re.sub(r"<[^>]+>", "", label or "") or f"plot {number + 1}"


def csv_text(view: Any) -> str:
    """Every curve on the view as rows of (plot, series, x, y), x and y as plotted (not
    their logarithms); the network check's heat map as ``heat_map_csv`` (an image is
    otherwise a picture, not data: it is left out, so every row has the same four fields)."""
    report = getattr(view.parentWidget(), "report", None) if hasattr(view, "parentWidget") else None
    if report is not None and hasattr(report, "tensors"):  # the network check's heat map
        return heat_map_csv(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["plot", "series", "x", "y"])
    for number, plot in enumerate(_plot_items(view)):
        plot_name = _plot_name(plot, number)
        for item in plot.items:
            if isinstance(item, pg.PlotDataItem) and item.isVisible():
                x, y = item.getOriginalDataset()
                if x is None or y is None or len(x) == 0:
                    continue
                series = item.name() or "curve"
                for xv, yv in zip(np.asarray(x, float), np.asarray(y, float), strict=False):
                    writer.writerow([plot_name, series, _number(xv), _number(yv)])
    return out.getvalue()


def heat_map_csv(report: Any) -> str:
    """A network check's relative errors, every entry of every tensor (not the downsampled
    log10 picture): rows of (tensor, row, column, relative_error), indexes from 0; a vector
    is row 0, a tensor of more dimensions has its trailing ones flattened into the column;
    a projection check has one row of directions."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tensor", "row", "column", "relative_error"])
    for tensor in report.tensors:
        if tensor.relative_errors is None:  # a restored report that did not keep them
            continue
        errors = np.asarray(tensor.relative_errors, dtype=float)
        errors = errors.reshape(1, -1) if errors.ndim < 2 else errors.reshape(errors.shape[0], -1)
        for (row, column), value in np.ndenumerate(errors):
            writer.writerow([tensor.name, row, column, repr(float(value))])
    return out.getvalue()


def _number(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else ""


def export_csv(view: Any, path: str | Path) -> None:
    Path(path).write_text(csv_text(view), encoding="utf-8")


# --- every plot of the window -------------------------------------------------------------------
def plot_views(key: str, panel: Any) -> dict[str, Any]:
    """A panel's plots by name (what --export-plots writes and the menus offer)."""
    candidates = {
        "calculator": {"calculator": getattr(getattr(panel, "plot", None), "widget", None)},
        "explorer": {"explorer": getattr(panel, "plots", None)},
        "netcheck": {"heatmap": getattr(panel, "heat_view", None)},
    }.get(key, {})
    return {name: view for name, view in candidates.items() if view is not None}


def export_all(window: Any, folder: str | Path) -> list[str]:
    """Every panel's plots as PNG, SVG and CSV into ``folder``; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for key in window.panel_keys():
        panel = window.open_panel(key)
        for name, view in plot_views(key, panel).items():
            for suffix, write in (("png", export_png), ("svg", export_svg), ("csv", export_csv)):
                target = folder / f"{name}.{suffix}"
                write(view, target)
                written.append(str(target))
    return written


# --- the context menu ---------------------------------------------------------------------------
def attach_menu(view: QWidget, name: str, extra: list[QAction] | None = None) -> None:
    """A context menu on ``view``: ``extra`` actions first, then export PNG/SVG/CSV, copy as
    image, view all."""
    for plot in _plot_items(view):
        plot.setMenuEnabled(False)  # pyqtgraph's own menu offers the broken SVG exporter
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(
        lambda point, view=view, name=name: plot_menu(view, name, extra).exec(
            view.mapToGlobal(point)
        )
    )


def plot_menu(view: QWidget, name: str, extra: list[QAction] | None = None) -> QMenu:
    menu = QMenu(view)
    if extra:
        menu.addActions(extra)
        menu.addSeparator()
    for text, slot in (
        ("Copy as image", lambda: _run(view, lambda: copy_image(view), "Copied the plot.")),
        ("Export as PNG…", lambda: _export_dialog(view, name, "png")),
        ("Export as SVG…", lambda: _export_dialog(view, name, "svg")),
        ("Export data as CSV…", lambda: _export_dialog(view, name, "csv")),
        ("View all", lambda: [plot.autoRange() for plot in _plot_items(view)]),
    ):
        action = QAction(text, menu)
        action.triggered.connect(slot)
        menu.addAction(action)
    return menu


def _export_dialog(view: QWidget, name: str, kind: str) -> None:
    filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "csv": "CSV (*.csv)"}
    path, _ = QFileDialog.getSaveFileName(
        view, f"Export the {name} plot", str(Path.home() / f"{name}.{kind}"), filters[kind]
    )
    if not path:
        return
    if kind == "png":
        size, ok = QInputDialog.getText(
            view, "Image size", "Width × height in pixels:", text=f"{view.width()}x{view.height()}"
        )
        if not ok:
            return
        try:
            width, height = (int(part) for part in size.lower().replace("×", "x").split("x"))
        except ValueError:
            _status(view, f"The size must look like 1600x1000, not {size!r}.")
            return
        _run(view, lambda: export_png(view, path, width, height), f"Saved {path}.")
    elif kind == "svg":
        _run(view, lambda: export_svg(view, path), f"Saved {path}.")
    else:
        _run(view, lambda: export_csv(view, path), f"Saved {path}.")


def _run(view: QWidget, action: Any, done: str) -> None:
    try:
        action()
    except (OSError, ValueError) as error:
        _status(view, f"Could not export: {error}")
        return
    _status(view, done)


def _status(view: QWidget, text: str) -> None:
    window = view.window()
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(text, 8000)
