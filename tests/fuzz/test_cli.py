"""Every ``fdgui-cli`` subcommand, fuzzed through ``main``: random options with values at the
edges of every dtype, junk and long text. Whatever comes in, the tool ends with 0, 1 or 2 (or
3 for out of memory), never prints a traceback, words a refusal as one readable line on
stderr (printable, "fdgui-cli …", not too long), and with --json prints JSON that parses.

Subcommands and their options are read from the parser itself, so a new subcommand or option
is fuzzed without touching this file. Options that name a file get a path in a temporary
folder (no file is written anywhere else).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui import cli
from tests.fuzz.strategies import field_texts

FUZZ = settings.get_profile("fdgui-fuzz")
# the network check and network sweeps take up to seconds per case: fewer cases for them
CASES = {"netcheck": max(8, FUZZ.max_examples // 5), "sweep": max(10, FUZZ.max_examples // 3)}
# values that often make sense, so that many cases run to a result, not only to a refusal
PLAUSIBLE = [
    "1e-4",
    "0.85",
    "0.84995",
    "1",
    "3",
    "8,4",
    "4,3,2",
    "float32",
    "float16",
    "W1",
    "b1",
    "0",
    "2",
    "tanh",
    "relu",
    "full",
    "sample",
    "exp(w)",
    "w**3",
    "forward",
]
_FILE_WORDS = ("csv", "file", "path", "session", "export", "out", "save", "table", "json_out")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser, _modules = cli.build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("fdgui-cli has no subcommands")


SUBCOMMANDS = _subcommands()


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if action.option_strings
        and not isinstance(action, argparse._HelpAction)
        and "--version" not in action.option_strings
    ]


def _takes_a_file(action: argparse.Action) -> bool:
    names = " ".join([action.dest, str(action.metavar or "")]).lower()
    return any(word in names for word in _FILE_WORDS) and action.nargs != 0


@st.composite
def command_lines(draw, name: str, folder: str) -> list[str]:
    parser = SUBCOMMANDS[name]
    argv = [name]
    options = _options(parser)
    required = [action for action in options if action.required]
    for group in parser._mutually_exclusive_groups:
        if group.required:
            required.append(draw(st.sampled_from(group._group_actions)))
    chosen = required + [
        action
        for action in draw(st.lists(st.sampled_from(options), unique=True, max_size=5))
        if action not in required
    ]
    for action in chosen:
        option = action.option_strings[-1]
        if action.nargs == 0:
            argv.append(option)
        elif _takes_a_file(action):
            argv += [option, f"{folder}/{action.dest}.out"]
        elif action.choices:
            argv += [option, draw(st.one_of(st.sampled_from(list(action.choices)), field_texts))]
        else:
            plausible = st.sampled_from(PLAUSIBLE)
            value = draw(st.one_of(field_texts, plausible, plausible, plausible))
            argv += [f"{option}={value}"] if value.startswith("-") else [option, value]
    return argv


CODES: list[int] = []  # what the fuzzed runs ended with (printed at the end of a run)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as stop:  # argparse: usage errors and --help
            code = stop.code if isinstance(stop.code, int) else 2
    CODES.append(code)
    return code, out.getvalue(), err.getvalue()


def _check(argv: list[str], code: int, out: str, err: str) -> None:
    assert "Traceback" not in err and "Traceback" not in out, (argv, err[-2000:])
    assert code in (0, 1, 2, 3), (argv, code, err)
    if code == 3:  # only the machine's limits may stop a computation, never a bug
        assert "out of memory" in err, (argv, err)
    if code in (2, 3):  # a refusal (or a computation that could not be done) is one line
        lines = err.strip().splitlines()
        assert lines, argv
        for line in lines:  # (notes before it, e.g. a table's skipped lines, are lines too)
            assert line.isprintable(), (argv, line)  # no control characters, no escapes
            assert len(line) <= cli.one_line.__defaults__[0] + 50, (argv, line)
            assert line.startswith("fdgui-cli"), (argv, err[-2000:])  # never a message's tail
    if "--json" in argv and code in (0, 1):  # a result: the whole of stdout is JSON
        json.loads(out)


def test_every_subcommand_is_found():
    assert {"calc", "sweep", "netcheck"} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_subcommand_survives_random_options(name, tmp_path):
    @settings(FUZZ, max_examples=CASES.get(name, FUZZ.max_examples))
    @given(data=st.data())
    def fuzz(data):
        argv = data.draw(command_lines(name, str(tmp_path)))
        _check(argv, *run_cli(argv))

    fuzz()


@pytest.mark.parametrize(
    "argv, code, words",
    [
        (["calc", "--plus", "1e1000000", "--minus", "0", "--eps", "1"], 2, "too large"),
        # at ε = 1 one row refutes nothing (the one-row premise, calc18): a row at 1e-3, with L
        # (without L one row never refutes: a kink inside the step could explain it, calc20)
        (
            [
                "calc",
                "--plus",
                "0.0005",
                "--minus",
                "-0.0005",
                "--eps",
                "1e-3",
                "--loss",
                "0.0000",  # to L±'s last place: a shorter L stands for its own half unit
                "--backprop",
                "7",
            ],
            1,
            "",
        ),
        (["calc", "--plus", "1", "--minus", "0", "--eps", "1e-400"], 2, "“1e-400”"),
        (["sweep", "--expr", "--w"], 2, "--expr=VALUE"),
        (["netcheck", "--eps", "1e-400"], 2, "“1e-400”"),
        (["sweep", "--expr", "w", "--dtype", "float16", "--max", "1e6"], 2, "65504"),
        (["sweep", "--expr", "cosh(w)", "--at", "700"], 0, ""),
        (["sweep", "--expr", "x" * 5000], 2, "too long"),
        (["netcheck", "--activation", "x" * 5000], 2, "…"),
        (["calc", "--plus", "1", "--minus", "0", "--eps=--"], 2, "--eps=VALUE"),
        (["calc", "--plus", "1\n2", "--minus", "0", "--eps", "1"], 2, "not a number"),
        (["sweep", "--expr", "w\n+1"], 2, "--expr"),
        (["netcheck", "--seed", "\u22121", "--json"], 2, "negative"),
        (["sweep", "--expr", "sin(w)", "--points", "5", "--json"], 0, ""),
        (["netcheck", "--layers", "3,2", "--json"], 0, ""),
        (["calc", "--plus", "1", "--minus", "0", "--eps", "1", "--json"], 0, ""),
    ],
)
def test_the_reported_failures_end_in_words(argv, code, words):
    got, out, err = run_cli(argv)
    _check(argv, got, out, err)
    assert got == code, err
    assert words in err
    assert len(err) < 600


def test_some_fuzzed_runs_reach_a_result():
    """Not only refusals: the fuzzing above also ran commands to a verdict."""
    if not CODES:
        pytest.skip("run together with the fuzz tests above")
    counts = {code: CODES.count(code) for code in sorted(set(CODES))}
    print(f"\nfdgui-cli fuzz: {len(CODES)} runs, by exit status {counts}")
    assert CODES.count(0) + CODES.count(1) >= 3, CODES


@pytest.mark.parametrize(
    "argv, code, out, err",
    [
        (["calc"], 2, "", "fdgui-cli calc: --plus: bad\n  more of it on a second line\n"),
        (["calc"], 2, "", "fdgui-cli calc: --plus: \x1b[2J cleared\n"),
        (["calc"], 3, "", "fdgui-cli calc: could not finish (Error: x)\nTraceback: …\n"),
        (["calc", "--json"], 0, '{"half": ', ""),
    ],
)
def test_the_checks_catch_what_they_promise_to(argv, code, out, err):
    """The fuzz's own check refuses a second line, a terminal escape, a cut JSON."""
    with pytest.raises((AssertionError, ValueError)):
        _check(argv, code, out, err)
