"""``fdgui-cli calc``: the calculator's report for one set of losses.

Exit status (the rule of every subcommand, ``cli.EXIT_STATUS``): 0 without a backprop
gradient or when it is confirmed or accepted (correct, consistent, correct within the losses'
format, fine with kinks), 1 when the verdict is "wrong", 2 for bad input and for a gradient
the numbers neither confirm nor refute (too coarse to judge, suspicious:
``commands.undecided``, as ``sweep``).
"""

from __future__ import annotations

import argparse
import sys

from fdgui.cli import EXIT_STATUS
from fdgui.core.calculator.schemes import FIELD_NAMES, estimate, parse_inputs
from fdgui.core.numbers.parsing import one_line
from fdgui.core.report.exporters import export

_OPTION_FOR_FIELD = {
    "loss": "--loss",
    "loss_plus": "--plus",
    "loss_minus": "--minus",
    "epsilon": "--eps",
    "backprop": "--backprop",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calc",
        help="central/forward/backward differences from measured losses",
        description="Finite-difference gradient from L, L(w+ε), L(w−ε) and ε, exactly as typed.",
        epilog=EXIT_STATUS,
    )
    parser.add_argument("--loss", metavar="L", help="loss at w (optional)")
    parser.add_argument("--plus", metavar="L+", help="loss at w+ε (required without --session)")
    parser.add_argument("--minus", metavar="L-", help="loss at w−ε (required without --session)")
    parser.add_argument(
        "--eps", metavar="EPS", help="the step ε (> 0) (required without --session)"
    )
    parser.add_argument("--backprop", metavar="G", help="backprop gradient to check")
    parser.add_argument(
        "--source-dtype",
        metavar="DTYPE",
        help="the losses are binary numbers of this format (float64, float32, float16, "
        "bfloat16), written with their digits: each stands for any value within u·|L|, and a "
        "backprop gradient computed in it may be off by its rounding (as the ε explorer's "
        "Send to calculator). Without it each loss is a decimal known to half a unit of its last "
        "digit",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--session",
        metavar="FILE",
        help="with the losses: also save this calculation in a session file (.fdgui.json) "
        "that the window opens; without them: report the calculation a session file holds",
    )


def run(args: argparse.Namespace) -> int:
    given = [args.plus, args.minus, args.eps]
    roundoff = _source_roundoff(args.source_dtype)
    if isinstance(roundoff, str):
        print(one_line(f"fdgui-cli calc: --source-dtype: {roundoff}"), file=sys.stderr)
        return 2
    if args.session and all(value is None for value in given) and not args.loss:
        if args.source_dtype is not None:
            print(
                "fdgui-cli calc: --source-dtype goes with the losses (--plus, --minus, --eps); "
                "a session keeps its own",
                file=sys.stderr,
            )
            return 2
        return _report_session(args)
    missing = [
        option
        for option, value in zip(("--plus", "--minus", "--eps"), given, strict=True)
        if value is None
    ]
    if missing:
        print(
            f"fdgui-cli calc: error: the following arguments are required: {', '.join(missing)}"
            " (or only --session FILE, to report a saved calculation)",
            file=sys.stderr,
        )
        return 2
    texts = {
        "loss": args.loss or "",
        "loss_plus": args.plus,
        "loss_minus": args.minus,
        "epsilon": args.eps,
        "backprop": args.backprop or "",
    }
    inputs, errors = parse_inputs(texts)
    if inputs is None:
        field, message = next(iter(errors.items()))
        print(
            one_line(
                f"fdgui-cli calc: {_OPTION_FOR_FIELD[field]} ({FIELD_NAMES[field]}): {message}"
            ),
            file=sys.stderr,
        )
        return 2
    if roundoff is not None:  # binaries of a known format: as Send to calculator gives them
        from dataclasses import replace

        inputs = replace(inputs, loss_roundoff=roundoff)
    result = estimate(inputs)
    if args.session:
        problem = _write_session(args.session, texts, result)
        if problem:
            print(_said(f"fdgui-cli calc: {problem}"), file=sys.stderr)
            return 2
    sys.stdout.write(export(result, "json" if args.json else "text"))
    return _status(result)


def _said(message: str) -> str:
    """A message that echoes a file's text or name: one line, shortened, and with control
    characters (terminal escapes included) shown as "?" instead of sent to the terminal."""
    import unicodedata

    shown = "".join(
        " " if char in "\n\r\t" else "?" if unicodedata.category(char) in ("Cc", "Cs") else char
        for char in message
    )
    return one_line(shown)


def _source_roundoff(name: str | None):
    """The unit round-off of ``--source-dtype`` as a Decimal (None without it), or why the
    name is refused (a str)."""
    if name is None:
        return None
    from decimal import Decimal

    from fdgui.core.numbers.precision import DTYPE_NAMES, unit_roundoff

    if name not in DTYPE_NAMES:
        return f"“{name}” is not a format; choose one of {', '.join(DTYPE_NAMES)}"
    return Decimal(repr(unit_roundoff(name)))


# verdicts that neither confirm nor refute the backprop gradient (exit 2, with a line saying
# so); "wrong" exits 1; every other verdict (correct, consistent, limited, kinks) exits 0
UNDECIDED_VERDICTS = ("inconclusive", "suspicious")


def _status(result: object) -> int:
    """The exit status of the verdict (``cli.EXIT_STATUS``): 1 wrong, 2 undecided, else 0."""
    comparison = result.comparison  # type: ignore[attr-defined]
    if comparison is None:
        return 0
    key = comparison.verdict.key
    if key == "wrong":
        return 1
    if key in UNDECIDED_VERDICTS:
        from fdgui.commands.undecided import undecided
        from fdgui.core.report.calculator import verdict_title

        why = ""
        if key == "suspicious":
            why = "one central difference cannot tell a bug from truncation at this ε: repeat "
            why += "it at another ε"
        return undecided("calc", verdict_title(result), why)  # type: ignore[arg-type]
    return 0


def _write_session(path: str, texts: dict[str, str], result: object) -> str:
    """Save the calculation into ``path`` (a new session, or added to an existing one);
    "" or why not. A file that is there but is not a session is never overwritten."""
    import datetime
    import os

    from fdgui.core import session as files
    from fdgui.core.calculator.schemes import Measurement

    blocked = file_in_the_way(path)
    if blocked:
        return f"--session: cannot write {path}: {blocked} is a file, not a folder"
    current = files.Session()
    if os.path.exists(path):
        try:
            current = files.read_session(path)
        except files.SessionError as error:
            return f"--session: {error}; it was left untouched"
    from fdgui import __version__

    roundoff = result.inputs.loss_roundoff  # type: ignore[attr-defined]
    updated = files.with_calculation(
        current, texts, Measurement.from_estimate(result), roundoff=roundoff
    )
    updated.app_version = __version__
    updated.saved_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    try:
        files.write_session(path, updated)
    except OSError as error:
        return f"--session: could not write {path}: {error.strerror or error}"
    return ""


def file_in_the_way(path: str) -> str:
    """The first folder on ``path``'s way that is a file (``a.txt`` in ``a.txt/b.json``),
    or "": the system's own words for it ("File exists", "Not a directory") say nothing."""
    import os

    parent = os.path.dirname(os.path.abspath(path))
    while parent and not os.path.exists(parent):
        above = os.path.dirname(parent)
        if above == parent:
            return ""
        parent = above
    return parent if parent and not os.path.isdir(parent) else ""


def _report_session(args: argparse.Namespace) -> int:
    """The report of the calculation held by a session file (exit 2 for a bad file)."""
    from fdgui.core import session as files

    blocked = file_in_the_way(args.session)
    if blocked:
        print(
            _said(
                f"fdgui-cli calc: --session: cannot read {args.session}: {blocked} is a "
                "file, not a folder"
            ),
            file=sys.stderr,
        )
        return 2
    try:
        saved = files.read_session(args.session)
        texts = files.calculator_request(saved)
    except files.SessionError as error:
        print(_said(f"fdgui-cli calc: --session: {error}"), file=sys.stderr)
        return 2
    inputs, errors = parse_inputs(texts)
    if inputs is None:
        field, message = next(iter(errors.items()))
        name = FIELD_NAMES.get(field, field)
        print(
            _said(f"fdgui-cli calc: --session: the saved {name} is not valid: {message}"),
            file=sys.stderr,
        )
        return 2
    roundoff = files.calculator_roundoff(saved)
    state = saved.panels.get("calculator")
    stored = state.get("loss_roundoff") if isinstance(state, dict) else None
    if roundoff is None and stored is not None:  # the window names it when opening, too
        print(
            _said(
                f"fdgui-cli calc: --session: the saved loss_roundoff {str(stored)[:40]!r} is "
                "not a unit round-off 0 < u < 1 a float holds; the losses are read as typed"
            ),
            file=sys.stderr,
        )
    if roundoff is not None:  # the losses were sent as binary numbers: as in the window
        from dataclasses import replace

        # with the steps w ± ε took and the explorer's reference, when it sent them
        inputs = replace(inputs, loss_roundoff=roundoff, **files.calculator_sent(saved))
    result = estimate(inputs)
    sys.stdout.write(export(result, "json" if args.json else "text"))
    return _status(result)
