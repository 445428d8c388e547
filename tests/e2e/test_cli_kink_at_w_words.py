"""At a kink at w the words say "between the one-sided slopes" and "the average of the two
slopes" only of numbers that are (review18x M5).

tanh(2w) + 0.001·minimum(w − 2.5, −2(w − 2.5)) at 2.5 in bfloat16: slopes 0.00136 left and
−0.00164 right. A claim of 0.00294 (outside both, inside its own bfloat16 bar: tanh(5)
rounds to 1) passes, but was said to "lie between the one-sided slopes", and the central
differences' 0.0021 (the loss's bfloat16 rounding) was called "the average of the two
slopes" (−0.000137).
"""

from __future__ import annotations

from fdgui.cli import main

EXPR = "tanh(2*w)+0.001*minimum((w-2.5),-2*((w-2.5)))"


def _words(capsys, *argv):
    status = main(["sweep", *argv])
    out, _err = capsys.readouterr()
    return status, out.strip().splitlines()[-1]


def test_a_claim_outside_both_slopes_is_not_said_to_lie_between(capsys):
    status, words = _words(
        capsys, "--expr", EXPR, "--at", "2.5", "--dtype", "bfloat16", "--grad", "0.00294358"
    )
    assert status == 0, words
    assert "lies between" not in words and "lies outside the one-sided slopes" in words, words


def test_the_average_is_the_slopes_average(capsys):
    _status, words = _words(
        capsys, "--expr", EXPR, "--at", "2.5", "--dtype", "bfloat16", "--grad", "0.001"
    )
    assert "lies between the one-sided slopes" in words, words
    assert "average of the two slopes (0.0021" not in words, words
    assert "-0.000136559" in words or "−0.000136559" in words, words


def test_float64_kink_words_stay(capsys):
    status, words = _words(capsys, "--expr", "sin(w)+abs(w-0.7)", "--at", "0.7", "--grad", "0.5")
    assert status == 0, words
    assert "lies between the one-sided slopes" in words, words
    assert "Central differences give the average of the two slopes (0.764842)" in words, words
