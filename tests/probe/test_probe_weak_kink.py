"""A kink the refined step "explains" with a window wider than the miss explains nothing.

The first look excuses a disagreement on a model that may have kinks when the central
difference at ε/16 agrees with the gradient within that step's window — sixteen times the
first one's round-off. On a smooth torch net at 1e-4 scale, 3.2e-9 added to a gradient of
3.1e-7 (a window of 2e-9 at ε) passed that way as "Kink (explained)" (review9i C3,
T_all4_add0w), though the check's own estimate resolves it thirteen times. Such kinks are
put through the estimate's "wrong" test (``estimate_verdict.decide_weak_kinks``).
"""

from __future__ import annotations

import textwrap

import pytest

from tests.probe.test_probe_resolved_undecided import BUGGED, TORCH, estimate, failing, run

pytest.importorskip("torch", reason="the small-init network is a torch model")


@pytest.mark.parametrize(
    ("tensor", "index", "seed"), [("0.weight", 21, 1), ("0.weight", 70, 2), ("2.weight", 9, 3)]
)
def test_a_small_addition_a_kink_would_excuse_fails(tmp_path, tensor, index, seed):
    source = textwrap.dedent(TORCH).format(seed=seed)
    change = f"+= 1e-3 * abs(g[{tensor!r}]).max()"
    value, bar = estimate(tmp_path, source, tensor, index)
    path = tmp_path / "probe.py"
    path.write_text(source + textwrap.dedent(BUGGED).format(tensor=tensor, index=index,
                                                            change=change))  # fmt: skip
    result = run(path)
    entry = {(e.tensor, e.index): e for e in result.worst}.get((tensor, index))
    if entry is not None:  # the addition is resolvable by the check's own estimate
        assert abs(entry.analytic - value) > 4 * bar
    added = {(e.tensor, e.index): abs(e.analytic - e.numeric) for e in result.worst}
    assert result.verdict == "fail" and not result.inconclusive, [
        (e.tensor, e.index, e.note) for e in result.worst[:3]
    ]
    assert (tensor, index) in failing(result), added
