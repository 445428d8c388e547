"""fdgui-cli: the same core as the window, for scripts, CI and machines without a screen.

Each subcommand lives in ``fdgui.commands.<name>`` and provides ``add_parser(subparsers)``
and ``run(args) -> int``. Exit status: 0 success, 1 a check that failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from fdgui import __version__

COMMANDS = ("calc", "sweep", "netcheck")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = _Parser(
        prog="fdgui-cli",
        description="Finite-difference gradients of neural-network losses, without a window.",
    )
    parser.add_argument("--version", action="version", version=f"fdgui {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    modules: dict[str, object] = {}
    for name in COMMANDS:
        module_name = f"fdgui.commands.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue  # a command not built yet
            raise
        module.add_parser(subparsers)
        modules[name] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(modules[args.command].run(args))  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        print("fdgui-cli: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
