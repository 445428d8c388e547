"""Start the window: command-line flags, the display check, the exception hook.

fdgui                      the window
fdgui --smoke              start the real window, compute the example, print one JSON line
fdgui --screenshot PATH    save the window as PNG and exit
fdgui FILE                 open a session file (also --session FILE)
fdgui --session FILE --export-plots DIR   every panel's plots as PNG, SVG and CSV, then exit
fdgui --theme light|dark   the colours to use (default: the system's, or the View menu's choice)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

_START = time.perf_counter()


def _process_age_ms() -> float:
    """Milliseconds since this process started (Linux: from /proc), else since this import."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            uptime_s = float(uptime.read().split()[0])
        ticks_per_s = os.sysconf("SC_CLK_TCK")
        return max(0.0, (uptime_s - start_ticks / ticks_per_s) * 1000.0)
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _START) * 1000.0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    from fdgui import __version__

    parser = argparse.ArgumentParser(prog="fdgui", description="Finite-difference gradients.")
    parser.add_argument("--version", action="version", version=f"fdgui {__version__}")
    parser.add_argument(
        "--smoke", action="store_true", help="start, compute the example, print JSON, exit"
    )
    parser.add_argument(
        "--all-panels",
        action="store_true",
        help="with --smoke or --screenshot: open every panel (checks they load)",
    )
    parser.add_argument("--screenshot", metavar="PATH", help="save the window as PNG and exit")
    parser.add_argument("--panel", metavar="KEY", help="open this panel at start")
    parser.add_argument(
        "--size", metavar="WxH", default="", help="window size, e.g. 1280x800 (for screenshots)"
    )
    parser.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        help="light or dark colours (default: the last View ▸ Theme choice, else the system's)",
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="a session file to open")
    parser.add_argument("--session", metavar="FILE", help="a session file to open")
    parser.add_argument(
        "--export-plots",
        metavar="DIR",
        help="write every panel's plots as PNG, SVG and CSV into DIR, then exit",
    )
    args = parser.parse_args(argv)
    if args.file and args.session and args.file != args.session:
        parser.error("give one session file (FILE or --session), not two")
    args.session = args.session or args.file
    return args


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


NO_DISPLAY_MESSAGE = (
    "fdgui needs a graphical display and none was found (DISPLAY and WAYLAND_DISPLAY are "
    "unset): run it from a desktop session or over ssh -X, use `fdgui-cli` for headless "
    "calculations, or set QT_QPA_PLATFORM=offscreen to check that it starts "
    "(`fdgui --smoke`)."
)


#: the largest window side --size accepts: a window (and its screenshot) of 8192×8192 is
#: 256 MB of pixels; far larger ones made Qt crash allocating them
MAX_SIDE = 8192
MIN_SIDE = 200


def parse_size(text: str) -> tuple[tuple[int, int] | None, str]:
    """(width, height) from ``WxH``, or None and the reason in words."""
    from fdgui.core.numbers.parsing import shorten

    parts = text.strip().lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() and len(p.strip()) < 7 for p in parts):
        return None, f"must look like 1280x800, not {shorten(text)!r}"
    width, height = (int(p) for p in parts)
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        return None, (
            f"{width}x{height} is outside what a window can be here: each side from "
            f"{MIN_SIDE} to {MAX_SIDE} pixels"
        )
    return (width, height), ""


def install_exception_hook() -> None:
    """Show an unexpected exception in a dialog with details to copy; the app stays up."""
    from fdgui.ui.errors import ExceptionReporter

    ExceptionReporter.install()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    size = None
    if args.size:
        size, problem = parse_size(args.size)
        if size is None:
            print(f"fdgui: --size: {problem}", file=sys.stderr)
            return 2
    headless_job = args.smoke or args.screenshot or args.export_plots
    if not _has_display():
        if headless_job:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        else:
            print(NO_DISPLAY_MESSAGE, file=sys.stderr)
            return 2

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("fdgui")
    app.setOrganizationName("fdgui")
    app.setApplicationDisplayName("fdgui")
    app.setDesktopFileName("io.github.fdgui.fdgui")
    _set_icon(app)

    from fdgui.ui import gc_guard, worker

    gc_guard.install()
    worker.share_interpreter()

    from fdgui.ui import theme

    # --smoke and --screenshot look the same on every machine unless --theme says otherwise
    chosen = args.theme or ("light" if headless_job else theme.saved_choice())
    theme.apply(chosen)

    from fdgui.ui.main_window import MainWindow

    install_exception_hook()
    # --smoke and --screenshot show the example, whatever the last session left behind
    window = MainWindow(remember=not headless_job)
    if args.size:
        window.resize(*size)
    if args.session and not window.session.open_file(args.session):
        reason = window.session.last_message
        if headless_job:
            print(json.dumps({"ok": False, "error": reason}))
            return 2
        from fdgui.core.numbers.parsing import one_line

        print(f"fdgui: {one_line(reason)}", file=sys.stderr)  # a file name may hold escapes
    if not headless_job:
        window.ask_before_closing = True
        from PySide6.QtCore import QTimer

        # what startup restored (and its first sweeps) is not an unsaved change
        QTimer.singleShot(2500, window.session.mark_clean)
    window.show()
    app.processEvents()
    gc_guard.freeze_startup()

    from fdgui.ui.worker import shutdown_jobs

    try:
        return _run_window(app, window, args)
    finally:
        shutdown_jobs()


def _run_window(app, window, args: argparse.Namespace) -> int:
    if args.export_plots:
        return _export_plots(app, window, args.export_plots)
    if args.smoke:
        return _smoke(app, window, args.all_panels, bool(args.session))
    if args.panel:
        if args.panel not in window.panel_keys():
            print(f"fdgui: no panel {args.panel!r}; choose from {window.panel_keys()}")
            return 2
        window.open_panel(args.panel)
    if args.screenshot:
        if args.all_panels:
            for key in window.panel_keys():
                window.open_panel(key)
            window.open_panel(args.panel or "calculator")
        _settle(app, seconds=1.0)  # panels draw their first results after the first paint
        folder = os.path.dirname(os.path.abspath(args.screenshot))
        ok = os.path.isdir(folder) and window.grab().save(args.screenshot)
        result: dict[str, object] = {"ok": bool(ok), "path": args.screenshot}
        if not ok:
            result["error"] = (
                f"the folder {folder} does not exist"
                if not os.path.isdir(folder)
                else "Qt could not write the PNG there (permissions, or a name without .png)"
            )
        print(json.dumps(result))
        return 0 if ok else 1
    return app.exec()


def _settle(app, seconds: float) -> None:
    """Run the event loop for a while (deferred first sweeps, plans) and until no background
    job is running, at most ``seconds`` plus 5 s."""
    from PySide6.QtCore import QEventLoop, QTimer

    from fdgui.ui import worker

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    deadline = time.perf_counter() + 5.0
    while worker._live_jobs and time.perf_counter() < deadline:
        QTimer.singleShot(50, loop.quit)
        loop.exec()


def _export_plots(app, window, folder: str) -> int:
    """Every panel's plots into ``folder`` (a network check is run first if the session has
    no report), one JSON line: {"ok", "files"} or {"ok": false, "error"}."""
    from fdgui.ui.plot_export import export_all

    left_out: dict[str, str] = {}
    for key in window.panel_keys():
        if window.open_panel(key).objectName() == "panelError":
            left_out[key] = "the panel could not be opened, so none of its plots was written"
    netcheck = window.model("netcheck") if "netcheck" in window.panel_keys() else None
    refused = [p for p in window.session.open_problems if p.startswith("netcheck")]
    if netcheck is not None and netcheck.result() is None:
        if refused:  # the heat map is then of a new check, not of the session's report
            left_out["netcheck report"] = (
                f"not restored ({'; '.join(refused)}): the heat map is of a new check of the fields"
            )
        netcheck.run()
    _settle(app, seconds=1.0)
    try:
        written = export_all(window, folder)
    except (OSError, ValueError) as error:
        print(json.dumps({"ok": False, "error": f"could not write the plots: {error}"}))
        return 1
    result: dict[str, object] = {"ok": True, "files": written}
    stored = getattr(netcheck, "restored", None)
    if stored is not None and stored.omitted:  # a restored report that did not keep all
        result["omitted"] = {name: why for name, why in stored.omitted.items()}
    if left_out:
        result["left_out"] = left_out
    print(json.dumps(result))
    window.close()
    return 0


def _smoke(app, window, all_panels: bool, from_session: bool = False) -> int:
    estimate = window.model("calculator").calculate()
    startup_ms = round(_process_age_ms())
    from fdgui.core.numbers.format import decimal_full as format_full

    gradient = None if estimate is None else format_full(estimate.central)
    result: dict[str, object] = {
        # the example's gradient is 0.5; a session's is whatever its inputs give
        "ok": gradient is not None if from_session else gradient == "0.5",
        "gradient": gradient,
        "startup_ms": startup_ms,
    }
    if gradient is None:  # say why: the field and its message, as the window shows them
        problems = window.model("calculator").errors()
        result["error"] = (
            "; ".join(f"{field}: {message}" for field, message in sorted(problems.items()))
            or "the calculator could not compute the gradient from its inputs"
        )
    if all_panels:
        panels = {}
        for key in window.panel_keys():
            panel = window.open_panel(key)
            app.processEvents()
            panels[key] = "error" if panel.objectName() == "panelError" else "ok"
        result["panels"] = panels
        result["ok"] = bool(result["ok"]) and all(v == "ok" for v in panels.values())
    print(json.dumps(result))
    window.close()
    return 0 if result["ok"] else 1


def _set_icon(app) -> None:
    from PySide6.QtGui import QIcon

    from fdgui.resource_files import resource_path

    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        path = resource_path(f"icons/fdgui-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    if not icon.isNull():
        app.setWindowIcon(icon)


if __name__ == "__main__":
    sys.exit(main())
