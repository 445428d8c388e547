"""A saved calculator's sent entries (loss_roundoff, steps) that a float cannot hold are
refused when the session is read, never carried into a calculation that raises (review12c C5:
"1e-400" parsed as a decimal 0 < u < 1 but log10(float(u)) = log10(0) raised on every
Calculate)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fdgui.cli import main
from fdgui.core import session as files
from fdgui.core.calculator.schemes import Inputs, estimate

_TEXTS = {
    "loss": "0.0000362396240234375",
    "loss_plus": "0.0000362396240234375",
    "loss_minus": "0.0000362396240234375",
    "epsilon": "0.003",
    "backprop": "-0.00011903171585799562",
}
_BAD_ROUNDOFFS = ["1e-400", "1e-999999", "5e-324", "1e-320", "0", "-1", "1", "nan", "1E+5"]


def _session(**calculator):
    return files.Session(panels={"calculator": {"texts": dict(_TEXTS), **calculator}})


@pytest.mark.parametrize("saved", _BAD_ROUNDOFFS)
def test_a_round_off_no_float_holds_is_refused(saved):
    assert files.calculator_roundoff(_session(loss_roundoff=saved)) is None


@pytest.mark.parametrize("saved", ["5.9604644775390625E-8", "0.00048828125", "1e-300"])
def test_every_accepted_round_off_calculates(saved):
    roundoff = files.calculator_roundoff(_session(loss_roundoff=saved))
    assert roundoff == Decimal(saved)
    inputs = Inputs(Decimal("1.5"), Decimal("0.5"), Decimal("1"), loss_roundoff=roundoff)
    assert estimate(inputs).central == 0.5


@pytest.mark.parametrize("saved", ["1e-400", "1e-999999", "1e999999", "0", "-1e-3"])
def test_steps_no_float_holds_are_refused(saved):
    sent = files.calculator_sent(_session(steps=[saved, saved]))
    assert "steps" not in sent


def test_calc_session_names_a_refused_round_off_and_still_judges(tmp_path, capsys):
    path = tmp_path / "h400.fdgui.json"
    files.write_session(path, _session(loss_roundoff="1e-400"))
    status = main(["calc", "--session", str(path)])
    out, err = capsys.readouterr()
    assert status in (0, 1, 2) and "could not finish" not in err
    assert "loss_roundoff" in err and "1e-400" in err
    assert "finite-difference gradient" in out
