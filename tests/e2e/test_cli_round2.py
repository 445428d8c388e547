"""Issue 13, second round: one rule for every option's numbers and empty values, literals that
do not fit a float refused in words, the memory refusal in plain words, a file in the way of a
session path named, and FDGUI_TRACEBACK for every error a subcommand catches."""

from __future__ import annotations

import itertools
import json

import pytest

from fdgui.cli import main
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
    "sweep": ["--at", "--min", "--max", "--points", "--dtype"],
    "netcheck": ["--seed", "--batch", "--mode", "--dtype", "--engine", "--eps", "--worst"],
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


@pytest.mark.parametrize(
    "argv",
    [
        ["calc", "--plus", "", "--minus", "1", "--eps", "1"],
        ["calc", "--plus", "1", "--minus", "0", "--eps", "1", "--session", " "],
        ["sweep", "--expr", ""],
        ["sweep", "--expr", "sin(w)", "--csv", ""],
        ["sweep", "--table", ""],
        ["netcheck", "--probe", ""],
    ],
)
def test_options_without_a_default_refuse_empty_alike(capsys, argv):
    """Before: --csv '' and --session '' were silently ignored, --table '' said "cannot read
    : No such file", --probe '' named the working folder."""
    option = next(a for a, b in itertools.pairwise(argv) if not b.strip())
    status, out, err = _run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.strip() == (
        f"fdgui-cli {argv[0]}: {option}: empty; this option has no default, give it a value "
        "(or leave it out)"
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
    assert "smaller layers" in message and "sample" in message
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
