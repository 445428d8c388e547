"""``fdgui-cli netcheck``: check every parameter of the built-in network, headless.

Exit status: 0 when the backprop gradient passes, 1 when it fails or the check is inconclusive
(the dtype cannot tell right from wrong; the JSON says ``"inconclusive": true`` next to
``"verdict": "fail"``), 2 on bad input (one line on stderr naming the option).
"""

from __future__ import annotations

import argparse
import sys

from fdgui.core.errors import InputError

_OPTION_FOR_FIELD = {
    "layer_sizes": "--layers",
    "activation": "--activation",
    "loss": "--loss",
    "batch_size": "--batch",
    "seed": "--seed",
    "mode": "--mode",
    "dtype": "--dtype",
    "bug": "--bug",
    "samples": "--samples",
    "directions": "--directions",
    "epsilon": "--eps",
    "worst": "--worst",
    "engine": "--engine",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from fdgui.core.models.mlp import ACTIVATIONS, BUGS, LOSSES
    from fdgui.core.netcheck import WORST_COUNT

    parser = subparsers.add_parser(
        "netcheck",
        help="check a network's backprop gradient against finite differences",
        description="Check the built-in MLP's backprop gradient entry by entry against "
        "batched central differences; optionally with a deliberately buggy backprop.",
        epilog="bugs: "
        + "; ".join(f"{name}: {text}" for name, text in BUGS.items())
        + " Exit status: 0 pass, 1 fail (including an inconclusive check: no entry disagrees "
        'but the dtype cannot tell right from wrong; JSON then has "inconclusive": true), '
        "2 bad input.",
    )
    parser.add_argument(
        "--layers",
        default="20,16,10",
        metavar="N,N,...",
        help="layer sizes, input first, output last (default 20,16,10)",
    )
    parser.add_argument("--activation", default="tanh", help=f"one of {', '.join(ACTIVATIONS)}")
    parser.add_argument("--loss", default="cross-entropy", help=f"one of {', '.join(LOSSES)}")
    parser.add_argument("--batch", default="32", metavar="B", help="batch size (default 32)")
    parser.add_argument("--seed", default="0", help="seed of weights and data (default 0)")
    parser.add_argument(
        "--mode", default="full", help="full (every parameter), sample or projection"
    )
    parser.add_argument("--bug", default=None, metavar="NAME", help="use a buggy backprop")
    parser.add_argument("--dtype", default="float64", help="float64, float32, float16 or bfloat16")
    parser.add_argument(
        "--engine",
        default="exact",
        help="exact (default: loss changes formed without cancellation, built-in network) or "
        "forward (central differences of the loss as it runs, as for any model)",
    )
    parser.add_argument(
        "--samples",
        default=None,
        metavar="K",
        help="entries per tensor in sample mode (default 16; only with --mode sample)",
    )
    parser.add_argument(
        "--directions",
        default=None,
        metavar="K",
        help="directions per tensor in projection mode (default 8; only with --mode projection)",
    )
    parser.add_argument(
        "--eps", default=None, metavar="EPS", help="fixed ε (default: recommended per entry)"
    )
    parser.add_argument(
        "--worst", default="10", metavar="N", help=f"worst entries to print, 1..{WORST_COUNT}"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _integer(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(field, f"{text!r} is not a whole number") from None


def settings_from_args(args: argparse.Namespace):
    """CheckSettings from the options; ValueError naming the field when something is off."""
    import math

    from fdgui.core.models.mlp import NetworkSpec, parse_layer_sizes
    from fdgui.core.netcheck import CheckSettings

    mode = args.mode.strip() if isinstance(args.mode, str) else args.mode
    if args.samples is not None and mode != "sample":
        raise InputError("samples", "only used with --mode sample")
    if args.directions is not None and mode != "projection":
        raise InputError("directions", "only used with --mode projection")
    epsilon = None
    if args.eps is not None:
        try:
            epsilon = float(args.eps)
        except ValueError:
            raise InputError("epsilon", f"{args.eps!r} is not a number") from None
    settings = CheckSettings(
        spec=NetworkSpec(
            layer_sizes=parse_layer_sizes(args.layers),
            activation=args.activation,
            loss=args.loss,
            batch_size=_integer(args.batch, "batch_size"),
            seed=_integer(args.seed, "seed"),
        ),
        mode=args.mode,
        bug=args.bug,
        dtype=args.dtype,
        samples=_integer(args.samples or "16", "samples"),
        directions=_integer(args.directions or "8", "directions"),
        epsilon=epsilon,
        engine=args.engine.strip() if isinstance(args.engine, str) else args.engine,
    )
    settings.validate()
    if args.samples is not None:
        largest = max(math.prod(shape) for _, shape in settings.spec.tensor_shapes)
        if settings.samples > largest:
            raise InputError(
                "samples",
                f"{settings.samples:,} is more than the largest tensor has "
                f"({largest:,} entries); --mode full checks every entry",
            )
    return settings


def run(args: argparse.Namespace) -> int:
    from fdgui.core.netcheck import WORST_COUNT, run_to_completion
    from fdgui.core.report.netcheck import render_json, render_text

    try:
        settings = settings_from_args(args)
        worst = _integer(args.worst, "worst")
        if not 1 <= worst <= WORST_COUNT:
            raise InputError("worst", f"{worst} is outside 1..{WORST_COUNT}")
    except ValueError as error:
        field, _, message = str(error).partition(": ")
        option = _OPTION_FOR_FIELD.get(field, f"--{field}")
        print(f"fdgui-cli netcheck: {option}: {message}", file=sys.stderr)
        return 2
    report = run_to_completion(settings)
    if args.json:
        sys.stdout.write(render_json(report))
    else:
        sys.stdout.write(render_text(report, worst_count=worst))
    return 0 if report.passed else 1
