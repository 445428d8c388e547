"""The network check's status bar names the outcome as the panel's badge does: an
inconclusive check is 'inconclusive' (not 'fail'), a loose pass 'passed, loosely' (not
'pass', review11p L10)."""

from types import SimpleNamespace

import pytest

from fdgui.ui.netcheck.model import _outcome


@pytest.mark.parametrize(
    ("inconclusive", "loose", "verdict", "words"),
    [
        (True, False, "fail", "inconclusive"),
        (False, True, "pass", "passed, loosely"),
        (False, False, "pass", "pass"),
        (False, False, "fail", "fail"),
    ],
)
def test_the_status_word_follows_the_badge(inconclusive, loose, verdict, words):
    report = SimpleNamespace(inconclusive=inconclusive, loose=loose, verdict=verdict)
    assert _outcome(report) == words
