"""A table's header names its columns: the rows are read in the order it names (review10k
HIGH-3: ``eps,L-,L+,L`` read by position swapped L+ and L−, a correct gradient then came out
"wrong"; a pandas index column was read as ε)."""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table import measure_table
from fdgui.core.calculator.table_header import column_role, header_order
from fdgui.core.jobs import drive

POINT = 0.3


def _columns(count: int = 8) -> dict[str, list[str]]:
    epsilons = [float(e) for e in np.logspace(-1, -8, count)]
    f = lambda x: float(np.sin(3 * x) + np.exp(x))  # noqa: E731
    return {
        "eps": [repr(e) for e in epsilons],
        "L+": [repr(f(POINT + e)) for e in epsilons],
        "L-": [repr(f(POINT - e)) for e in epsilons],
        "L": [repr(f(POINT)) for _ in epsilons],
    }


def _text(names: list[str], separator: str = ",", index: bool = False) -> str:
    columns = _columns()
    lines = [("" + separator if index else "") + separator.join(names)]
    for row in range(len(columns["eps"])):
        cells = [columns[name.replace("loss_minus", "L-").replace("step", "eps")][row]
                 for name in names]  # fmt: skip
        lines.append((f"{row}{separator}" if index else "") + separator.join(cells))
    return "\n".join(lines) + "\n"


def _triples(rows) -> list[tuple]:
    return [(row.epsilon, row.loss_plus, row.loss_minus, row.loss) for row in rows]


@pytest.mark.parametrize(
    "names, separator, index",
    [
        (["L-", "L+", "eps", "L"], ",", False),
        (["eps", "L-", "L+", "L"], "\t", False),
        (["step", "loss_minus", "L+"], ";", False),
        (["eps", "L+", "L-"], ",", True),  # pandas' to_csv: an unnamed index column first
        (["L+", "L-", "eps"], " ", False),
    ],
)
def test_the_rows_are_read_in_the_order_the_header_names(names, separator, index):
    canonical = _text(["eps", "L+", "L-", "L"] if "L" in names else ["eps", "L+", "L-"])
    expected, problems = parse_measurement_table(canonical)
    assert not problems and len(expected) == 8
    rows, problems = parse_measurement_table(_text(names, separator, index))
    assert problems == []
    assert _triples(rows) == _triples(expected)
    # the window's reader (a pasted table) reads the same rows
    measured = drive(measure_table(_text(names, separator, index)))
    assert measured.problems == []
    assert [row.epsilon for row in measured.rows] == [row.epsilon for row in expected]
    assert [row.loss_plus for row in measured.rows] == [row.loss_plus for row in expected]


def test_a_header_that_cannot_be_matched_reads_nothing_and_says_why():
    rows, problems = parse_measurement_table("L+,eps,grad\n0.1,2,1\n0.01,1.1,1\n")
    assert rows == []
    assert len(problems) == 1 and problems[0].startswith("line 1: the header")
    assert "no L−" in problems[0]
    rows, problems = parse_measurement_table("eps,L+,L+\n0.1,2,1\n")
    assert rows == [] and "twice" in problems[0]
    measured = drive(measure_table("# note\nL-,eps,foo\n0.1,2,1\n"))
    assert measured.rows == [] and measured.problems[0].startswith("line 2: the header")


def test_a_header_of_other_names_keeps_the_positions_and_says_so():
    """review10m HIGH-1: a header that does not name ε, L+ and L− is read by position, and
    the reader says which order it took (never a silent swap)."""
    for header, missing in (("a,b,c", "ε, L+ or L−"), ("eps,a,b", "L+ or L−"),
                            ("h,f1,f2,f9", "L+ or L−")):  # fmt: skip
        rows, problems = parse_measurement_table(f"{header}\n0.1,2,1\n0.01,1.1,1\n")
        assert [float(row.epsilon) for row in rows] == [0.1, 0.01]
        assert [float(row.loss_plus) for row in rows] == [2, 1.1]
        assert len(problems) == 1 and problems[0].startswith("line 1: the header")
        assert f"does not name {missing}" in problems[0]
        assert "read by position as ε, L+, L−" in problems[0]
        measured = drive(measure_table(f"{header}\n0.1,2,1\n0.01,1.1,1\n"))
        assert measured.problems == problems and len(measured.rows) == 2
    assert header_order("eps,L+,L-,L") == (None, "", "")  # already the readers' order
    rows, problems = parse_measurement_table("eps,L+,L-\n0.1,2,1\n0.01,1.1,1\n")
    assert problems == [] and len(rows) == 2  # understood: nothing to say


def test_the_calculators_own_export_reads_back_without_its_estimates():
    """Its header is ε,L+,L−,central,forward,backward; by position the central difference
    was read as the loss at w."""
    text = "ε,L+,L−,central,forward,backward\n0.001,0.8505,0.8495,0.5,,\n0.01,0.86,0.84,1.0,,\n"
    rows, problems = parse_measurement_table(text)
    assert problems == [] and len(rows) == 2
    assert all(row.loss is None for row in rows)
    assert [str(row.loss_plus) for row in rows] == ["0.8505", "0.86"]


@pytest.mark.parametrize(
    "name, role",
    [("ε", "ε"), ("Epsilon", "ε"), ("step", "ε"), ("L(w+ε)", "L+"), ("loss_plus", "L+"),
     ("L(w−ε)", "L−"), ("f(x-h)", "L−"), ("Lm", "L−"), ("loss", "L"), ("L", "L"),
     ("Unnamed: 0", ""), ("", ""), ("grad", None), ("L+-", None), ("1e-4,", None),
     ("-0.5", None)],
)  # fmt: skip
def test_column_names(name, role):
    assert column_role(name) == role


@pytest.mark.parametrize(
    "minus, plus",
    [("loss_neg", "loss_pos"), ("L_lo", "L_hi"), ("down", "up"), ("left", "right"),
     ("neg", "pos"), ("Lback", "Lfwd"), ("loss_m", "loss_p"), ("lossMinus", "lossPlus"),
     ("loss-minus", "loss-plus"), ("loss(w - eps)", "loss(w + eps)"), ("L(w-1e-3)", "L(w+1e-3)"),
     ("f_bwd", "f_fwd"), ("y_minus", "y_plus")],
)  # fmt: skip
def test_common_spellings_of_the_two_sides_are_read_by_name(minus, plus):
    """review10m HIGH-1: these headers (L− first) were read by position without a word, and a
    correct gradient came out "wrong"; ``eps,loss(w - eps),…`` was split at its spaces."""
    canonical, _ = parse_measurement_table(_text(["eps", "L+", "L-"]))
    columns = _columns()
    lines = [f"eps,{minus},{plus}"] + [
        f"{e},{m},{p}" for e, m, p in zip(columns["eps"], columns["L-"], columns["L+"], strict=True)
    ]
    rows, problems = parse_measurement_table("\n".join(lines) + "\n")
    assert problems == []
    assert _triples(rows) == _triples(canonical)
    measured = drive(measure_table("\n".join(lines) + "\n"))
    assert measured.problems == []
    assert [row.loss_plus for row in measured.rows] == [row.loss_plus for row in canonical]


def test_a_header_in_unknown_words_says_the_order_it_was_read_in():
    """``e,lossA,lossB`` only counts its columns: read by position (L+ second), and said.
    (``e,lossB,lossA`` counts them backwards: which is L+ is not said, so it is refused in
    words since review11t H2, tests/core/test_table_header_rows.py.)"""
    rows, problems = parse_measurement_table("e,lossA,lossB\n0.1,2,1\n0.01,1.1,1\n")
    assert [float(row.loss_plus) for row in rows] == [2, 1.1]
    assert len(problems) == 1 and "read by position as ε, L+, L−" in problems[0]


def test_columns_beside_the_losses_are_left_out_and_unknown_ones_said():
    rows, problems = parse_measurement_table("eps,L+,L-,grad\n0.1,2,1,5\n0.01,1.1,1,5\n")
    assert problems == [] and all(row.loss is None for row in rows)  # grad is no loss at w
    rows, problems = parse_measurement_table("w,eps,L+,L-\n0.3,0.1,2,1\n0.3,0.01,1.1,1\n")
    assert problems == [] and [float(row.epsilon) for row in rows] == [0.1, 0.01]
    rows, problems = parse_measurement_table("eps,L+,L-,Lzero\n0.1,2,1,1.5\n0.01,1.1,1,1.5\n")
    assert all(row.loss is None for row in rows)
    assert len(problems) == 1 and "“Lzero” is left out" in problems[0]


@pytest.mark.parametrize("name", ["forward", "backward", "central", "eps_lo", "grad_pos", "p"])
def test_words_that_name_no_loss_side(name):
    assert column_role(name) is None


def test_the_explorers_own_export_reads_back_without_a_word():
    text = (
        "epsilon,loss,loss_plus,loss_minus,central,forward,backward,central_relative_error,"
        "roundoff_floor,regime\n0.1,1.0,1.2,0.8,2.0,2.0,2.0,0.1,1e-16,truncation\n"
        "0.01,1.0,1.02,0.98,2.0,2.0,2.0,0.01,1e-15,truncation\n"
    )
    rows, problems = parse_measurement_table(text)
    assert problems == [] and [str(row.loss_plus) for row in rows] == ["1.2", "1.02"]
