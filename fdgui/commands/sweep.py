"""``fdgui-cli sweep``: the ε explorer without a window.

Sweeps ε for an expression in w (``--expr``) or one parameter of the built-in network
(``--network``), in the chosen dtype, and prints the best ε per scheme, the recommended ε,
the reference used and the diagnosis. Exit status: 0, or 1 when the diagnosis is "wrong"
(the gradient under check disagrees with the finite differences), 2 for bad input, 3 when
the sweep itself fails (reported in one line, never as a traceback).
"""

from __future__ import annotations

import argparse
import sys

from fdgui.core.numbers.parsing import InputError

_OPTION_FOR_FIELD = {
    "expression": "--expr",
    "point": "--at",
    "dtype": "--dtype",
    "min": "--min",
    "max": "--max",
    "points": "--points",
    "layer_sizes": "--layers",
    "activation": "--activation",
    "loss": "--loss",
    "batch_size": "--batch",
    "seed": "--seed",
    "tensor": "--tensor",
    "index": "--index",
    "bug": "--bug",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="sweep ε: estimates, errors, best ε and a diagnosis",
        description=(
            "Sweep ε on a log grid for an expression in w or one parameter of the built-in "
            "network, evaluated in the chosen dtype. Exit status 1 when the gradient under "
            "check is diagnosed wrong, 2 for bad input, 3 if the sweep itself fails."
        ),
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--expr", metavar="TEXT", help="expression in w, e.g. 'sin(w)*exp(-w**2)'")
    what.add_argument("--network", action="store_true", help="sweep the built-in network")
    parser.add_argument("--at", default="0", metavar="W", help="the point w0 (default 0)")
    parser.add_argument(
        "--dtype", default="float64", help="float64, float32, float16 or bfloat16 (default float64)"
    )
    parser.add_argument("--min", default="1e-16", metavar="EPS", help="smallest ε (default 1e-16)")
    parser.add_argument("--max", default="1", metavar="EPS", help="largest ε (default 1)")
    parser.add_argument("--points", default="400", metavar="N", help="grid points (default 400)")
    network = parser.add_argument_group("built-in network (with --network)")
    network.add_argument(
        "--layers", default="64,128,10", help="layer sizes, input to output (default 64,128,10)"
    )
    network.add_argument("--activation", default="tanh", help="tanh, sigmoid or relu")
    network.add_argument("--loss", default="cross-entropy", help="cross-entropy or mse")
    network.add_argument("--batch", default="32", metavar="B", help="batch size (default 32)")
    network.add_argument("--seed", default="0", help="data and weight seed (default 0)")
    network.add_argument(
        "--tensor", default="W1", help="parameter tensor: W1, b1, W2, … (default W1)"
    )
    network.add_argument("--index", default="0", help="flat index into the tensor (default 0)")
    network.add_argument("--bug", default=None, help="check a deliberately buggy backprop")
    parser.add_argument("--csv", metavar="PATH", help="also write every ε's values to a CSV file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _whole(text: str, field: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise InputError(field, f"{text!r} is not a whole number") from None


def _positive(text: str, field: str) -> float:
    from fdgui.core.numbers.parsing import parse_number

    return float(parse_number(text, field, positive=True))  # type: ignore[arg-type]


def _objective(args: argparse.Namespace):
    from fdgui.core.sweep import objectives

    if args.expr is not None:
        return objectives.expression_objective(args.expr, args.at)
    from fdgui.core.models.mlp import NetworkSpec, parse_layer_sizes

    try:
        sizes = parse_layer_sizes(args.layers)  # strict: 20,,10 is refused
    except ValueError as error:
        raise InputError("layer_sizes", str(error).removeprefix("layer_sizes: ")) from None
    spec = NetworkSpec(
        layer_sizes=sizes,
        activation=args.activation,
        loss=args.loss,
        batch_size=_whole(args.batch, "batch_size"),
        seed=_whole(args.seed, "seed"),
    )
    return objectives.network_objective(spec, args.tensor, _whole(args.index, "index"), args.bug)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except InputError as error:
        option = _OPTION_FOR_FIELD.get(error.field, error.field)
        print(f"fdgui-cli sweep: {option}: {error.message}", file=sys.stderr)
        return 2
    except MemoryError:
        print(
            "fdgui-cli sweep: out of memory: use a smaller network or fewer points",
            file=sys.stderr,
        )
        return 3
    except Exception as error:  # one line, never a traceback; 1 is reserved for "wrong"
        message = str(error).splitlines()[0] if str(error) else ""
        print(
            f"fdgui-cli sweep: the sweep failed ({type(error).__name__}: {message})",
            file=sys.stderr,
        )
        return 3


def _run(args: argparse.Namespace) -> int:
    from fdgui.core.report.exporters import export
    from fdgui.core.report.sweep import SweepReport
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep

    objective = _objective(args)
    settings = SweepSettings(
        dtype=args.dtype,
        epsilon_min=_positive(args.min, "min"),
        epsilon_max=_positive(args.max, "max"),
        points=_whole(args.points, "points"),
    )
    settings.validate()
    result = run_sweep(objective, settings)
    diagnosis = diagnose(result)
    report = SweepReport(result, diagnosis)
    if args.csv:
        try:
            with open(args.csv, "w", encoding="utf-8", newline="") as handle:
                handle.write(export(report, "csv"))
        except OSError as error:
            print(
                f"fdgui-cli sweep: --csv: cannot write {args.csv}: {error.strerror}",
                file=sys.stderr,
            )
            return 2
    sys.stdout.write(export(report, "json" if args.json else "text"))
    return 1 if diagnosis.kind == "wrong" else 0
