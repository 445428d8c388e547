"""A fixed ε the dtype cannot honour is refused under the ε field, by the same rule as the
CLI (``fdgui-cli netcheck --eps``, exit 2)."""

from __future__ import annotations

import subprocess
import sys

from fdgui.ui.netcheck.model import NetcheckModel


def test_the_window_and_the_cli_refuse_the_same_epsilon(qtbot):
    model = NetcheckModel()
    seen: dict[str, str] = {}
    model.inputErrorChanged.connect(lambda field, message: seen.__setitem__(field, message))
    model.set_text("layers", "6,10,10,10,10,3")
    model.set_text("dtype", "float32")
    model.set_text("epsilon", "1e-12")
    assert "too small for float32" in seen.get("epsilon", "")
    assert not model.run()  # nothing starts while the field is wrong
    cli = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "netcheck", "--layers", "6,10,10,10,10,3",
         "--dtype", "float32", "--eps", "1e-12"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert cli.returncode == 2 and seen["epsilon"] in cli.stderr
    assert len(cli.stderr.strip().splitlines()) == 1
    model.set_text("epsilon", "2e-8")  # the ε the message names is accepted
    assert seen.get("epsilon", "") == ""
    model.set_text("epsilon", "1e-12")
    model.set_text("dtype", "float64")  # float64 moves these weights by 1e-12
    assert seen.get("epsilon", "") == ""
    model.deleteLater()
