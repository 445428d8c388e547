"""One row's "Wrong" rests on a premise its words state (review16c C1, C2, H1, H2, M2).

A single row cannot see a feature at w whose effect on the central difference is first order in
ε: with L an odd jump of L'' (softsign or u·|u| at a pre-activation of 0, whose slope other
terms may cancel: the forward, backward and central differences agree beside it), without L a
minimum of L near w. What it leaves is read on the gradient's own size (the larger of the central
difference and the claim), never on the losses' values, and it is taken with and without L
alike (H2: giving L weakened the verdict). With L the verdict is the same for L + c (H1: a
constant offset turned resolved sign flips into "Too coarse"); without L a minimum nearer w than
ε/20 leaves what no multiple of the slope bounds, so the prior still reads the losses' size
there (calc18: without it, 9 exact gradients of r16 were "Wrong"), and an offset costs power —
"Too coarse", never a pass. Beyond both, a bug the row resolves stays "Wrong", and the words
name the premise; within them the row is "Too coarse to judge" (exit 2) and names the ε to try
next. L+ = L− tests no claim (M2)."""

from __future__ import annotations

import mpmath as mp
import pytest

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.report.calculator import calculator_report


def _judge(f, w, eps, claim, with_loss=True, offset=0, digits=25):
    mp.mp.dps = 50
    w, e = mp.mpf(w), mp.mpf(eps)
    texts = {
        "loss_plus": mp.nstr(f(w + e) + offset, digits, min_fixed=-100, max_fixed=100),
        "loss_minus": mp.nstr(f(w - e) + offset, digits, min_fixed=-100, max_fixed=100),
        "loss": mp.nstr(f(w) + offset, digits, min_fixed=-100, max_fixed=100) if with_loss else "",
        "epsilon": str(eps),
        "backprop": mp.nstr(claim, 20, strip_zeros=False),
    }
    inputs, errors = parse_inputs(texts)
    assert inputs is not None, errors
    return estimate(inputs)


def _slope(f, w):
    mp.mp.dps = 50
    return mp.diff(f, mp.mpf(w))


@pytest.mark.parametrize("k", [1, 3, 10])
@pytest.mark.parametrize("cancelled", ["0.5", "0.8"])
@pytest.mark.parametrize("eps", ["1e-4", "1e-3", "3e-3"])
def test_a_softsign_at_w_whose_slope_other_terms_cancel_is_not_wrong(k, cancelled, eps):
    """review16c C1: softsign(kw) − c·k·w at w = 0, L given, exact gradient: was "Wrong"."""
    c = mp.mpf(cancelled)

    def f(x):
        return (k * x) / (1 + abs(k * x)) - c * k * x

    exact = _slope(f, 0)
    comparison = _judge(f, 0, eps, exact).comparison
    assert comparison.verdict.key != "wrong", (k, cancelled, eps)


@pytest.mark.parametrize(("k", "slope"), [(1, "0.5"), (3, "0.5"), (3, "1"), (10, "1"), (10, "2")])
@pytest.mark.parametrize("eps", ["1e-4", "1e-3"])
def test_a_signed_square_at_w_with_a_slope_from_other_terms_is_not_wrong(k, slope, eps):
    """review16c C1: (kw)·|kw| + b·w at w = 0 (the unit's own slope is 0 there): its L''
    jumps by 4k², as a unit 0.1·k²/b times as steep as the gradient b on the scale 0.1 —
    within the premise (10) for these."""
    b = mp.mpf(slope)

    def f(x):
        return (k * x) * abs(k * x) + b * x

    comparison = _judge(f, 0, eps, b).comparison
    assert comparison.verdict.key != "wrong", (k, slope, eps)


_ZERO_MINIMA = {
    "(tanh 2w - tanh 1)^2": lambda w: (mp.tanh(2 * w) - mp.tanh(1)) ** 2,
    "(w - 0.5)^2 + (w - 0.5)^3": lambda w: (w - mp.mpf("0.5")) ** 2 + (w - mp.mpf("0.5")) ** 3,
}


@pytest.mark.parametrize("name", sorted(_ZERO_MINIMA))
@pytest.mark.parametrize(("delta", "eps"), [("1e-4", "1e-3"), ("1e-5", "1e-4"), ("1e-3", "1e-2")])
def test_near_a_minimum_whose_value_is_zero_the_exact_gradient_is_not_wrong(name, delta, eps):
    """review16c C2: a squared error that fits, without L, the minimum ε/10 from w."""
    f = _ZERO_MINIMA[name]
    w = mp.mpf("0.5") + mp.mpf(delta)
    comparison = _judge(f, w, eps, _slope(f, w), with_loss=False).comparison
    assert comparison.verdict.key != "wrong", (name, delta, eps)


@pytest.mark.parametrize("offset", [0, mp.mpf("2.302585"), 100])
@pytest.mark.parametrize("factor", [2, -1])
def test_a_constant_offset_costs_power_never_a_pass(offset, factor):
    """review16c H1: L = B + 1e-3·sin(3w) at 0.4, ε = 1e-3; a +100 % bug and a sign flip.
    With L the verdict is the same whatever B: "Wrong". Without L the prior still reads the
    losses' size (a minimum nearer w than ε/20 leaves |L'''|·ε²/6 the slope does not bound,
    and only the losses' size does: 9 exact gradients were "Wrong" without it), so an offset
    may make the row too coarse (exit 2, the words say to give L) — never a pass."""

    def f(x):
        return mp.mpf("1e-3") * mp.sin(3 * x)

    claim = factor * _slope(f, "0.4")
    with_loss = _judge(f, "0.4", "1e-3", claim, offset=offset)
    assert with_loss.comparison.verdict.key == "wrong", offset
    alone = _judge(f, "0.4", "1e-3", claim, with_loss=False, offset=offset)
    # without L one row never refutes (calc20: a kink inside the step could explain any
    # difference): too coarse, the words saying why and to type L — never a pass
    assert alone.comparison.verdict.key == "inconclusive", offset
    text = calculator_report(alone).replace("\n  ", " ")
    assert "Type L" in text, text
    if not offset:
        assert alone.comparison.too_few == "kink"
    if alone.comparison.too_few == "truncation":
        assert "a constant added to the loss widens this" in text, text


# the kind of r16's 9 seeds (review16c; calc17's premise rule alone called them "Wrong"): a
# loss of a few smooth terms, without L, w nearer its minimum than ε/20, losses of every size
# and offset (A·g + B)
_MINIMA = {
    "log(1 + 100w²) − w³/3": lambda x: mp.log(1 + 100 * x * x) - x**3 / 3,
    "bump(0.3w) + gauss": lambda x: 0.3 * x * mp.exp(-((0.3 * x) ** 2)) + mp.exp(-(x**2)),
    "sin(−w) + tanh": lambda x: mp.sin(-x) + mp.tanh(x - 1),
    "atan(−3w) + atan(w)²": lambda x: mp.atan(-3 * x) + mp.atan(x) ** 2 * 4,
}


@pytest.mark.parametrize("name", sorted(_MINIMA))
@pytest.mark.parametrize("eps", ["1e-4", "1e-3", "3e-3", "1e-2"])
def test_a_minimum_nearer_than_a_twentieth_of_the_step_is_never_wrong_without_l(name, eps):
    g = _MINIMA[name]
    mp.mp.dps = 50
    w0 = mp.findroot(lambda x: mp.diff(g, x), mp.mpf("0.05"))
    wrong = []
    for share in ("0.04", "-0.01", "0.001", "1e-5"):  # the minimum's distance over ε
        w = mp.mpf(mp.nstr(w0 + mp.mpf(share) * mp.mpf(eps), 30))
        for scale in (mp.mpf("1e-8"), 1, mp.mpf(1000)):
            for offset in (0, 1, 100):

                def f(x, scale=scale):
                    return scale * g(x)

                comparison = _judge(f, w, eps, _slope(f, w), False, offset, 30).comparison
                if comparison.verdict.key == "wrong":
                    wrong.append((share, scale, offset))
    assert not wrong, (name, eps, wrong)


@pytest.mark.parametrize("eps", ["1e-3", "3e-3", "1e-2"])
@pytest.mark.parametrize("bug", ["0.02", "0.1", "0.5", "1", "-2"])
def test_giving_l_never_weakens_the_verdict(eps, bug):
    """review16c H2: sin(w) at 0.3 — the same row judged with L is no weaker than without."""
    rank = {"wrong": 2, "inconclusive": 1}
    claim = mp.cos(mp.mpf("0.3")) * (1 + mp.mpf(bug))
    with_loss = _judge(mp.sin, "0.3", eps, claim).comparison.verdict.key
    without = _judge(mp.sin, "0.3", eps, claim, with_loss=False).comparison.verdict.key
    assert rank.get(with_loss, 0) >= rank.get(without, 0), (eps, bug, with_loss, without)


@pytest.mark.parametrize("eps", ["1e-5", "1e-4", "1e-3", "5e-3", "9e-3", "1e-2", "3e-2"])
@pytest.mark.parametrize("with_loss", [True, False])
def test_a_sign_flip_stays_wrong_up_to_a_tenth_of_the_scale(eps, with_loss):
    """What one row cannot see leaves up to 10·max(|g|, |claim|)·ε/s: a sign flip (twice
    the gradient) stays refuted while that is below it, ε < s/10. From ε = s/10 on, the
    premise leaves the gradient's size or more and a claim far enough on the other side of 0
    is within it however far it lies, so one row refutes nothing there (else the exit fell
    back from "Wrong" to "Too coarse" as the claim moved away: rev16c's mono.py)."""
    for f, w in ((mp.sin, "0.3"), (mp.tanh, "0.7"), (lambda x: mp.log(1 + x * x), "1.2")):
        claim = -_slope(f, w)
        comparison = _judge(f, w, eps, claim, with_loss=with_loss).comparison
        expected = "wrong" if mp.mpf(eps) < mp.mpf("0.01") else "inconclusive"
        if not with_loss:  # without L one row never refutes (calc20): a kink could explain it
            expected = "inconclusive"
        assert comparison.verdict.key == expected, (eps, w)
        if not with_loss and mp.mpf(eps) < mp.mpf("0.01"):
            assert comparison.too_few == "kink", (eps, w)


@pytest.mark.parametrize("eps", ["3e-3", "9e-3", "1.5e-2", "3e-2", "0.1"])
def test_the_exit_is_monotone_as_the_claim_moves_away(eps):
    """rev16c's mono.py: claims central·(1 + o), o from 0 to ±20: once "Wrong" (exit 1),
    never back to "Too coarse" (exit 2), nor to a pass (0), on either side."""
    rank = {"wrong": 2, "inconclusive": 1}
    for with_loss in (True, False):
        central = _judge(mp.sin, "0.3", eps, 0, with_loss=with_loss).central
        for sign in (1, -1):
            keys = []
            for step in range(1, 80):
                o = sign * mp.mpf(step) / 4
                claim = mp.mpf(str(central)) * (1 + o)
                keys.append(_judge(mp.sin, "0.3", eps, claim, with_loss=with_loss))
            ranks = [rank.get(k.comparison.verdict.key, 0) for k in keys]
            assert ranks == sorted(ranks), (eps, with_loss, sign, ranks)


@pytest.mark.parametrize("eps", ["1e-5", "1e-4", "1e-3"])
def test_a_doubled_gradient_at_a_small_step_stays_wrong(eps):
    for with_loss in (True, False):
        claim = 2 * mp.cos(mp.mpf("0.3"))
        comparison = _judge(mp.sin, "0.3", eps, claim, with_loss=with_loss).comparison
        if with_loss:
            assert comparison.verdict.key == "wrong", (eps, with_loss)
        else:  # calc20: without L a kink inside the step could explain it: type L
            assert (comparison.verdict.key, comparison.too_few) == ("inconclusive", "kink")


def test_the_words_state_the_premise_and_the_step_to_try():
    wrong = _judge(mp.sin, "0.3", "1e-3", -mp.cos(mp.mpf("0.3")))
    text = calculator_report(wrong)
    assert "almost certainly wrong" not in text
    assert "unless the loss has such a feature" in text and "times as steep" in text
    alone = _judge(mp.sin, "0.3", "1e-3", -mp.cos(mp.mpf("0.3")), with_loss=False)
    # calc20: without L no "Wrong" (a kink inside the step could explain it): the words say so
    alone_text = calculator_report(alone).replace("\n  ", " ")
    assert "Type L" in alone_text and "kink" in alone_text

    def f(x):
        return x / (1 + abs(x)) - mp.mpf("0.9") * x

    coarse = _judge(f, 0, "3e-3", _slope(f, 0))
    assert coarse.comparison.verdict.key == "inconclusive"
    assert "Repeat it at ε = " in calculator_report(coarse).replace("\n  ", " ")


@pytest.mark.parametrize("claim", ["0", "0.19597568180762349", "1e-30"])
def test_equal_losses_accept_no_claim(claim):
    """review16c M2: bfloat16 L = L+ = L− = 1.5234375 at ε = 2^-9: a zero (detached)
    gradient was "Consistent" (exit 0) where the exact one was "Too coarse" (exit 2)."""
    texts = {"loss": "1.5234375", "loss_plus": "1.5234375", "loss_minus": "1.5234375"}
    texts |= {"epsilon": "0.001953125", "backprop": claim}
    inputs, _ = parse_inputs(texts)
    from dataclasses import replace
    from decimal import Decimal

    inputs = replace(inputs, loss_roundoff=Decimal(2) ** -8)
    assert estimate(inputs).comparison.verdict.key == "inconclusive", claim
    typed, _ = parse_inputs({**texts, "backprop": claim})
    # typed, the digits bound |L'| to 2.6e-5: 0.196 is refuted, a claim inside is undecided
    expected = "wrong" if claim == "0.19597568180762349" else "inconclusive"
    assert estimate(typed).comparison.verdict.key == expected, claim
