"""fdgui-cli: the same core as the window, for scripts, CI and machines without a screen.

Each subcommand lives in ``fdgui.commands.<name>`` and provides ``add_parser(subparsers)``
and ``run(args) -> int``. Exit status (every subcommand): 0 success, 1 a check that failed
(the verdict is "wrong", or the network check did not pass), 2 bad input (one line naming
the option) or, for ``calc`` and ``sweep``, a gradient under check that the numbers neither
confirm nor refute (``commands.undecided``: one line saying so), 3 a computation that
could not be carried out (out of memory, or an unexpected failure: one line, never a
traceback). ``main`` enforces 2 and 3 for every subcommand, so a
command that lets an InputError, a MemoryError or a bug escape still ends in words.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from fdgui import __version__
from fdgui.core.numbers.parsing import one_line

COMMANDS = ("calc", "sweep", "netcheck")


EXIT_STATUS = (
    "Exit status: 0 success (the gradient under check confirmed or accepted, or none given), "
    "1 the gradient check failed (a 'wrong' verdict; netcheck: any check that did not pass, "
    "an inconclusive one included), 2 bad input, or a gradient the numbers "
    "neither confirm nor refute ('Too coarse to judge', the calculator's 'Suspicious'; one "
    "line on stderr says so), 3 the computation itself failed (e.g. out of memory)."
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        missing = re.fullmatch(r"argument (--[\w-]+)(?:/[\w-]+)*: expected one argument", message)
        if missing:
            option = missing.group(1)
            message += (
                f" (a value that starts with '-' is written {option}=VALUE, e.g. {option}=-w)"
            )
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = _Parser(
        prog="fdgui-cli",
        description="Finite-difference gradients of neural-network losses, without a window.",
        epilog=EXIT_STATUS,
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
    from fdgui.commands.output import escaped_output

    with escaped_output():  # nothing from outside reaches the terminal raw
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser, modules = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(join_negative_values(argv, _value_options(parser)))
    _refuse_lost_values(parser, args)
    empty = _empty_means_default(parser, args)
    if empty:
        print(
            f"fdgui-cli {args.command}: {empty}: empty; give it a value or leave the option "
            "out (an empty value does not stand for its default here)",
            file=sys.stderr,
        )
        return 2
    return run_guarded(args.command, lambda: modules[args.command].run(args))  # type: ignore[attr-defined]


def _refuse_lost_values(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """argparse turns ``--eps=--`` into an empty list instead of a value: refuse it as the
    usage error it is (exit 2), before a command takes a list for text."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            subparser = action.choices.get(getattr(args, action.dest, None) or "")
            if subparser is not None:
                _refuse_lost_values(subparser, args)
        elif action.option_strings and action.nargs is None and action.const is None:
            value = getattr(args, action.dest, None)
            if value is not None and not isinstance(value, str) and action.type is None:
                option = action.option_strings[-1]
                parser.error(
                    f"argument {option}: '--' is not a value; write the value itself "
                    f"({option}=VALUE)"
                )


# The one rule for empty values (``--at ''``, a CI variable left unset): only options whose
# default is a neutral setting — how far the ε range reaches, how the work is run or shown —
# take their default when given an empty value. Every other value option asks for something
# by being there (a point, a gradient or bug to check, an entry, a network, a format, a fixed
# step, a file): an empty value is refused (exit 2) rather than quietly dropping or moving
# the check. A new option is refused empty unless it is listed here.
EMPTY_MEANS_DEFAULT: dict[str, frozenset[str]] = {
    "calc": frozenset(),
    "sweep": frozenset({"min", "max", "points", "timeout", "python"}),
    "netcheck": frozenset({"mode", "engine", "worst", "timeout", "python"}),
}


def _empty_means_default(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """An option of ``EMPTY_MEANS_DEFAULT`` given an empty (or blank) value takes its default,
    as if it were not given. Any other value option given an empty value is refused: the first
    such option's name is returned ("" when there is none)."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        command = getattr(args, action.dest, None) or ""
        subparser = action.choices.get(command)
        if subparser is None:
            continue
        for option in subparser._actions:
            if not (option.option_strings and option.nargs is None and option.const is None):
                continue
            value = getattr(args, option.dest, None)
            blank = isinstance(value, str) and not value.strip()
            if not blank:
                continue
            if option.dest not in EMPTY_MEANS_DEFAULT.get(command, frozenset()):
                return option.option_strings[-1]
            setattr(args, option.dest, option.default)
    return ""


def run_guarded(command: str, run) -> int:
    """``run()``'s exit status, with every failure in words: bad input 2, out of memory or a
    bug 3 (one line on stderr; the traceback only with FDGUI_TRACEBACK=1)."""
    from fdgui.commands import show_traceback
    from fdgui.core.errors import InputError

    prefix = f"fdgui-cli {command}"
    try:
        return int(run())
    except KeyboardInterrupt:
        print("fdgui-cli: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except InputError as error:
        print(one_line(f"{prefix}: --{error.field}: {error.message}"), file=sys.stderr)
        return 2
    except MemoryError:
        show_traceback()
        print(
            f"{prefix}: out of memory: the computation needs more memory than this machine "
            "let it have; make the problem smaller (fewer layers, units, points or samples)",
            file=sys.stderr,
        )
        return 3
    except Exception as error:  # never a traceback: one line; 1 is reserved for a failed check
        show_traceback()
        print(
            one_line(f"{prefix}: could not finish ({type(error).__name__}: {error})"),
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
