"""Rows that contradict each other at the same ε judge nothing sharper than their
disagreement (review12t M2): a file with every ε twice, once with L+ and L− swapped (rows
read by position above a header, or a second block without one), got "Gradient wrong" or
"Gradient correct" from the first row of each ε."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

POINT = 0.7
TRUTH = -0.08396815100693278


def _f(x: float) -> float:
    return float(np.sin(x) * np.exp(-x * x))


EPSILONS = [0.5**k for k in range(3, 23, 2)]


def _rows(order: str, jitter: float = 0.0) -> str:
    lines = []
    for e in EPSILONS:
        plus, minus = _f(POINT + e) + jitter, _f(POINT - e)
        cells = (plus, minus) if order == "pm" else (minus, plus)
        lines.append(f"{e!r},{cells[0]!r},{cells[1]!r}")
    return "\n".join(lines) + "\n"


def _cli(tmp_path, text: str, claim: float, errors: list | None = None) -> tuple[int, dict]:
    from fdgui.cli import main

    path = tmp_path / "t.csv"
    path.write_text(text)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["sweep", "--table", str(path), "--backprop", repr(claim), "--json"])
        except SystemExit as error:
            code = error.code
    if errors is not None:
        errors.append(err.getvalue())
    return code, json.loads(out.getvalue())["diagnosis"]


SWAPPED = {
    # rows by position (L+ and L− swapped), then a header and the same rows read by it
    "header after rows": _rows("mp") + "eps,L-,L+\n" + _rows("mp"),
    # a header and rows, then the same rows in the other order with no header of their own
    "second block swapped": "eps,L+,L-\n" + _rows("pm") + "\n" + _rows("mp"),
}


@pytest.mark.parametrize("name", list(SWAPPED))
def test_the_exact_gradient_is_neither_wrong_nor_confirmed(tmp_path, name):
    errors: list[str] = []
    code, diagnosis = _cli(tmp_path, SWAPPED[name], TRUTH, errors)
    assert code == 2 and diagnosis["kind"] == "estimate", diagnosis["title"]
    assert "disagree" in diagnosis["title"]
    assert "share an ε disagree" in errors[0]
    # its opposite, which the first rows of one of the files measure, is not confirmed either
    code, diagnosis = _cli(tmp_path, SWAPPED[name], -TRUTH)
    assert code == 2 and diagnosis["kind"] == "estimate", diagnosis["title"]


@pytest.mark.parametrize("name", list(SWAPPED))
def test_a_gradient_wrong_by_either_measurement_is_still_wrong(tmp_path, name):
    code, diagnosis = _cli(tmp_path, SWAPPED[name], 10 * TRUTH)
    assert code == 1 and diagnosis["kind"] == "wrong"


def test_rows_that_agree_within_their_digits_change_nothing(tmp_path):
    text = "eps,L+,L-\n" + _rows("pm") + _rows("pm")  # the same rows twice
    code, diagnosis = _cli(tmp_path, text, TRUTH)
    assert (code, diagnosis["kind"]) == (0, "correct")
    code, diagnosis = _cli(tmp_path, text, 1.1 * TRUTH)
    assert (code, diagnosis["kind"]) == (1, "wrong")


def test_a_small_disagreement_keeps_a_confirmation(tmp_path):
    # a second run whose L+ is off by 1e-15 (beyond each row's repr digits, far below the
    # gradient): the exact gradient stays confirmed, a 10 % bug stays wrong
    text = "eps,L+,L-\n" + _rows("pm") + _rows("pm", jitter=1e-15)
    from fdgui.core.requests import table_request_read
    from fdgui.core.sweep.contradicting_rows import disagreement
    from fdgui.core.sweep.engine import SweepSettings, run_sweep

    objective, _problems, source, _reading = table_request_read(text)
    assert disagreement(run_sweep(objective, SweepSettings(dtype=source))) > 0
    code, diagnosis = _cli(tmp_path, text, TRUTH)
    assert (code, diagnosis["kind"]) == (0, "correct")
    code, diagnosis = _cli(tmp_path, text, 1.1 * TRUTH)
    assert (code, diagnosis["kind"]) == (1, "wrong")
