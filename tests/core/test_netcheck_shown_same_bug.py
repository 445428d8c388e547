"""At a fixed ε below what float64 losses show, the exact engine's entries whose L+ and L−
are the same float64 number stay undecided; one whose exact change disagrees with the
gradient keeps the check from passing (rev20n LOW: a 50 % bug on such an entry of the
built-in network at --eps 1e-14 passed, exit 0)."""

from __future__ import annotations

import numpy as np
import pytest

from fdgui.core.models.mlp import Network
from fdgui.core.netcheck import run_to_completion
from fdgui.core.report.netcheck import verdict_in_words
from fdgui.core.requests import check_request

TEXTS = {"layers": "6,5,5,3", "batch": "4", "epsilon": "1e-14"}


def _flat_entries(report) -> list[tuple[str, int]]:
    return [(e.tensor, e.index) for e in report.worst if e.note == "flat"]


def test_a_bug_on_an_entry_float64_losses_cannot_show_is_no_pass(monkeypatch):
    honest = run_to_completion(check_request(TEXTS))
    assert honest.passed  # the honest gradient: each shown-same entry agrees exactly
    flat = _flat_entries(honest)
    assert flat, "at ε = 1e-14 some entries' L+ and L− are the same float64 number"
    tensor, index = flat[0]
    position = [name for name, _ in check_request(TEXTS).spec.tensor_shapes].index(tensor)
    original = Network.gradient

    def bugged(self, bug=None):
        gradients = [np.array(g, copy=True) for g in original(self, bug)]
        gradients[position].reshape(-1)[index] *= 1.5
        return gradients

    monkeypatch.setattr(Network, "gradient", bugged)
    report = run_to_completion(check_request(TEXTS))
    assert not report.passed and report.inconclusive
    words = verdict_in_words(report)
    assert words.startswith("Inconclusive: at ε = 1e-14 the exact engine's loss changes "
                            "disagree"), words  # fmt: skip
    assert "larger ε" in words and "1 of 83 entries" in words, words


@pytest.mark.parametrize(("bug", "layers"), [("softmax-factor", "6,5,5,3"),
                                             ("transpose", "5,5,5,3")])  # fmt: skip
def test_a_bug_elsewhere_still_fails(bug, layers):
    texts = dict(TEXTS, bug=bug, layers=layers)
    report = run_to_completion(check_request(texts))
    assert report.verdict == "fail" and not report.inconclusive
