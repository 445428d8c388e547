"""A title comment with a hyphenated word is a comment (review18x M1).

"# measured by hand-made script" above 4-cell rows refused the table: its "hand-made" has
a "-", read as the sign of L− (``L-``, ``f(x-h)``), so the sentence named L− and not L+
and, with as many words as the rows' cells, looked like their header. Two words of
letters joined by a sign, neither a loss's, a point's nor a step's name, name no column.
"""

from __future__ import annotations

import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.calculator.table_header import MINUS, PLUS, column_role

ROWS = "0.25\t1.08\t0.49\t0.79\n0.125\t0.93\t0.64\t0.79\n0.0625\t0.86\t0.72\t0.79\n"


@pytest.mark.parametrize(
    "comment",
    [
        "# measured by hand-made script",
        "# a so-called sweep at 0.7",
        "# fine-tuned net, run two",
        "# pre-trained weights from disk",
    ],
)
def test_a_sentence_with_a_hyphenated_word_stays_a_comment(comment):
    rows, problems = parse_measurement_table(comment + "\n" + ROWS)
    assert len(rows) == 3 and not problems, problems


@pytest.mark.parametrize(
    ("cell", "role"),
    [("L-", MINUS), ("loss-minus", MINUS), ("loss-h", MINUS), ("f(x-h)", MINUS),
     ("L+", PLUS), ("w-eps", MINUS), ("lw-eps", MINUS), ("hand-made", None),
     ("so-called", None)],
)  # fmt: skip
def test_signs_of_the_step_still_name_a_side(cell, role):
    assert column_role(cell) == role
