"""Issue 13, second round: one rule for every option's numbers and empty values, literals that
do not fit a float refused in words, the memory refusal in plain words, a file in the way of a
session path named, and FDGUI_TRACEBACK for every error a subcommand catches."""

from __future__ import annotations

import json

import pytest

from fdgui.cli import EMPTY_MEANS_DEFAULT, main
from fdgui.core.errors import InputError

LOOK_ALIKES = ["\u2212", "\u2013", "\uff0d"]  # Unicode minus, en dash, full-width hyphen-minus


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("minus", LOOK_ALIKES)
@pytest.mark.parametrize(
    "argv, option",
    [
        (("netcheck", "--layers", "3,2", "--seed"), "--seed"),
        (("netcheck", "--layers", "3,2", "--batch"), "--batch"),
        (("sweep", "--expr", "sin(w)", "--points"), "--points"),
        (("netcheck", "--probe", "nothing.py", "--timeout"), "--timeout"),
    ],
)
def test_minus_look_alikes_read_as_in_numbers(capsys, argv, option, minus):
    """`--seed −1` is the same request as `--seed=-1` (both refused for being negative, not
    one of them for not being a number): the rule parse_number follows."""
    typed = _run(capsys, *argv, f"{minus}1")
    ascii_ = _run(capsys, *argv[:-1], f"{argv[-1]}=-1")
    assert typed[0] == ascii_[0] == 2
    assert "not a whole number" not in typed[2] and "not a number" not in typed[2]
    assert typed[2].replace(f"{minus}1", "-1") == ascii_[2]


def test_whole_numbers_follow_the_number_rule():
    from fdgui.core.numbers.parsing import parse_number
    from fdgui.core.requests import whole_number

    for text in ["\u22123", " 12 ", "1 000", "\u00a07", "\uff0b4"]:
        assert whole_number(text, "n") == int(parse_number(text, "n"))


SUBCOMMAND_DEFAULTS = [
    ("sweep", "--expr", "sin(w)", "--points", "20"),
    ("netcheck", "--layers", "4,3", "--batch", "2"),
]
EMPTY_OPTIONS = {
    "sweep": ["--min", "--max", "--points"],
    "netcheck": ["--mode", "--engine", "--worst"],
}


@pytest.mark.parametrize(
    "base, option",
    [(base, option) for base in SUBCOMMAND_DEFAULTS for option in EMPTY_OPTIONS[base[0]]],
)
@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_option_takes_its_default_in_every_subcommand(capsys, base, option, empty):
    given = list(base)
    if option in given:  # replace the value the base gives
        index = given.index(option)
        del given[index : index + 2]
    with_empty = _run(capsys, *given, option, empty, "--json")
    without = _run(capsys, *given, "--json")
    assert with_empty[0] == without[0] == 0, with_empty[2]
    assert _timeless(json.loads(with_empty[1])) == _timeless(json.loads(without[1]))


def _timeless(value):
    """A JSON report without its timings (they differ from run to run)."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if "second" not in k and k != "time"}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _value_options() -> list[tuple[str, str, str]]:
    """(subcommand, option, dest) for every option that takes a value, from the parser."""
    import argparse

    from fdgui.cli import build_parser

    parser, _ = build_parser()
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                for option in sub._actions:
                    if option.option_strings and option.nargs is None and option.const is None:
                        found.append((command, option.option_strings[-1], option.dest))
    return found


def test_every_option_is_classified_by_the_one_rule():
    options = _value_options()
    assert {command for command, _, _ in options} == set(EMPTY_MEANS_DEFAULT)
    dests = {(command, dest) for command, _, dest in options}
    for command, neutral in EMPTY_MEANS_DEFAULT.items():
        assert {(command, dest) for dest in neutral} <= dests  # no stale name in the list
    # what asks for a check is never neutral: an empty value would drop or move it
    asks = {("calc", "backprop"), ("calc", "loss"), ("sweep", "backprop"), ("sweep", "bug"),
            ("sweep", "at"), ("sweep", "grad"), ("sweep", "index"), ("sweep", "tensor"),
            ("netcheck", "bug"), ("netcheck", "eps"), ("netcheck", "layers")}  # fmt: skip
    for command, dest in asks:
        assert dest not in EMPTY_MEANS_DEFAULT[command]


@pytest.mark.parametrize(
    "command, option, dest",
    [item for item in _value_options() if item[2] not in EMPTY_MEANS_DEFAULT[item[0]]],
)
@pytest.mark.parametrize("empty", ["", " \t"])
def test_an_option_that_asks_for_something_refuses_empty(capsys, command, option, dest, empty):
    """Before: `calc --backprop ''` checked nothing and exited 0, `sweep --at ''` judged the
    gradient at the default point, `netcheck --bug ''` checked the correct backprop."""
    base = {
        "calc": ["--plus", "1", "--minus", "0", "--eps", "1"],
        "sweep": ["--expr", "sin(w)"],
        "netcheck": ["--layers", "3,2"],
    }[command]
    given = [] if option in ("--expr", "--probe", "--table") else list(base)  # one source
    if option in given:
        del given[given.index(option) : given.index(option) + 2]
    status, out, err = _run(capsys, command, *given, option, empty)
    assert status == 2 and out == ""
    assert err.strip() == (
        f"fdgui-cli {command}: {option}: empty; give it a value or leave the option out "
        "(an empty value does not stand for its default here)"
    )


@pytest.mark.parametrize(
    "literal, words",
    [("1e-1000000", "too small"), ("2e-324", "too small"), ("1e1000000", "too large"),
     ("0.00000000000000000000000000000000000000000001e-1000000", "too small")],
)  # fmt: skip
def test_a_literal_beyond_float64_is_refused_in_the_expression(literal, words):
    from fdgui.core.models.expression import parse_expression

    with pytest.raises(InputError) as raised:
        parse_expression(f"w + {literal}")
    assert words in raised.value.message and "64-bit" in raised.value.message
    for fine in ("w + 0e-1000000", "w + 0.0", "w*1e-320", "w + 5e-324"):
        parse_expression(fine)


def test_a_literal_beyond_float64_is_refused_in_every_number_field(capsys):
    status, _, err = _run(capsys, "sweep", "--expr", "w + 1e-1000000")
    assert status == 2 and "too small" in err
    for argv in (
        ("sweep", "--expr", "sin(w)", "--at", "1e-1000000"),
        ("sweep", "--expr", "sin(w)", "--max", "1e-1000000"),
        ("netcheck", "--eps", "1e-1000000"),
        ("calc", "--plus", "1e-1000000", "--minus", "0", "--eps", "1"),
    ):
        status, _, err = _run(capsys, *argv)
        assert status == 2 and "too small" in err, (argv, err)


def test_the_memory_refusal_says_the_estimate_the_memory_and_what_to_do(monkeypatch):
    from fdgui.core.netcheck import settings as netcheck_settings
    from fdgui.core.requests import check_request

    monkeypatch.setattr(netcheck_settings, "available_memory_bytes", lambda: int(2.7 * 2**30))
    with pytest.raises(InputError) as raised:
        check_request({"layers": "3000,3000,10"})
    message = raised.value.message
    assert "needs about 1.7 GB" in message and "2.7 GB available" in message
    assert "60%" in message and "1.6 GB" in message  # the share a check may use, said
    # only what fits is advised: projections here, never sample mode (as large as the full)
    assert "smaller layers" in message and "mode projection" in message
    assert "sample" not in message
    with pytest.raises(InputError) as raised:
        check_request({"layers": "30,30,10", "batch": "10000000"})
    assert "smaller batch" in raised.value.message and "1.6 GB" in raised.value.message


def test_a_file_in_a_session_path_is_named(capsys, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    path = str(blocker / "deeper" / "x.fdgui.json")
    status, _, err = _run(capsys, "calc", "--plus", "1", "--minus", "0", "--eps", "1",
                          "--session", path)  # fmt: skip
    assert status == 2 and f"{blocker} is a file, not a folder" in err
    assert "File exists" not in err and "Not a directory" not in err
    status, _, err = _run(capsys, "calc", "--session", path)
    assert status == 2 and f"{blocker} is a file, not a folder" in err
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("command", ["sweep", "netcheck", "calc"])
def test_fdgui_traceback_shows_every_caught_internal_error(capsys, monkeypatch, command):
    """An internal error a subcommand catches itself (sweep words its own) or the guard
    catches: one line, and with FDGUI_TRACEBACK=1 the traceback too."""
    import fdgui.commands.calc as calc
    import fdgui.commands.netcheck as netcheck
    import fdgui.commands.sweep as sweep

    def broken(*_args, **_kwargs):
        raise RuntimeError("an internal bug")

    target = {"sweep": (sweep, "_objective"), "netcheck": (netcheck, "run_network"),
              "calc": (calc, "estimate")}[command]  # fmt: skip
    monkeypatch.setattr(*target, broken)
    argv = {"sweep": ["sweep", "--expr", "sin(w)"], "netcheck": ["netcheck"],
            "calc": ["calc", "--plus", "1", "--minus", "0", "--eps", "1"]}[command]  # fmt: skip
    monkeypatch.delenv("FDGUI_TRACEBACK", raising=False)
    status, _, err = _run(capsys, *argv)
    assert status == 3 and "Traceback" not in err and "an internal bug" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("FDGUI_TRACEBACK", "1")
    status, _, err = _run(capsys, *argv)
    assert status == 3 and "Traceback (most recent call last)" in err and "an internal bug" in err


@pytest.mark.parametrize("minus", [*LOOK_ALIKES, "\u2012", "\ufe63"])
def test_expressions_read_the_minus_signs_numbers_read(minus):
    """Before: `--grad '–0.5'` and `sin(w) – w` were syntax errors while `--at '–0.5'` was read."""
    from fdgui.core.models.expression import parse_expression

    assert parse_expression(f"sin(w) {minus} w").evaluate(0.5) == parse_expression(
        "sin(w) - w"
    ).evaluate(0.5)
    assert parse_expression(f"{minus}0.5").evaluate(1.0) == -0.5
