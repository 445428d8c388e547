"""A header written as a comment line is the header (review12t C1, L1).

``np.savetxt(path, data, header="eps,L-,L+")`` writes its header as ``# eps,L-,L+`` (numpy's
own ``genfromtxt(names=True)`` reads it back as the names); MATLAB/Octave comment with ``%``,
C-like code with ``//``. Such a line was skipped as a comment and the rows read by position
as ε, L+, L−: L+ and L− swapped, an exact gradient "Gradient wrong". Here a comment line
whose cells name the columns is read as the header (said in the notes); one that looks like
a header (as many cells as the rows) but cannot be matched refuses the table in words: which
column is L+ is never guessed.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
from decimal import Decimal

import numpy as np
import pytest

from fdgui.core.calculator.schemes import parse_measurement_table, table_rows
from fdgui.core.calculator.table import measure_table
from fdgui.core.errors import InputError
from fdgui.core.jobs import drive
from fdgui.core.models.measured import RowColumns
from fdgui.core.table_job import read_table_file, table_rows_job

POINT = 0.7
TRUTH = -0.08396815100693278  # d/dw sin(w)·exp(−w²) at 0.7
SPELLINGS = {
    "eps": ["eps", "epsilon", "h"],
    "L+": ["L+", "L_plus", "loss(w+eps)"],
    "L-": ["L-", "L_minus", "loss(w-eps)"],
    "L": ["L", "loss", "f(w)"],
}


def _f(x: float) -> float:
    return float(np.sin(x) * np.exp(-x * x))


EPSILONS = [0.5**k for k in range(3, 23, 2)]
DATA = {
    "eps": np.array(EPSILONS),
    "L+": np.array([_f(POINT + e) for e in EPSILONS]),
    "L-": np.array([_f(POINT - e) for e in EPSILONS]),
    "L": np.array([_f(POINT) for _ in EPSILONS]),
}


def _savetxt(path, order, delimiter=",", comments="# ", spelling=0) -> str:
    names = [SPELLINGS[name][spelling] for name in order]
    array = np.stack([DATA[name] for name in order], axis=1)
    np.savetxt(path, array, delimiter=delimiter, header=delimiter.join(names), comments=comments)
    return path.read_text()


def _readers(text: str, path) -> list[tuple[list, list[str]]]:
    """The rows (ε, L+, L−, L as floats) and problems of every reader: the calculator's
    paste, the pasted-table job, the CLI's table_rows and the window's Import table… job."""
    out = []
    rows, problems = parse_measurement_table(text)
    out.append(([(r.epsilon, r.loss_plus, r.loss_minus, r.loss) for r in rows], problems))
    measured = drive(measure_table(text))
    out.append(
        (
            [(r.epsilon, r.loss_plus, r.loss_minus, r.loss) for r in measured.rows],
            measured.problems,
        )
    )
    for chunk in (1, 3, 5000):
        columns, job_problems = drive(table_rows_job(text, "t.csv", chunk=chunk))
        assert columns == RowColumns.of(rows)
        assert job_problems == problems
    imported = drive(read_table_file(path, None, chunk=4))
    assert imported.rows == RowColumns.of(rows) and list(imported.problems) == problems
    return out


def _assert_by_name(rows, loss: bool) -> None:
    assert len(rows) == len(EPSILONS)
    for index, (epsilon, plus, minus, at_w) in enumerate(rows):
        assert float(epsilon) == DATA["eps"][index]
        assert float(plus) == DATA["L+"][index]
        assert float(minus) == DATA["L-"][index]
        assert (at_w is not None and float(at_w) == DATA["L"][index]) if loss else at_w is None


ORDERS = [list(p) for p in itertools.permutations(["eps", "L+", "L-", "L"])] + [
    list(p) for p in itertools.permutations(["eps", "L+", "L-"])
]


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: ",".join(o))
@pytest.mark.parametrize("delimiter", [",", " ", "\t", ";"])
def test_savetxt_header_in_every_order_is_read_by_its_names(tmp_path, order, delimiter):
    text = _savetxt(tmp_path / "t.csv", order, delimiter)
    assert text.startswith("# ")
    for rows, problems in _readers(text, tmp_path / "t.csv"):
        _assert_by_name(rows, loss="L" in order)
        assert any("comment" in p and "header" in p for p in problems), problems
        assert all(p.startswith("line 1:") for p in problems), problems


@pytest.mark.parametrize("comments", ["# ", "#", "% ", "%", "// ", "## "])
@pytest.mark.parametrize("spelling", [0, 1, 2])
def test_comment_styles_and_spellings(tmp_path, comments, spelling):
    order = ["eps", "L-", "L+", "L"]
    text = _savetxt(tmp_path / "t.csv", order, ",", comments, spelling)
    for rows, _problems in _readers(text, tmp_path / "t.csv"):
        _assert_by_name(rows, loss=True)


def test_a_multi_line_savetxt_header_names_the_columns(tmp_path):
    path = tmp_path / "t.csv"
    array = np.stack([DATA[name] for name in ("eps", "L-", "L+")], axis=1)
    np.savetxt(path, array, delimiter=",", header="measured at w = 0.7\neps,L-,L+")
    for rows, _problems in _readers(path.read_text(), path):
        _assert_by_name(rows, loss=False)
    np.savetxt(path, array, delimiter=",", header="eps,L-,L+\nmeasured at w = 0.7 by me")
    for rows, _problems in _readers(path.read_text(), path):
        _assert_by_name(rows, loss=False)


def _cli(path, claim: str) -> tuple[int, str]:
    from fdgui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["sweep", "--table", str(path), "--backprop", claim, "--json"])
        except SystemExit as error:
            code = error.code
    return code, json.loads(out.getvalue())["diagnosis"]["kind"] if out.getvalue() else ""


def test_cli_says_a_header_it_read_was_read_not_skipped(tmp_path):
    # review13v L1: "skipped line 1: the comment … names the columns: read as the header"
    from fdgui.cli import main

    path = tmp_path / "t.csv"
    text = _savetxt(path, ["eps", "L-", "L+"]) + "0.5,1,oops\n"
    path.write_text(text)
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        main(["sweep", "--table", str(path), "--backprop", repr(TRUTH)])
    lines = err.getvalue().splitlines()
    header = [line for line in lines if "line 1:" in line]
    assert header and "read as the header" in header[0], lines
    assert "skipped" not in header[0], header
    bad = [line for line in lines if f"line {text.count(chr(10))}:" in line]
    assert bad and "skipped" in bad[0], lines  # a bad row is still said as skipped


def test_cli_exact_gradient_of_a_savetxt_table_is_not_wrong(tmp_path):
    path = tmp_path / "t.csv"
    _savetxt(path, ["eps", "L-", "L+", "L"])
    code, kind = _cli(path, repr(TRUTH))
    assert (code, kind) == (0, "correct")
    code, kind = _cli(path, repr(TRUTH * 1.1))
    assert (code, kind) == (1, "wrong")


def _rows_text(order: list[str], count: int = 4) -> str:
    return "".join(
        ",".join(repr(float(DATA[name][i])) for name in order) + "\n" for i in range(count)
    )


@pytest.mark.parametrize(
    "comment",
    [
        "# eps,loss_b,loss_f",  # which is L+? not said
        "# eps,L-,mystery",  # L− named where positions read L+, the other unknown
        "% eps,foo,L+",
        "// h loss_b loss_f",
    ],
)
def test_a_comment_that_looks_like_a_header_but_is_not_understood_is_refused(comment):
    text = comment + "\n" + _rows_text(["eps", "L+", "L-"])
    with pytest.raises(InputError) as raised:
        table_rows(text, "t.csv")
    assert "comment" in raised.value.message and "L+" in raised.value.message
    with pytest.raises(InputError):
        drive(table_rows_job(text, "t.csv"))
    assert drive(measure_table(text)).rows == []


@pytest.mark.parametrize(
    "comment",
    [
        "# measured at w = 0.7",
        "# run 3: loss of the MLP",
        "# L+ and L- of the MLP around w, by step size",  # a sentence: more cells than rows
        "% generated by my script",
        "// values",
    ],
)
def test_title_comments_stay_comments(comment):
    text = comment + "\n" + _rows_text(["eps", "L+", "L-"])
    rows, problems = parse_measurement_table(text)
    assert problems == []
    assert [r.loss_plus for r in rows] == [Decimal(repr(float(v))) for v in DATA["L+"][:4]]


@pytest.mark.parametrize(
    ("comment", "order"),
    [
        ("# eps,L-,L+,L-", ["eps", "L+", "L-"]),  # a column named twice, 3-cell rows
        ("# eps,L-,L+,L-", ["eps", "L+", "L-", "L"]),
        ("# eps,L+,L-,L+,L", ["eps", "L+", "L-", "L"]),
        ("% h,loss(w-eps),loss(w+eps),loss(w-eps)", ["eps", "L+", "L-"]),
        ("# eps,eps,L+,L-", ["eps", "L+", "L-"]),
    ],
)
def test_a_comment_header_naming_a_column_twice_is_refused(comment, order):
    # review13v: "# eps,L-,L+,L-" above 3-cell rows was skipped as a comment and the rows
    # read by position (ε, L+, L−), the opposite of the order its first names give
    text = comment + "\n" + _rows_text(order)
    with pytest.raises(InputError) as raised:
        table_rows(text, "t.csv")
    message = raised.value.message
    assert "comment" in message and "twice" in message, message
    with pytest.raises(InputError):
        drive(table_rows_job(text, "t.csv"))


def test_a_comment_header_that_contradicts_the_header_is_refused():
    text = "# eps,L-,L+\neps,L+,L-\n" + _rows_text(["eps", "L+", "L-"])
    with pytest.raises(InputError) as raised:
        table_rows(text, "t.csv")
    assert "L+" in raised.value.message
    same = "# eps,L+,L-\neps,L+,L-\n" + _rows_text(["eps", "L+", "L-"])
    assert len(table_rows(same, "t.csv")[0]) == 4


def test_a_commented_second_header_after_rows_starts_its_order():
    text = (
        "# eps,L+,L-\n"
        + _rows_text(["eps", "L+", "L-"])
        + "# eps,L-,L+\n"
        + _rows_text(["eps", "L-", "L+"])
    )
    rows, problems = parse_measurement_table(text)
    assert [r.loss_plus for r in rows[:4]] == [r.loss_plus for r in rows[4:]]
    assert any("second header" in p for p in problems)


def test_percent_and_slash_comment_lines_are_comments_among_rows():
    rows = _rows_text(["eps", "L+", "L-"], 2)
    text = rows + "% a note\n// another\n" + rows
    read, problems = parse_measurement_table(text)
    assert len(read) == 4 and problems == []


def _savetxt_footer(path, order, delimiter=",", header="") -> str:
    names = [SPELLINGS[name][0] for name in order]
    array = np.stack([DATA[name] for name in order], axis=1)
    np.savetxt(path, array, delimiter=delimiter, header=header, footer=delimiter.join(names))
    return path.read_text()


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: ",".join(o))
def test_a_savetxt_footer_names_the_columns_of_a_table_without_a_header(tmp_path, order):
    """np.savetxt(footer=...) writes the names as the last line, after every row
    (review13v C1: they were ignored and the rows read by position, L+ and L− swapped)."""
    text = _savetxt_footer(tmp_path / "t.csv", order)
    assert text.rstrip().splitlines()[-1].startswith("# ")
    for rows, problems in _readers(text, tmp_path / "t.csv"):
        _assert_by_name(rows, loss="L" in order)
        last = len(text.rstrip().splitlines())
        assert any(p.startswith(f"line {last}:") and "footer" in p for p in problems), problems


def test_cli_exact_gradient_of_a_savetxt_footer_table_is_not_wrong(tmp_path):
    path = tmp_path / "t.csv"
    _savetxt_footer(path, ["eps", "L-", "L+"])
    assert _cli(path, repr(TRUTH)) == (0, "correct")
    assert _cli(path, repr(TRUTH * 1.1)) == (1, "wrong")


def test_a_footer_that_contradicts_the_rows_header_is_refused(tmp_path):
    text = "eps,L+,L-\n" + _rows_text(["eps", "L+", "L-"]) + "# eps,L-,L+\n"
    with pytest.raises(InputError) as raised:
        table_rows(text, "t.csv")
    assert "L+" in raised.value.message and "line 6" in raised.value.message
    same = "eps,L+,L-\n" + _rows_text(["eps", "L+", "L-"]) + "# eps,L+,L-\n"
    assert len(table_rows(same, "t.csv")[0]) == 4


def test_a_footer_that_looks_like_a_header_but_is_not_understood_is_refused():
    text = _rows_text(["eps", "L+", "L-"]) + "# eps,loss_b,loss_f\n"
    with pytest.raises(InputError) as raised:
        table_rows(text, "t.csv")
    assert "comment" in raised.value.message and "L+" in raised.value.message
    assert drive(measure_table(text)).rows == []


@pytest.mark.parametrize(
    "footer",
    [
        "# done eps L+ L-",  # review15c M1: "done" read as a 4th column's name
        "# end of the eps L+ L- table",
        "# eps L+ L- done",
        "# L+ and L- are the losses at w+eps and w-eps",  # names each twice: a sentence
    ],
)
@pytest.mark.parametrize("header", ["", "# eps,L+,L-\n", "eps,L+,L-\n", "# run 3\n# eps,L+,L-\n"])
def test_a_sentence_naming_the_columns_in_the_rows_order_is_a_note(tmp_path, footer, header):
    """A comment with words that name no column and another number of cells than the rows
    is no header of them: in the order the rows are read in, it is left a comment (review15c
    M1: the whole table was refused, "name the columns in different orders")."""
    text = header + _rows_text(["eps", "L+", "L-"]) + footer + "\n"
    path = tmp_path / "t.csv"
    path.write_text(text)
    for rows, problems in _readers(text, path):
        assert len(rows) == 4, problems
        for index, (epsilon, plus, minus, _) in enumerate(rows):
            assert float(epsilon) == DATA["eps"][index]
            assert float(plus) == DATA["L+"][index] and float(minus) == DATA["L-"][index]
    # the same sentence above the rows, too
    above = footer + "\n" + header + _rows_text(["eps", "L+", "L-"])
    assert len(table_rows(above, "t.csv")[0]) == 4


@pytest.mark.parametrize(
    ("text_of", "footer"),
    [
        (["eps", "L-", "L+"], "# done eps L+ L-"),  # the sentence says L+ first, the header L−
        (["eps", "L+", "L-"], "# idx eps L- L+"),  # the order by position is not the sentence's
        (["eps", "L+", "L-"], "# L- L+ taken at eps steps"),
    ],
)
def test_a_sentence_naming_the_columns_in_another_order_is_still_refused(text_of, footer):
    header = "# " + ",".join(text_of) + "\n" if text_of != ["eps", "L+", "L-"] else ""
    text = header + _rows_text(text_of) + footer + "\n"
    with pytest.raises(InputError) as raised:
        table_rows(text, "t.csv")
    assert "L+" in raised.value.message


def test_a_refused_table_does_not_count_its_read_header_as_a_bad_line():
    from fdgui.core.calculator.schemes import table_rows
    from fdgui.core.errors import InputError

    with pytest.raises(InputError) as refused:
        table_rows("# eps,L+,L-\n0.1,nan,1\n0.01,1e999,1\n0.001,1e1000000,0.5\n", "")
    message = str(refused.value)
    assert "3 bad lines, 1 header note:" in message, message
