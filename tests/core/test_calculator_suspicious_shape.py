"""A "Suspicious" difference one row allows for (rev19c M2, calc21).

The "Suspicious" band (relative error 1e-4 to 1e-2) said "more than finite differences
normally explain. Re-check the backward pass" for every difference there, while most exact
gradients in it (calc21's random rows with L: 970 of 982) differ by no more than the row
itself allows for its central difference's own error at that ε (the smooth prior, the rooms
for a kink or steep unit, the premise's unseen feature). There the title and words say the
loss's shape or a small mistake, and the ε to tell them apart; beyond it, as before. The
exit stays 2 (neither confirmed nor refuted) either way."""

from __future__ import annotations

import mpmath as mp

from fdgui.commands.calc import _status
from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_report, verdict_title


def _result(eps: str, factor: str):
    mp.mp.dps = 80
    w, e = mp.mpf("0.3"), mp.mpf(eps)

    def text(x):
        return mp.nstr(x, 30, min_fixed=-100, max_fixed=100)

    inputs, errors = parse_inputs(
        {
            "loss": text(mp.sin(w)),
            "loss_plus": text(mp.sin(w + e)),
            "loss_minus": text(mp.sin(w - e)),
            "epsilon": eps,
            "backprop": text(mp.cos(w) * mp.mpf(factor)),
        }
    )
    assert not errors
    return estimate(inputs)


def test_the_exact_gradient_within_the_rows_allowance_is_not_told_to_recheck():
    result = _result("0.05", "1")  # sin at ε = 0.05: the central difference is 4.2e-4 off
    assert result.comparison.verdict.key == "suspicious"
    assert verdict_title(result).startswith("Suspicious: the loss's shape at this ε")
    text = " ".join(calculator_report(result).split())
    assert "more than finite differences normally explain" not in text
    assert "Repeat it at ε =" in text
    assert _status(result) == 2


def test_a_difference_beyond_the_allowance_keeps_the_suspicious_words():
    result = _result("1e-5", "1.005")
    assert result.comparison.verdict.key == "suspicious"
    assert verdict_title(result) == "Suspicious"
    assert "more than finite differences normally explain" in " ".join(
        calculator_report(result).split()
    )
    assert _status(result) == 2
