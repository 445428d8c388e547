"""The calculator window says where a result is rounded and to how many digits, and its
"every digit" tooltips give every digit (review10i H2)."""

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from tests.ui.test_calculator import find, retype

LONG = "0.1234567890123456789012345678901234567890123456789012345678901234567891"


def _calculate(window, qtbot, plus: str, epsilon: str) -> None:
    retype(qtbot, find(window, QLineEdit, "lossPlusInput"), plus)
    retype(qtbot, find(window, QLineEdit, "lossMinusInput"), "0.5")
    retype(qtbot, find(window, QLineEdit, "epsilonInput"), epsilon)
    qtbot.keyClick(find(window, QLineEdit, "epsilonInput"), Qt.Key.Key_Return)


def test_the_window_says_where_it_rounds(window, qtbot):
    _calculate(window, qtbot, LONG, "0.3")
    rounding = find(window, QLabel, "roundingValue")
    text = rounding.text()
    assert "central" in text and "digits (they do not end)" in text and "exact" in text
    assert "Sums and differences" in rounding.toolTip()
    digits = int(text.split(" digits (they do not end)")[0].split()[-1])
    assert digits >= 70  # the typed digits need more than the usual 60
    tip = find(window, QLabel, "gradientValue").toolTip().split("(every digit)")[0]
    value = Decimal(tip.replace("\n", "").strip())
    assert len(value.as_tuple().digits) == digits


def test_the_window_says_when_nothing_is_rounded(window, qtbot):
    _calculate(window, qtbot, LONG, "0.5")  # the central quotient (L+ − L−)/1 ends: exact
    text = find(window, QLabel, "roundingValue").text()
    assert "Every result is exact" in text and "Rounded" not in text
    tip = find(window, QLabel, "differenceValue").toolTip().split("(every digit)")[0]
    assert Decimal(tip.replace("\n", "").strip()) == Decimal(
        "-0.3765432109876543210987654321098765432109876543210987654321098765432109"
    )  # L+ − 0.5, all 70 digits
