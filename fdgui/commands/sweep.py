"""``fdgui-cli sweep``: the ε explorer without a window.

Sweeps ε for an expression in w (``--expr``) or one parameter of the built-in network
(``--network``), in the chosen dtype, and prints the best ε per scheme, the recommended ε,
the reference used and the diagnosis. Exit status: 0, or 1 when the diagnosis is "wrong"
(the gradient under check disagrees with the finite differences), 2 for bad input or a
gradient under check the numbers neither confirm nor refute (too few rows; "too coarse to
judge"; rows whose losses never change: ``commands.undecided``, the rule ``calc`` follows),
3 when the sweep itself fails (reported in one line, never as a traceback).
"""

from __future__ import annotations

import argparse
import sys

from fdgui.core.errors import InputError
from fdgui.core.numbers.parsing import one_line
from fdgui.core.requests import ENTRY_DEFAULTS, EXPRESSION_DEFAULTS, SWEEP_DEFAULTS

_DEFAULTS = {**EXPRESSION_DEFAULTS, **SWEEP_DEFAULTS, **ENTRY_DEFAULTS}

# request field -> option (the request's fields are the options' names, except these)
_OPTION_FOR_FIELD = {
    "expression": "--expr",
    "point": "--at",
    "grad": "--grad",
    "table": "--table",
    "source_dtype": "--source-dtype",
}
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
            "check is diagnosed wrong, 2 for bad input (or a gradient under check the numbers "
            "neither confirm nor refute: too coarse to judge, a --table too short, or whose "
            "losses never change; one line on stderr says so, as calc does), 3 if the sweep "
            "itself fails."
        ),
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--expr", metavar="TEXT", help="expression in w, e.g. 'sin(w)*exp(-w**2)'")
    what.add_argument("--network", action="store_true", help="sweep the built-in network")
    what.add_argument(
        "--probe",
        metavar="FILE",
        help="sweep one entry of your own code (a probe file; --tensor and --index pick it; "
        "--index takes a flat index (inside --tensor; through all parameters in order when no "
        "--tensor is given) or one index per axis such as '3, 7' or 'W1[3, 7]')",
    )
    _add_table_and_grad_options(parser, what)
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
    parser.add_argument("--max", metavar="EPS", help="largest ε (default max(1, |w|))")
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
        "--index",
        help=f"flat index into the tensor (default {_DEFAULTS['index']}); with --probe "
        "also a multi-index, one index per axis",
    )
    network.add_argument("--bug", help="check a deliberately buggy backprop")
    from fdgui.commands.probe_options import add_probe_arguments

    add_probe_arguments(parser)
    parser.add_argument("--csv", metavar="PATH", help="also write every ε's values to a CSV file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _add_table_and_grad_options(parser: argparse.ArgumentParser, what) -> None:
    """--table FILE (measured rows) and --grad G (a derivative typed by a person)."""
    what.add_argument(
        "--table",
        metavar="FILE",
        help="measured rows from a CSV/TSV file: ε, L+, L− [, L] (header and # comments "
        "optional; bad rows are listed, good ones kept); '-' reads standard input. ε must "
        "be the step the losses were taken at (w ± ε as rounded, not the ε typed before "
        "rounding), and the L column lets the rows show a kink near w",
    )
    parser.add_argument(
        "--grad",
        metavar="G",
        help="with --expr: your derivative (an expression in w or a number) to check; the "
        "analytic derivative becomes an independent reference",
    )
    table = parser.add_argument_group("measured rows (with --table)")
    table.add_argument("--backprop", metavar="G", help="the gradient under check (a number)")
    table.add_argument(
        "--source-dtype",
        metavar="DTYPE",
        help="the format the losses were computed in: float64, float32, float16, bfloat16, "
        "or exact (digits worked out by hand); the ± of each row counts its round-off. "
        "Default: float64, or the coarsest of bfloat16/float16/float32 whose numbers every "
        "loss in the file is, as written or rounded to its printed digits (said on stderr)",
    )


def _table_objective(args: argparse.Namespace):
    """(objective, bad-row messages, source dtype, what the losses said of their format when
    untold) for --table; raises InputError."""
    from fdgui.core.requests import table_request_read
    from fdgui.core.table_file import read_table_text

    text = read_table_text(args.table)  # bounded: /dev/zero or an endless pipe is refused
    return table_request_read(text, args.backprop, args.source_dtype)


def _run_table(args: argparse.Namespace) -> int:
    """--table: the measured rows' sweep and diagnosis (bad rows on stderr and in JSON)."""
    import json

    from fdgui.core.report.exporters import export
    from fdgui.core.report.sweep import SweepReport, diagnosis_title
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep

    _refuse_beside_table(args)
    objective, problems, source, reading = _table_objective(args)
    result = run_sweep(objective, SweepSettings(dtype=source))
    diagnosis = diagnose(result)
    report = SweepReport(result, diagnosis)
    if args.csv and not _write_csv(args.csv, report):
        return 2
    if reading is not None and reading.dtype is not None:
        from fdgui.core.calculator.table_source import format_words

        print(
            f"fdgui-cli sweep: --table: {format_words(reading)} "
            "(--source-dtype float64 reads them as float64)",
            file=sys.stderr,
        )
    from fdgui.core.calculator.table_columns import is_header_note

    for problem in problems:  # a header's note was read, not skipped (review13v L1)
        said = problem if is_header_note(problem) else f"skipped {problem}"
        print(one_line(f"fdgui-cli sweep: --table: {said}"), file=sys.stderr)
    if args.json:
        data = json.loads(export(report, "json"))
        data["bad_rows"] = problems
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(export(report, "text"))
    if diagnosis.kind == "wrong":
        return 1
    rows = int(diagnosis.facts.get("rows", len(result.epsilons)))
    if diagnosis.case == "unresolved":
        why = "no reference over them resolves it"
        if diagnosis.facts.get("few_typed_digits"):
            why = "its typed digits are too few to tell it from a bug that size"
        if diagnosis.facts.get("rows_disagree") is not None:
            why = "rows that share an ε disagree beyond their digits, by more than it allows"
        print(
            one_line(
                f"fdgui-cli sweep: --table: {diagnosis_title(diagnosis)}: the rows neither "
                f"confirm nor refute the backprop gradient ({why})"
            ),
            file=sys.stderr,
        )
        return 2
    if diagnosis.case == "flat-rows" and judges_nothing(diagnosis):
        print(
            "fdgui-cli sweep: --table: the losses never change in the digits given, so the "
            "rows neither confirm nor refute the backprop gradient",
            file=sys.stderr,
        )
        return 2
    if diagnosis.facts.get("difference_overflows") and result.has_checked:
        print(
            "fdgui-cli sweep: --table: L+ − L− over 2ε overflows float64 in every row, so "
            "nothing judges the backprop gradient",
            file=sys.stderr,
        )
        return 2
    if diagnosis.case == "too-few-rows":
        # neither refuted nor confirmed: too few ε to judge, never a pass (exit 2)
        print(
            f"fdgui-cli sweep: --table: {rows} row{'s' if rows != 1 else ''} "
            f"{'are' if rows != 1 else 'is'} too few to judge the backprop gradient (the "
            f"finite differences neither confirm nor refute it): measure at least "
            f"{MIN_JUDGING_ROWS} ε",
            file=sys.stderr,
        )
        return 2
    if judges_nothing(diagnosis):  # any other case that judges nothing: the one rule
        from fdgui.commands.undecided import undecided

        return undecided("sweep", diagnosis_title(diagnosis))
    return 0


from fdgui.core.sweep.measured import MIN_JUDGING_ROWS  # noqa: E402  (the one rule)
from fdgui.core.sweep.reading import judges_nothing  # noqa: E402

# options a table does not use: its rows give ε and the losses (a --grad or --dtype given
# there was meant as --backprop or --source-dtype; ignoring it would pass every bug)
_TABLE_INSTEAD = {"grad": "--backprop", "dtype": "--source-dtype"}
_TABLE_REFUSES = ("at", "min", "max", "points", *_ENTRY_FIELDS, "timeout", "python")


def _refuse_beside_table(args: argparse.Namespace) -> None:
    for option, instead in _TABLE_INSTEAD.items():
        if getattr(args, option, None) is not None:
            raise InputError(option, f"is not used with --table: the table's option is {instead}")
    for option in _TABLE_REFUSES:
        if getattr(args, option, None) is not None:
            raise InputError(option, "is not used with --table: its rows give ε and the losses")


def _write_csv(path: str, report) -> bool:
    """Every ε's values to ``path``; False (and the reason on stderr) when it cannot be."""
    from fdgui.core.report.exporters import export

    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(export(report, "csv"))
    except OSError as error:
        from fdgui.commands.calc import file_in_the_way

        blocked = file_in_the_way(path)  # the same words as calc --session
        reason = f"{blocked} is a file, not a folder" if blocked else error.strerror
        print(one_line(f"fdgui-cli sweep: --csv: cannot write {path}: {reason}"), file=sys.stderr)
        return False
    return True


def _given(args: argparse.Namespace, fields: tuple[str, ...]) -> dict[str, str]:
    """The options given for ``fields`` (the others take the request's defaults)."""
    return {field: getattr(args, field) for field in fields if getattr(args, field) is not None}


_PROBE_REFUSES = ("layers", "activation", "loss", "batch", "seed", "bug", "at")


def _probe_objective(args: argparse.Namespace):
    """One entry of the probe the person named (--tensor, --index: flat or multi-index)."""
    from fdgui.commands.probe_options import open_from_args
    from fdgui.core.sweep.objectives import EntryObjective
    from fdgui.probe.model import parse_entry

    for option in _PROBE_REFUSES:
        if getattr(args, option, None) is not None:
            raise InputError(option, "is not used with --probe")
    if args.dtype is not None and args.dtype.strip() != "float64":
        raise InputError("dtype", "a probe evaluates its loss in its own precision: float64")
    index = "0" if args.index is None else args.index  # "" is an empty index, not 0
    head = index.partition("[")[0].strip() if "[" in index else ""
    if head and args.tensor is not None and args.tensor.strip() != head:
        raise InputError(
            "index", f"{index.strip()!r} names {head} but --tensor is {args.tensor.strip()}"
        )
    model = open_from_args(args)
    try:
        return EntryObjective(model, parse_entry(model, args.tensor, index))
    except InputError:
        model.close()
        raise


def _objective(args: argparse.Namespace):
    from fdgui.core import requests
    from fdgui.core.sweep import objectives

    if getattr(args, "probe", None) is not None:
        if args.grad is not None:
            raise InputError("grad", "a typed derivative needs an expression (--expr)")
        return _probe_objective(args)
    from fdgui.commands.probe_options import refuse_without_probe

    refuse_without_probe(args)

    if args.expr is not None:
        texts = {field: getattr(args, option) for field, option in _EXPRESSION_OPTIONS.items()}
        given = {k: v for k, v in texts.items() if v is not None}
        if args.grad is not None:
            return requests.typed_derivative_request(given, args.grad)
        return requests.expression_request(given)
    if args.grad is not None:
        raise InputError("grad", "a typed derivative needs an expression (--expr)")
    entry = requests.entry_request(_given(args, _ENTRY_FIELDS))
    network = entry.network
    return objectives.network_objective(network.spec, entry.tensor, entry.index, network.bug)


def run(args: argparse.Namespace) -> int:
    from fdgui.commands import show_traceback
    from fdgui.core.requests import canonical

    try:
        return _run(args)
    except InputError as error:
        if error.field == "probe":
            from fdgui.commands.probe_options import report_probe_error

            return report_probe_error("sweep", error, args)
        field = canonical(error.field)
        option = _OPTION_FOR_FIELD.get(field, f"--{field}")
        print(one_line(f"fdgui-cli sweep: {option}: {error.message}"), file=sys.stderr)
        return 2
    except MemoryError:
        show_traceback()
        print(
            "fdgui-cli sweep: out of memory: use a smaller network or fewer points",
            file=sys.stderr,
        )
        return 3
    except Exception as error:  # one line (FDGUI_TRACEBACK=1: and the traceback); 1 is "wrong"
        show_traceback()
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

    if args.table is not None:
        return _run_table(args)
    if args.backprop is not None or args.source_dtype is not None:
        raise InputError("backprop", "--backprop and --source-dtype go with --table")
    objective = _objective(args)
    failure = ""
    try:
        # without --min the smallest ε follows the dtype at this w, as in the window
        point = getattr(objective, "point", None)
        settings = sweep_request(_given(args, _SWEEP_FIELDS), point=point)
        result = run_sweep(objective, settings)
        from fdgui.commands.probe_options import say_notes

        say_notes("sweep", objective.model)
        failure = getattr(objective.model, "failure_note", "")
        if failure:  # the person's loss raised at some w ± ε: those ε were left out
            print(one_line(f"fdgui-cli sweep: note: {failure}; to sweep only where the loss "
                           "is defined, lower the maximum ε (--max)"), file=sys.stderr)  # fmt: skip
    finally:
        close = getattr(objective.model, "close", None)
        if close is not None:
            close()
    diagnosis = diagnose(result)
    report = SweepReport(result, diagnosis)
    if args.csv and not _write_csv(args.csv, report):
        return 2
    sys.stdout.write(export(report, "json" if args.json else "text"))
    if result.kind == "probe" and not _finite_beside(result):
        raised = " (it raised there: see the note above; lower --max)" if failure else ""
        print(
            "fdgui-cli sweep: nothing to estimate: the loss was not a finite number at "
            f"w + ε or w − ε for any ε of the range that moves w (only at w itself){raised}",
            file=sys.stderr,
        )
        return 2  # as netcheck: an estimate of nothing is a probe error, never a result
    if judges_nothing(diagnosis):  # neither confirmed nor refuted: never a pass
        from fdgui.commands.undecided import undecided
        from fdgui.core.report.sweep import diagnosis_title

        return undecided("sweep", diagnosis_title(diagnosis))
    return 1 if diagnosis.kind == "wrong" else 0


def _finite_beside(result) -> bool:
    """Whether the probe's loss was a finite number at some w + ε or w − ε that is not w
    itself (the probe evaluates in float64)."""
    import numpy as np

    w, epsilons = float(result.point), np.asarray(result.epsilons, dtype=float)
    plus = np.isfinite(result.loss_plus) & (w + epsilons != w)
    minus = np.isfinite(result.loss_minus) & (w - epsilons != w)
    return bool(np.any(plus | minus))
