"""The sweep's words come from the report package; the diagnosis holds kinds and numbers."""

from __future__ import annotations

import dataclasses

import pytest

from fdgui.core.report.sweep import (
    _CASE_WORDS,
    diagnosis_text,
    diagnosis_title,
    recommendation_text,
)
from fdgui.core.sweep.diagnosis import CASES, KINDS, REASONS, RECOMMENDATIONS, Diagnosis

BASE = {
    "dtype": "float16",
    "unit_roundoff": 0.000488,
    "rule": {"central": 0.0787, "forward": 0.0221},
    "spacing": 0.000977,
    "method": "analytic",
    "checked": 0.25,
}


def _diagnosis(kind, case, recommended_by="rule", limited_by=None, reasons=(), **facts):
    return Diagnosis(
        kind,
        case,
        {"central": 0.01, "forward": 0.001},
        recommended_by,
        limited_by,
        tuple(reasons),
        {**BASE, **facts},
        consensus=0.2500001,
        kink_epsilon=0.003,
    )


def test_the_diagnosis_carries_no_sentences():
    names = {field.name for field in dataclasses.fields(Diagnosis)}
    assert not names & {"title", "text", "recommended_reason"}


def test_every_case_has_words_and_a_kind():
    assert set(_CASE_WORDS) == set(CASES)
    for kinds in CASES.values():
        assert set(kinds.split("/")) <= set(KINDS)


def test_consistent_in_a_narrow_dtype_suggests_a_wider_one_and_never_says_wrong():
    diagnosis = _diagnosis(
        "correct", "consistent", "measured", "round-off", band="wrong", possible=0.02,
        best_relative_error=0.013, best_epsilon=0.05,
    )  # fmt: skip
    assert diagnosis_title(diagnosis) == "Gradient consistent (to what float16 resolves)"
    text = diagnosis_text(diagnosis)
    assert "The finite differences in float16 get no closer than a relative " in text
    assert "0.02 at the best ε" in text
    assert "Wrong" not in text
    assert text.endswith(" Sweep in a wider dtype to see more digits.")


def test_a_narrow_range_says_sweep_further_unless_smaller_eps_vanish():
    diagnosis = _diagnosis(
        "correct", "range-too-narrow", "measured", "range", band="kinks", possible=None,
        best_relative_error=2e-6, best_epsilon=1e-3, edge="low",
    )  # fmt: skip
    assert diagnosis_title(diagnosis) == "Gradient correct (range too narrow)"
    assert diagnosis_text(diagnosis).endswith(
        "The best ε is the smallest of the range and truncation still dominates there: the "
        "bottom of the V lies outside it. Sweep smaller ε."
    )
    vanishing = _diagnosis(
        "correct", "range-too-narrow", "measured", "range", band="kinks", possible=None,
        best_relative_error=2e-6, best_epsilon=1e-3, edge="low", vanished_below=1e-4,
    )  # fmt: skip
    assert "Sweep smaller ε" not in diagnosis_text(vanishing)
    assert "as close as float16 gets" in diagnosis_text(vanishing)


def test_wrong_below_a_kink_says_where_it_was_judged():
    diagnosis = _diagnosis(
        "wrong", "wrong", "wrong", factor=2.0, best_relative_error=0.5, below_kink=0.003,
        dtype="float64",
    )  # fmt: skip
    text = diagnosis_text(diagnosis)
    assert text.startswith(
        "The analytic gradient 0.25 (about 2 times what the finite differences settle on) is wrong:"
    )
    assert text.endswith("(Judged below a kink that ε crosses at about 3e-3.)")
    assert recommendation_text(diagnosis).startswith("ε is not the problem; the rule of thumb")


def test_vanished_below_is_said_after_the_case():
    diagnosis = _diagnosis("estimate", "estimate", reasons=["vanished-below"],
                           vanished_below=1.5e-8, estimate=0.25, estimate_error=1e-9)  # fmt: skip
    assert diagnosis_text(diagnosis).endswith(
        "Below about ε = 1.5e-8 the perturbation "
        "vanishes in float16 (w ± ε == w), so those estimates are 0."
    )
    assert "0.25 ± 1e-9" in diagnosis_text(diagnosis)


@pytest.mark.parametrize("by", RECOMMENDATIONS)
def test_every_recommendation_rule_has_words(by):
    text = recommendation_text(_diagnosis("kink", "kink-crossed", by, fallback="forward"))
    assert text and "{" not in text


def test_reason_codes_are_declared():
    assert len(set(REASONS)) == len(REASONS)
