"""Without L a "Suspicious"-band difference, as a larger one, could be a kink inside the step:
it needs L too, and says "Type L" (rev20c M1: 1 + 2w + 0.008·relu(w − 5e-7) at w = 0, whose
exact derivative 2 differs from the central difference by 0.1 %, was told "more than finite
differences normally explain. Re-check the backward pass" while a larger difference got the
milder "Needs L")."""

from __future__ import annotations

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import verdict_text, verdict_title


def _estimate(plus: str, minus: str, epsilon: str, backprop: str, loss: str = ""):
    texts = {"loss": loss, "loss_plus": plus, "loss_minus": minus, "epsilon": epsilon,
             "backprop": backprop}  # fmt: skip
    inputs, errors = parse_inputs(texts)
    assert inputs is not None, errors
    return estimate(inputs)


def _words(result) -> tuple[str, str, str]:
    comparison = result.comparison
    text = verdict_text(comparison, result.uncertainty, inputs=result.inputs)
    return comparison.verdict.key, verdict_title(result), text


def test_a_suspicious_difference_without_l_needs_l_as_a_larger_one_does():
    small = _words(_estimate("1.000002004000000", "0.9999980000000000", "1e-6", "2.000000000"))
    large = _words(_estimate("1.000002400000000", "0.9999980000000000", "1e-6", "2.000000000"))
    assert small[0] == large[0] == "inconclusive"
    assert small[1] == large[1] and "Needs L" in small[1]
    for _, _, text in (small, large):
        assert "Type L" in text
        assert "Re-check the backward pass" not in text


def test_words_without_l_are_monotone_in_the_difference():
    # claims moving away from the central difference 2.000002: every non-passing verdict
    # without L asks for L, and none accuses the backward pass before a larger one does
    seen = []
    for claim in ("2.000002", "2.0000021", "2.00001", "2.0003", "2.001", "2.01", "2.1", "3"):
        key, title, text = _words(_estimate("1.000002000002", "0.999997999998", "1e-6", claim))
        seen.append(key)
        if key not in ("correct", "consistent", "kinks"):
            assert "Type L" in text, (claim, title)
            assert "Re-check the backward pass" not in text, claim
    assert seen[-1] == "inconclusive" and "suspicious" not in seen[seen.index("inconclusive") :]


def test_with_l_a_suspicious_difference_keeps_its_band():
    # with L the row sees a kink inside the step: a resolved 0.1 % difference from a smooth
    # loss stays "Suspicious" (exit 2), not "Needs L"
    result = _estimate("1.000002000002", "0.999997999998", "1e-6", "2.002", loss="1")
    assert result.comparison.verdict.key == "suspicious"
