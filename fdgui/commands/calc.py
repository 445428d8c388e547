"""``fdgui-cli calc``: the calculator's report for one set of losses.

Exit status: 0, or 1 when a backprop gradient was given and the verdict is "wrong" (the same
rule as ``sweep``), 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys

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
        description="Finite-difference gradient from L, L(w+ε), L(w−ε) and ε, exactly as typed. "
        "Exit status 1 when the backprop gradient is judged wrong, 2 for bad input.",
    )
    parser.add_argument("--loss", default="", metavar="L", help="loss at w (optional)")
    parser.add_argument("--plus", required=True, metavar="L+", help="loss at w+ε")
    parser.add_argument("--minus", required=True, metavar="L-", help="loss at w−ε")
    parser.add_argument("--eps", required=True, metavar="EPS", help="the step ε (> 0)")
    parser.add_argument("--backprop", default="", metavar="G", help="backprop gradient to check")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    texts = {
        "loss": args.loss,
        "loss_plus": args.plus,
        "loss_minus": args.minus,
        "epsilon": args.eps,
        "backprop": args.backprop,
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
    result = estimate(inputs)
    sys.stdout.write(export(result, "json" if args.json else "text"))
    comparison = result.comparison
    return 1 if comparison is not None and comparison.verdict.key == "wrong" else 0
