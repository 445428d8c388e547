"""The calculator's advice at a kink exactly at w, and the premise its "Needs L" words
state (calc21, rev19c H1/H2/H3).

At a kink at w itself (ReLU, |u| or max whose input is 0 at w) the derivative is any value
between the one-sided slopes (L − L−)/ε and (L+ − L)/ε: a backprop gradient there is a
valid subgradient, and a smaller ε changes neither slope. The advice must not call a
difference that stays a bug there, and it must end: it says what a repeat at the smaller ε
shows (the one-sided differences staying apart: a kink at w, the gradient is fine).

Without L a difference is undecided ("Needs L"); the words must state the whole premise a
bug rests on — no kink within ε and no unit far steeper than the gradient crossing 0 near w
— and must not promise that typing L always judges: a steep unit whose input crosses 0 just
beside w still misleads one row with L."""

from __future__ import annotations

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_report, verdict_title


def _report(claim: str, loss: str | None, eps: str = "0.0001") -> tuple[str, str]:
    # L(w) = 0.5 + x + 2·relu(x) at x = 0: one-sided slopes 3 (forward) and 1 (backward)
    e = float(eps)
    texts = {
        "loss_plus": f"{0.5 + 3 * e:.15f}",
        "loss_minus": f"{0.5 - e:.15f}",
        "epsilon": eps,
        "backprop": claim,
    }
    if loss is not None:
        texts["loss"] = loss
    inputs, errors = parse_inputs(texts)
    assert not errors
    result = estimate(inputs)
    return verdict_title(result), " ".join(calculator_report(result).split())


def test_a_subgradient_at_a_kink_at_w_is_not_called_a_bug_and_the_advice_ends() -> None:
    for eps in ("0.0001", "0.000012"):  # the advised smaller ε gives the same row shape
        for claim in ("1.1000000000", "1.5000000000", "2.9000000000"):
            title, text = _report(claim, "0.500000000000000", eps)
            assert "Wrong" not in title
            assert "valid subgradient" in text
            assert "stay about as far apart, the kink is at w and this gradient is fine" in text
            assert "a difference that stays is a bug" not in text


def test_a_claim_outside_the_one_sided_slopes_keeps_the_bug_advice() -> None:
    title, text = _report("3.5000000000", "0.500000000000000")
    assert title.startswith("Too coarse to judge")
    assert "subgradient" not in text
    assert "a difference that stays is a bug" in text


def test_needs_l_words_state_the_steep_unit_premise_and_promise_no_judgement() -> None:
    title, text = _report("1.5000000000", None)
    assert title.startswith("Needs L to judge")
    assert "points to a bug only if the loss has no kink within ε of w" in text
    assert "softsign" in text and "u·|u|" in text
    assert "10 times the gradient" in text
    assert "judges the gradient on the premise it then states" in text
