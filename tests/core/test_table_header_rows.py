"""A row is never read in an order its header contradicts (review11t C1, H2, L3).

C1: ``eps,L-,L+`` over rows that also carry L was applied only to rows of 3 cells; rows of 4
were read by position (L+ and L− swapped) without a word, and a correct gradient came out
"wrong". H2: rows that fit the header only partly, a second header mid-file, and headers in
words the reader did not know (``eps,backward,forward,loss``, ``h,fxmh,fxph,fx``,
``eps,f⁻,f⁺,f``) were read by position too. Here every row under a header is read by the
names it can hold, or refused with its reason; a header that does not say which column is L+
and which L− is refused in words, not guessed.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import numpy as np
import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table import measure_table
from fdgui.core.jobs import drive

POINT = 0.7


def _f(x: float) -> float:
    return float(np.sin(x) * np.exp(-x * x))


def _columns(count: int = 9) -> dict[str, list[str]]:
    epsilons = [0.5**k for k in range(3, 3 + 2 * count, 2)]
    return {
        "eps": [repr(e) for e in epsilons],
        "L+": [repr(_f(POINT + e)) for e in epsilons],
        "L-": [repr(_f(POINT - e)) for e in epsilons],
        "L": [repr(_f(POINT)) for _ in epsilons],
    }


COLUMNS = _columns()


def _table(header: str | None, order: list[str], separator: str = ",", *, rows=None) -> str:
    """A header line (None: none) over rows whose cells are ``order``'s columns."""
    rows = range(len(COLUMNS["eps"])) if rows is None else rows
    lines = [] if header is None else [header]
    lines += [separator.join(COLUMNS[name][row] for name in order) for row in rows]
    return "\n".join(lines) + "\n"


def _read_both(text: str):
    """The rows and problems of both readers (Import table…/CLI and the calculator's paste),
    checked to agree."""
    rows, problems = parse_measurement_table(text)
    measured = drive(measure_table(text))
    assert [str(row.loss_plus) for row in measured.rows] == [str(row.loss_plus) for row in rows]
    assert [str(row.loss_minus) for row in measured.rows] == [str(row.loss_minus) for row in rows]
    assert sorted(measured.problems) == sorted(problems)
    return rows, problems


def _assert_by_name(rows, indices=None, loss: bool | None = True):
    indices = range(len(COLUMNS["eps"])) if indices is None else indices
    indices = list(indices)
    assert len(rows) == len(indices)
    for row, index in zip(rows, indices, strict=True):
        assert row.epsilon == Decimal(COLUMNS["eps"][index])
        assert row.loss_plus == Decimal(COLUMNS["L+"][index])
        assert row.loss_minus == Decimal(COLUMNS["L-"][index])
        if loss is True:
            assert row.loss == Decimal(COLUMNS["L"][index])
        elif loss is False:
            assert row.loss is None


# C1 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", "\t", ";", " "])
def test_a_header_of_three_names_over_rows_of_four_reads_every_row_by_name(separator):
    text = _table(separator.join(["eps", "L-", "L+"]), ["eps", "L-", "L+", "L"], separator)
    rows, problems = _read_both(text)
    _assert_by_name(rows)  # the 4th cell, named by nothing, is L by its place (and said)
    assert len(problems) == 1 and problems[0].startswith("line 1: ")
    assert "4th" in problems[0] and "read as L" in problems[0]


def test_the_readers_own_order_over_rows_of_four_reads_the_4th_as_l():
    # where the readers look for L anyway: nothing to say (tests/core/test_schemes.py)
    rows, problems = _read_both(_table("eps,L+,L-", ["eps", "L+", "L-", "L"]))
    _assert_by_name(rows)
    assert problems == []


# The reviewer's reproducer (review11t): a header of three names over rows of four numbers,
# L− named before L+, the fourth number L; L decreases at w = 0.7 so L+ < L−.
REVIEWERS_ROWS = """\
eps,L-,L+
0.125,0.39073145459869163,0.3719018768653145,0.3946647588022506
0.03125,0.3964310579734029,0.3912172515280881,0.3946647588022506
0.0078125,0.39526792994402205,0.3939564624138143,0.3946647588022506
0.001953125,0.3948254696575084,0.39449747742474317,0.3946647588022506
0.00048828125,0.39470555348149444,0.3946235534646069,0.3946647588022506
0.0001220703125,0.39467499598658745,0.3946544959517608,0.3946647588022506
3.0517578125e-05,0.3946673205047757,0.3946621954955909,0.3946647588022506
7.62939453125e-06,0.3946653993782732,0.3946641181259696,0.3946647588022506
1.9073486328125e-06,0.3946649189556555,0.39466459864257947,0.3946647588022506
"""


def test_the_reviewers_reproducer_is_read_by_name():
    rows, _ = _read_both(REVIEWERS_ROWS)
    assert len(rows) == 9
    assert all(row.loss_plus < row.loss_minus for row in rows)  # L decreases at w = 0.7


# H2 (a): rows that fit the header only partly ------------------------------------------


def test_rows_lacking_l_under_a_header_of_four_are_read_by_name():
    lines = ["eps,L-,L+,L"]
    for row in range(len(COLUMNS["eps"])):
        names = ["eps", "L-", "L+"] + (["L"] if row % 2 else [])
        lines.append(",".join(COLUMNS[name][row] for name in names))
    rows, problems = _read_both("\n".join(lines) + "\n")
    _assert_by_name(rows, loss=None)
    assert problems == []
    assert [row.loss is None for row in rows] == [row % 2 == 0 for row in range(len(rows))]


def test_a_row_that_cannot_hold_a_named_column_is_a_bad_row_with_its_reason():
    # ε is named last: a row of 3 cells has no ε
    text = "L-,L+,L,eps\n" + "\n".join(
        ",".join(COLUMNS[n][row] for n in (["L-", "L+", "L", "eps"] if row else ["L-", "L+", "L"]))
        for row in range(4)
    )
    rows, problems = _read_both(text + "\n")
    _assert_by_name(rows, indices=[1, 2, 3])
    assert len(problems) == 1 and problems[0].startswith("line 2: ")
    assert "3 values" in problems[0] and "ε" in problems[0]


def test_a_row_with_more_cells_than_the_header_names_is_a_bad_row():
    text = _table("eps,L-,L+,L", ["eps", "L-", "L+", "L"])
    lines = text.splitlines()
    lines[3] += ",0.5"
    rows, problems = _read_both("\n".join(lines) + "\n")
    _assert_by_name(rows, indices=[0, 1, 3, 4, 5, 6, 7, 8])
    assert len(problems) == 1 and problems[0].startswith("line 4: ")
    assert "5 values" in problems[0]


def test_an_empty_named_cell_is_a_bad_row_not_a_shifted_one():
    text = _table("eps\tL-\tL+\tL", ["eps", "L-", "L+", "L"], "\t")
    lines = text.splitlines()
    cells = lines[2].split("\t")
    cells[1] = ""  # L− left empty: the others must not move left
    lines[2] = "\t".join(cells)
    rows, problems = _read_both("\n".join(lines) + "\n")
    _assert_by_name(rows, indices=[0, 2, 3, 4, 5, 6, 7, 8])
    assert len(problems) == 1 and problems[0].startswith("line 3: ") and "L−" in problems[0]


# H2 (b): a second header ---------------------------------------------------------------


def test_a_second_header_starts_a_new_order():
    first = _table("eps,L-,L+", ["eps", "L-", "L+"], rows=range(4))
    second = _table("eps,L+,L-", ["eps", "L+", "L-"], rows=range(4, 9))
    rows, problems = _read_both(first + second)
    _assert_by_name(rows, loss=False)
    assert len(problems) == 1 and problems[0].startswith("line 6: ")
    assert "second header" in problems[0]


def test_a_header_after_rows_without_one_orders_the_rows_after_it():
    first = _table(None, ["eps", "L+", "L-", "L"], rows=range(4))
    second = _table("eps,L-,L+,L", ["eps", "L-", "L+", "L"], rows=range(4, 9))
    rows, problems = _read_both(first + second)
    _assert_by_name(rows)
    assert len(problems) == 1 and problems[0].startswith("line 5: ")


def test_a_second_header_that_cannot_be_matched_refuses_the_table_in_words():
    first = _table("eps,L-,L+", ["eps", "L-", "L+"], rows=range(4))
    second = _table("eps,L+,L+", ["eps", "L+", "L-"], rows=range(4, 9))
    rows, problems = _read_both(first + second)
    assert rows == [] and len(problems) == 1 and problems[0].startswith("line 6: the header")


def test_a_line_of_dashes_or_words_mid_table_is_a_bad_row_not_a_header():
    text = _table("eps,L-,L+", ["eps", "L-", "L+"])
    lines = text.splitlines()
    lines[3:3] = ["-----", "oops"]
    rows, problems = _read_both("\n".join(lines) + "\n")
    _assert_by_name(rows, loss=False)
    assert [p.split(":")[0] for p in problems] == ["line 4", "line 5"]


# H2 (c) and L3: spellings --------------------------------------------------------------

SPELLINGS = [
    "eps,backward,forward,loss",
    "h,fxmh,fxph,fx",
    "eps,f⁻,f⁺,f",
    "eps,L₋,L₊,L",
    "eps,m,p,L",
    "eps,bwd,fwd,L",
    "step,minus,plus,loss",
    "h,fmh,fph,f",
    "eps,L(w+(-eps)),L(w+eps),L(w)",
    "delta,y_minus,y_plus,y",
    "eps,cost_minus,cost_plus,cost",
    "eps,neg,pos,zero",
    "eps,J(w-eps),J(w+eps),J(w)",
    "eps,L[w-eps],L[w+eps],L[w]",
    "eps,lo,hi,mid",
    "eps,left,right,center",
    "eps,f−,f+,f",
    "eps,L－,L＋,L",
]


@pytest.mark.parametrize("header", SPELLINGS)
def test_more_spellings_of_the_columns_are_read_by_name(header):
    rows, problems = _read_both(_table(header, ["eps", "L-", "L+", "L"]))
    _assert_by_name(rows)
    assert not any("left out" in p or "by position" in p for p in problems), problems


@pytest.mark.parametrize(
    "header",
    ["eps,lossB,lossA,loss", "h,gauche,droite,f", "eps,foo,bar", "step,val_b,val_a,loss",
     "eps,first,second,L", "dx,r,q,f", "e,lossB,lossA", "eps,L(w+eps),baz,A"],
)  # fmt: skip
def test_a_header_that_does_not_say_which_column_is_l_plus_is_refused_in_words(header):
    width = header.count(",") + 1
    rows, problems = _read_both(_table(header, ["eps", "L-", "L+", "L"][:width]))
    assert rows == []
    assert len(problems) == 1 and problems[0].startswith("line 1: the header")
    assert "which" in problems[0] and "L+" in problems[0] and "eps,L+,L-" in problems[0]


@pytest.mark.parametrize(
    "header", ["a,b,c", "eps,a,b", "h,f1,f2,f9", "x,y,z", "col1,col2,col3", "eps,v0,v1,L"]
)
def test_an_enumerating_header_keeps_the_readers_order_and_says_so(header):
    width = header.count(",") + 1
    rows, problems = _read_both(_table(header, ["eps", "L+", "L-", "L"][:width]))
    _assert_by_name(rows, loss=None)
    assert len(problems) == 1 and "read by position as ε, L+, L−" in problems[0]


# the general property ------------------------------------------------------------------

_NAMES = {
    "eps": ["eps", "h", "ε", "step"],
    "L+": ["L+", "loss_plus", "f(x+h)", "Lp", "fwd", "L_hi"],
    "L-": ["L-", "loss_minus", "f(x-h)", "Lm", "bwd", "L_lo"],
    "L": ["L", "loss", "f(x)", "L0", "mid"],
}


@pytest.mark.parametrize("seed", range(6))
def test_no_header_order_and_row_width_is_read_against_its_names(seed):
    """Every order of the columns, with and without L, named in assorted spellings, over rows
    that carry L or not, or one cell beyond the header: every row read is read by name."""
    generator = np.random.default_rng(seed)
    for order in itertools.permutations(["eps", "L+", "L-", "L"]):
        for width in (3, 4):
            named = [name for name in order if name != "L"] if width == 3 else list(order)
            spelling = {key: generator.choice(values) for key, values in _NAMES.items()}
            if spelling["L+"] in ("fwd",) and spelling["L-"] != "bwd":
                spelling["L-"] = "bwd"
            header = ",".join(spelling[name] for name in named)
            lines = [header]
            for row in range(len(COLUMNS["eps"])):
                cells = [COLUMNS[name][row] for name in named]
                if width == 3 and row % 3 == 1:
                    cells.append(COLUMNS["L"][row])  # a 4th cell the header does not name
                if width == 4 and row % 3 == 2 and named[-1] == "L":
                    cells.pop()  # a row without L
                lines.append(",".join(cells))
            rows, problems = _read_both("\n".join(lines) + "\n")
            for row in rows:
                index = [Decimal(e) for e in COLUMNS["eps"]].index(row.epsilon)
                assert row.loss_plus == Decimal(COLUMNS["L+"][index]), (header, problems)
                assert row.loss_minus == Decimal(COLUMNS["L-"][index]), (header, problems)
                assert row.loss is None or row.loss == Decimal(COLUMNS["L"][index])
            assert rows or problems


@pytest.mark.parametrize("separator", [",", "\t", ";"])
def test_an_empty_middle_cell_without_a_header_is_a_bad_row_not_a_shifted_one(separator):
    """``0.1,,0.3,0.4`` was read as ε 0.1, L+ 0.3, L− 0.4: the empty cell dropped, the
    cells after it moved left. A trailing empty cell (no L) is still no L."""
    lines = _table(None, ["eps", "L+", "L-", "L"], separator).splitlines()
    cells = lines[1].split(separator)
    cells[1] = ""
    lines[1] = separator.join(cells)
    lines[2] = separator.join(lines[2].split(separator)[:3]) + separator  # L left empty
    rows, problems = _read_both("\n".join(lines) + "\n")
    _assert_by_name(rows, indices=[0, 2, 3, 4, 5, 6, 7, 8], loss=None)
    assert rows[1].loss is None
    assert len(problems) == 1 and problems[0].startswith("line 2: ") and "empty" in problems[0]
