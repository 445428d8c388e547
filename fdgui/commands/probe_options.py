"""The options every command that can run a probe file shares: ``--probe``, ``--timeout``,
``--python``; opening the probe; printing a probe's failure (exit status 2)."""

from __future__ import annotations

import argparse
import sys

from fdgui.core.errors import InputError


def add_probe_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("your own code (a probe file)")
    group.add_argument(
        "--timeout",
        metavar="S",
        help="seconds each loss evaluation of the probe may take before its process is stopped "
        "(default 30); loading the file and its first gradient (imports, a JIT compile) may "
        "take 60 s, or S if longer",
    )
    group.add_argument(
        "--python",
        metavar="PATH",
        help="the Python that runs the probe (default: the one running fdgui), e.g. your "
        "own environment's with torch",
    )


def timeout_of(args: argparse.Namespace) -> float | None:
    if getattr(args, "timeout", None) is None:
        return None
    from fdgui.core.requests import probe_timeout

    return probe_timeout(args.timeout, "timeout")


def open_from_args(args: argparse.Namespace):
    """The probe the person named with --probe (this is their consent to run it)."""
    from fdgui.probe.model import open_probe

    return open_probe(args.probe, getattr(args, "python", None), timeout_of(args))


def say_notes(command: str, model) -> None:
    """Notes on standard error: the probe's process ended between two calls (killed
    from outside) and was restarted: the results stand (the new process gave the same θ0
    and the same loss there, or the run would have failed), but the person is told
    (review18p L3)."""
    form_note = getattr(model, "form_note", "")  # and what the file defines unused (L7)
    if form_note:
        print(f"fdgui-cli {command}: note: {form_note}", file=sys.stderr)
    process = getattr(model, "process", None)
    ended = list(getattr(process, "ended", ()) or ())
    if ended:
        times = f"{len(ended)} times" if len(ended) > 1 else "once"
        how = ", ".join(dict.fromkeys(ended))
        print(
            f"fdgui-cli {command}: note: the probe process ended between two calls ({how}) "
            f"and was restarted {times}; the new process gave the same θ0 and the same loss "
            "there, so the run went on",
            file=sys.stderr,
        )


def report_probe_error(
    command: str, error: InputError, args: argparse.Namespace | None = None
) -> int:
    """Print a probe failure (its one line, then the user's traceback); exit status 2. The
    option it follows from is named: --timeout for a probe that did not answer in the time
    given, --python for a chosen Python that did not start or ended by itself."""
    option = "--probe" if error.field in ("probe", "model") else f"--{error.field}"
    if option == "--probe" and args is not None:
        message = error.message
        if getattr(args, "timeout", None) is not None and (
            "did not answer" in message or "the time allowed for it" in message
        ):
            option = "--timeout"
        elif getattr(args, "python", None) is not None and (
            "cannot start the probe's Python" in message or "process ended by itself" in message
        ):
            option = "--python"
    print(f"fdgui-cli {command}: {option}: {error.message}", file=sys.stderr)
    details = getattr(error, "details", "")
    if details:
        print(details.rstrip(), file=sys.stderr)
    return 2


def refuse_without_probe(args: argparse.Namespace) -> None:
    for option in ("timeout", "python"):
        if getattr(args, option, None) is not None and getattr(args, "probe", None) is None:
            raise InputError(option, "only used with --probe")
