"""fdgui-cli: the same core as the window, for scripts, CI and machines without a screen.

Each subcommand lives in ``fdgui.commands.<name>`` and provides ``add_parser(subparsers)``
and ``run(args) -> int``. Exit status: 0 success, 1 a check that failed, 2 bad input,
3 a computation that could not be carried out (``sweep``).
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
        epilog="Exit status: 0 success, 1 the gradient check failed, 2 bad input, "
        "3 the computation itself failed.",
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


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
    """Every ``--option`` (of the tool and its subcommands) that takes one value."""
    options: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                options |= _value_options(subparser)
        elif action.option_strings and action.nargs is None and action.const is None:
            options.update(action.option_strings)
    return options


def join_negative_values(argv: Sequence[str], value_options: set[str]) -> list[str]:
    """``--at -1e-3`` → ``--at=-1e-3``: argparse would take ``-1e-3`` or ``-w**2`` for an
    option and refuse the command, though a negative point or step is an ordinary request."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        following = argv[index + 1] if index + 1 < len(argv) else None
        if (
            token in value_options
            and following is not None
            and following.startswith("-")
            and following not in value_options
            and not following.startswith("--")
        ):
            joined.append(f"{token}={following}")
            index += 2
        else:
            joined.append(token)
            index += 1
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(join_negative_values(argv, _value_options(parser)))
    try:
        return int(modules[args.command].run(args))  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        print("fdgui-cli: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
