"""``fdgui-cli netcheck``: check every parameter of the built-in network, headless.

Exit status: 0 when the backprop gradient passes, 1 when it fails or the check is inconclusive
(the dtype cannot tell right from wrong; the JSON says ``"inconclusive": true`` next to
``"verdict": "fail"``), 2 on bad input (one line on stderr naming the option).
"""

from __future__ import annotations

import argparse
import sys

from fdgui.core.errors import InputError
from fdgui.core.numbers.parsing import one_line

_OPTION_FOR_FIELD = {
    "layers": "--layers",
    "activation": "--activation",
    "loss": "--loss",
    "batch": "--batch",
    "seed": "--seed",
    "mode": "--mode",
    "dtype": "--dtype",
    "bug": "--bug",
    "samples": "--samples",
    "directions": "--directions",
    "epsilon": "--eps",
    "engine": "--engine",
    "worst": "--worst",
}
_FIELD_FOR_OPTION = {
    "layers": "layers",
    "activation": "activation",
    "loss": "loss",
    "batch": "batch",
    "seed": "seed",
    "mode": "mode",
    "dtype": "dtype",
    "bug": "bug",
    "samples": "samples",
    "directions": "directions",
    "eps": "epsilon",
    "engine": "engine",
}


# the window's name of the mode ("Sampled") is understood as well as the settings' own
MODE_SPELLINGS = {"sampled": "sample", "samples": "sample", "projections": "projection"}


def _mode(text: str | None) -> str:
    from fdgui.core.requests import CHECK_DEFAULTS

    mode = (text or CHECK_DEFAULTS["mode"]).strip()
    return MODE_SPELLINGS.get(mode.lower(), mode)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from fdgui.core.models.mlp import ACTIVATIONS, BUGS, LOSSES
    from fdgui.core.netcheck import WORST_COUNT
    from fdgui.core.requests import CHECK_DEFAULTS as DEFAULTS

    parser = subparsers.add_parser(
        "netcheck",
        help="check a network's backprop gradient against finite differences",
        description="Check the built-in MLP's backprop gradient entry by entry against "
        "batched central differences; optionally with a deliberately buggy backprop.",
        epilog="bugs: "
        + "; ".join(f"{name}: {text}" for name, text in BUGS.items())
        + " Exit status: 0 pass, 1 fail (including an inconclusive check: no entry disagrees "
        'but the dtype cannot tell right from wrong; JSON then has "inconclusive": true), '
        "2 bad input, 3 the computation itself failed (e.g. out of memory).",
    )
    parser.add_argument(
        "--layers",
        metavar="N,N,...",
        help=f"layer sizes, input first, output last (default {DEFAULTS['layers']})",
    )
    parser.add_argument("--activation", help=f"one of {', '.join(ACTIVATIONS)}")
    parser.add_argument("--loss", help=f"one of {', '.join(LOSSES)}")
    parser.add_argument("--batch", metavar="B", help=f"batch size (default {DEFAULTS['batch']})")
    parser.add_argument("--seed", help=f"seed of weights and data (default {DEFAULTS['seed']})")
    parser.add_argument(
        "--mode",
        help="full (every parameter, the default), sample (or sampled) or projection",
    )
    parser.add_argument("--bug", metavar="NAME", help="use a buggy backprop")
    parser.add_argument(
        "--dtype", help=f"float64, float32, float16 or bfloat16 (default {DEFAULTS['dtype']})"
    )
    parser.add_argument(
        "--engine",
        help="exact (default: loss changes formed without cancellation, built-in network) or "
        "forward (central differences of the loss as it runs, as for any model)",
    )
    parser.add_argument(
        "--samples",
        metavar="K",
        help=f"entries per tensor in sample mode (default {DEFAULTS['samples']}; only with "
        "--mode sample)",
    )
    parser.add_argument(
        "--directions",
        metavar="K",
        help=f"directions per tensor in projection mode (default {DEFAULTS['directions']}; "
        "only with --mode projection)",
    )
    parser.add_argument("--eps", metavar="EPS", help="fixed ε (default: recommended per entry)")
    parser.add_argument(
        "--worst",
        default=None,
        metavar="N",
        help=f"worst entries to print, 1..{WORST_COUNT} (default 10; JSON: all {WORST_COUNT})",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--probe",
        metavar="FILE",
        help="check your own code: a probe file (theta0 + loss + grad, or parameters() + "
        "loss + gradient, or probe = torch_probe(...)); runs in its own process",
    )
    from fdgui.commands.probe_options import add_probe_arguments

    add_probe_arguments(parser)


def _texts(args: argparse.Namespace) -> dict[str, str]:
    """The options given, as the request's texts (the others take the request's defaults)."""
    return {
        field: getattr(args, option)
        for option, field in _FIELD_FOR_OPTION.items()
        if getattr(args, option, None) is not None
    }


def settings_from_args(args: argparse.Namespace):
    """CheckSettings from the options; InputError naming the (canonical) field otherwise."""
    import math

    from fdgui.core.requests import check_request

    mode = _mode(args.mode)
    if args.mode is not None:
        args.mode = mode  # "sampled" read as "sample" by the request too
    if args.samples is not None and mode != "sample":
        raise InputError("samples", "only used with --mode sample")
    if args.directions is not None and mode != "projection":
        raise InputError("directions", "only used with --mode projection")
    settings = check_request(_texts(args))
    if args.samples is not None:
        largest = max(math.prod(shape) for _, shape in settings.spec.tensor_shapes)
        if settings.samples > largest:
            raise InputError(
                "samples",
                f"{settings.samples:,} is more than the largest tensor has "
                f"({largest:,} entries); --mode full checks every entry",
            )
    return settings


_NETWORK_OPTIONS = ("layers", "activation", "loss", "batch", "seed", "bug", "engine")


def probe_settings_from_args(args: argparse.Namespace):
    """The check's settings for a probe: mode, samples, directions, ε; the forward engine."""
    import dataclasses

    for option in _NETWORK_OPTIONS:
        if getattr(args, option, None) is not None:
            raise InputError(option, "describes the built-in network, not a probe")
    from fdgui.core.requests import check_request

    mode = _mode(args.mode)
    if args.mode is not None:
        args.mode = mode  # "sampled" read as "sample" by the request too
    if args.samples is not None and mode != "sample":
        raise InputError("samples", "only used with --mode sample")
    if args.directions is not None and mode != "projection":
        raise InputError("directions", "only used with --mode projection")
    settings = check_request(_texts(args))
    return dataclasses.replace(settings, spec=None, bug=None, engine="forward")


def _as_typed(error: InputError, args: argparse.Namespace) -> str:
    """The message with --eps echoed as typed (1_000, not 1000.0), when it starts with the
    value the settings hold."""
    typed = getattr(args, "eps", None)
    if error.field == "epsilon" and typed is not None:
        head, _, rest = error.message.partition(" ")
        try:
            if rest and float(head) == float(typed.strip().replace("−", "-")):
                return f"{typed.strip()} {rest}"
        except ValueError:
            pass
    return error.message


def run(args: argparse.Namespace) -> int:
    if getattr(args, "probe", None) is not None:
        return run_probe(args)
    from fdgui.commands.probe_options import refuse_without_probe

    try:
        refuse_without_probe(args)
    except InputError as error:
        print(f"fdgui-cli netcheck: --{error.field}: {error.message}", file=sys.stderr)
        return 2
    return run_network(args)


def _settings_and_worst(args: argparse.Namespace, make_settings):
    """The check's settings and ``--worst`` from the options, or None after one line on
    stderr naming the option that was refused."""
    from fdgui.core.netcheck import WORST_COUNT
    from fdgui.core.requests import whole_number

    try:
        settings = make_settings(args)
        worst = None if args.worst is None else whole_number(args.worst, "worst")
        if worst is not None and not 1 <= worst <= WORST_COUNT:
            raise InputError("worst", f"{worst} is outside 1..{WORST_COUNT}")
    except InputError as error:
        option = _OPTION_FOR_FIELD.get(error.field, f"--{error.field}")
        print(one_line(f"fdgui-cli netcheck: {option}: {_as_typed(error, args)}"), file=sys.stderr)
        return None
    return settings, worst


def run_probe(args: argparse.Namespace) -> int:
    """``--probe FILE``: check the person's own code (exit 0 pass, 1 fail, 2 probe error)."""
    from fdgui.commands.probe_options import open_from_args, report_probe_error, say_notes
    from fdgui.core.netcheck import run_to_completion
    from fdgui.core.report.exporters import export

    parsed = _settings_and_worst(args, probe_settings_from_args)
    if parsed is None:
        return 2
    settings, worst = parsed
    model = None
    try:
        model = open_from_args(args)
        if not model.has_gradient:
            from fdgui.core.netcheck.numeric import numeric_gradient_report

            result = numeric_gradient_report(model, settings)
            sys.stdout.write(export(result, "json" if args.json else "text",
                                    worst_count=worst if args.json else worst or 10))  # fmt: skip
            if result.parameters_checked and not result.estimated:
                from fdgui.core.report.numeric import nothing_estimated

                print(one_line(f"fdgui-cli netcheck: {nothing_estimated(result)}"), file=sys.stderr)
                return 2
            return 0
        report = run_to_completion(settings, model=model)
        say_notes("netcheck", model)
    except InputError as error:
        if error.field not in _OPTION_FOR_FIELD or error.field == "probe":
            return report_probe_error("netcheck", error, args)
        print(one_line(f"fdgui-cli netcheck: {_OPTION_FOR_FIELD[error.field]}: "
                       f"{_as_typed(error, args)}"), file=sys.stderr)  # fmt: skip
        return 2
    finally:
        if model is not None:
            model.close()
    if args.json:
        sys.stdout.write(export(report, "json", worst_count=worst))
    else:
        sys.stdout.write(export(report, "text", worst_count=worst or 10))
    return 0 if report.passed else 1


def run_network(args: argparse.Namespace) -> int:
    from fdgui.core.netcheck import run_to_completion
    from fdgui.core.report.exporters import export

    parsed = _settings_and_worst(args, settings_from_args)
    if parsed is None:
        return 2
    settings, worst = parsed
    report = run_to_completion(settings)
    if args.json:
        sys.stdout.write(export(report, "json", worst_count=worst))
    else:
        sys.stdout.write(export(report, "text", worst_count=worst or 10))
    return 0 if report.passed else 1
