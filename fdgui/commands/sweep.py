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

from fdgui.core.errors import InputError
from fdgui.core.requests import ENTRY_DEFAULTS, EXPRESSION_DEFAULTS, SWEEP_DEFAULTS

_DEFAULTS = {**EXPRESSION_DEFAULTS, **SWEEP_DEFAULTS, **ENTRY_DEFAULTS}

# request field -> option (the request's fields are the options' names, except these)
_OPTION_FOR_FIELD = {"expression": "--expr", "point": "--at"}
_EXPRESSION_OPTIONS = {"expression": "expr", "point": "at"}
_SWEEP_FIELDS = ("dtype", "min", "max", "points")
_ENTRY_FIELDS = ("layers", "activation", "loss", "batch", "seed", "tensor", "index", "bug")


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
    parser.add_argument("--at", metavar="W", help=f"the point w0 (default {_DEFAULTS['point']})")
    parser.add_argument(
        "--dtype", help=f"float64, float32, float16 or bfloat16 (default {_DEFAULTS['dtype']})"
    )
    parser.add_argument(
        "--min",
        metavar="EPS",
        help="smallest ε (default: the power of ten just below where w ± ε vanishes in the "
        "dtype, 1e-17 in float64 at |w| ≈ 1)",
    )
    parser.add_argument("--max", metavar="EPS", help=f"largest ε (default {_DEFAULTS['max']})")
    parser.add_argument(
        "--points", metavar="N", help=f"grid points (default {_DEFAULTS['points']})"
    )
    network = parser.add_argument_group("built-in network (with --network)")
    network.add_argument(
        "--layers", help=f"layer sizes, input to output (default {_DEFAULTS['layers']})"
    )
    network.add_argument("--activation", help="tanh, sigmoid or relu")
    network.add_argument("--loss", help="cross-entropy or mse")
    network.add_argument("--batch", metavar="B", help=f"batch size (default {_DEFAULTS['batch']})")
    network.add_argument("--seed", help=f"data and weight seed (default {_DEFAULTS['seed']})")
    network.add_argument(
        "--tensor", help=f"parameter tensor: W1, b1, W2, … (default {_DEFAULTS['tensor']})"
    )
    network.add_argument(
        "--index", help=f"flat index into the tensor (default {_DEFAULTS['index']})"
    )
    network.add_argument("--bug", help="check a deliberately buggy backprop")
    parser.add_argument("--csv", metavar="PATH", help="also write every ε's values to a CSV file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _given(args: argparse.Namespace, fields: tuple[str, ...]) -> dict[str, str]:
    """The options given for ``fields`` (the others take the request's defaults)."""
    return {field: getattr(args, field) for field in fields if getattr(args, field) is not None}


def _objective(args: argparse.Namespace):
    from fdgui.core import requests
    from fdgui.core.sweep import objectives

    if args.expr is not None:
        texts = {field: getattr(args, option) for field, option in _EXPRESSION_OPTIONS.items()}
        return requests.expression_request({k: v for k, v in texts.items() if v is not None})
    entry = requests.entry_request(_given(args, _ENTRY_FIELDS))
    network = entry.network
    return objectives.network_objective(network.spec, entry.tensor, entry.index, network.bug)


def run(args: argparse.Namespace) -> int:
    from fdgui.core.requests import canonical

    try:
        return _run(args)
    except InputError as error:
        field = canonical(error.field)
        option = _OPTION_FOR_FIELD.get(field, f"--{field}")
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
    from fdgui.core.requests import sweep_request
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import run_sweep

    objective = _objective(args)
    # without --min the smallest ε follows the dtype at this w, as in the window
    settings = sweep_request(_given(args, _SWEEP_FIELDS), point=getattr(objective, "point", None))
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
