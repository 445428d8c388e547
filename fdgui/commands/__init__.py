"""The headless subcommands (calc, sweep, netcheck); fdgui.cli dispatches and guards them."""

from __future__ import annotations


def show_traceback() -> None:
    """With FDGUI_TRACEBACK=1, the traceback of the exception being handled, on stderr: for
    every internal error a subcommand catches and words in one line (a bug report needs it)."""
    import os

    if os.environ.get("FDGUI_TRACEBACK") == "1":
        import traceback

        traceback.print_exc()
