"""The probe's timeout, as typed: a limit so short that every call would time out is refused
in words (review9l LOW 7), as are values outside a day; ordinary values are read."""

from __future__ import annotations

import pytest

from fdgui.core.errors import InputError
from fdgui.core.requests import PROBE_TIMEOUT_FLOOR, probe_timeout


@pytest.mark.parametrize("text", ["1e-300", "0.001", "0.05", "0", "-1", "86401", "nan", "abc"])
def test_unusable_timeouts_are_refused_in_words(text):
    with pytest.raises(InputError) as caught:
        probe_timeout(text)
    assert caught.value.field == "probe_timeout"
    assert "Traceback" not in caught.value.message


def test_a_too_short_timeout_says_the_floor():
    with pytest.raises(InputError, match=f"at least {PROBE_TIMEOUT_FLOOR:g} s"):
        probe_timeout("0.01")


@pytest.mark.parametrize(
    ("text", "value"), [(" 5 ", 5.0), ("0.1", 0.1), ("0.5", 0.5), ("86400", 86400.0)]
)
def test_usable_timeouts_are_read(text, value):
    assert probe_timeout(text) == value
