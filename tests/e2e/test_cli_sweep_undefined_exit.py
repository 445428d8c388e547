"""``fdgui-cli sweep`` with a gradient under check where nothing can be judged (no loss or no
derivative at w) exits 2, as its help says — never 0 (review10i H4)."""

from __future__ import annotations

import json

import pytest

from fdgui.cli import main


def _run(capsys, *args: str) -> tuple[int, dict]:
    code = main(["sweep", *args, "--points", "40", "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("expression", "point", "grad"),
    [
        ("log(w)", "0", "5"),
        ("1/w", "0", "0"),
        ("(-1)**w", "0.5", "1"),
        ("sqrt(w)", "0", "1"),
    ],
)
def test_a_typed_gradient_where_the_loss_has_no_derivative_exits_2(capsys, expression, point, grad):
    code, data = _run(capsys, "--expr", expression, f"--at={point}", f"--grad={grad}")
    assert data["diagnosis"]["kind"] == "undefined"
    assert code == 2


def test_without_a_typed_gradient_an_undefined_point_is_a_reading_not_an_error(capsys):
    code, data = _run(capsys, "--expr", "log(w)", "--at=0")
    assert data["diagnosis"]["kind"] == "undefined"
    assert code == 0
