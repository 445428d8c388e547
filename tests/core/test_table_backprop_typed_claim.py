"""A table's typed backprop gradient is read by the one rule for a typed derivative (issue 10:
one verdict across panels and CLI): half a unit of its last digit as written, and in a low
source format the rounding that format leaves in a computed gradient. ``sweep --table
--backprop 0.7648`` for cos(0.7) = 0.764842… said "Gradient wrong … Look for a bug" while
``calc`` and ``sweep --grad`` said "Too coarse to judge (too few typed digits)"."""

from __future__ import annotations

import math

import pytest

from fdgui.cli import main
from fdgui.core.report.sweep import diagnosis_title
from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep


def _sin_table() -> str:
    lines = ["eps,L+,L-"]
    for k in range(1, 12):
        eps = 10 ** (-k / 1.5)
        lines.append(f"{eps!r},{math.sin(0.7 + eps)!r},{math.sin(0.7 - eps)!r}")
    return "\n".join(lines) + "\n"


def _title(text: str, backprop: str, source: str | None = None) -> tuple[str, str]:
    objective, problems, dtype = table_request(text, backprop, source)
    assert not problems
    diagnosis = diagnose(run_sweep(objective, SweepSettings(dtype=dtype)))
    return diagnosis.kind, diagnosis_title(diagnosis)


def test_a_four_decimal_print_of_the_gradient_is_too_coarse_as_in_calc_and_grad():
    kind, title = _title(_sin_table(), "0.7648")
    assert title == "Too coarse to judge (too few typed digits)", (kind, title)


@pytest.mark.parametrize(
    "backprop, kind", [("0.76484218728448842", "correct"), ("0.7650", "wrong"), ("0", "wrong")]
)
def test_enough_digits_and_real_bugs_still_decide(backprop, kind):
    assert _title(_sin_table(), backprop)[0] == kind


def test_the_same_number_typed_with_more_digits_is_a_different_claim():
    """ "0.76480" claims ± 5e-6: the 4.2e-5 off is then a bug (the cache must not mix them)."""
    assert _title(_sin_table(), "0.7648")[1].startswith("Too coarse")
    assert _title(_sin_table(), "0.76480")[0] == "wrong"


def test_the_cli_table_exits_by_the_rule_calc_follows(capsys, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(_sin_table(), encoding="utf-8")
    status = main(["sweep", "--table", str(path), "--backprop", "0.7648"])
    out, err = capsys.readouterr()
    assert status == 2 and "Too coarse to judge (too few typed digits)" in out
    assert err.startswith("fdgui-cli sweep: ") and "neither confirm" in err
