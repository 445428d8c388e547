"""The ε explorer never judges at the ε a coarser inner part does not move (review15x X1, H1).

A float64 loss with a bfloat16 / float16 part (or a round(100·h) quantiser) beside a float64
path: below the part's first step only the float64 path moves, and the inner-format rule
(``inner_format``, DIAGNOSIS step 3b) says those ε measure nothing. Yet where the Richardson
reference was dropped as unreliable, the finite differences alone still took their best ε
from inside that stretch, so a backward that omits the part's derivative — exactly the slope
the stretch shows — was "Gradient correct" (rc 0), and a 10 % bug was "consistent" with an
allowed error of 1.7 relative. The ε of the stretch are no candidates; an allowance wider
than a quarter of the gradient confirms nothing.
"""

from __future__ import annotations

import pytest

from fdgui.core.report.sweep import diagnosis_text
from fdgui.core.requests import sweep_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.objectives import EntryObjective
from fdgui.core.sweep.reading import judges_nothing
from fdgui.probe.model import open_probe
from tests.probe.probe_checks import COARSE_PART_ENTRY, coarse_part_net, write_probe

ENTRY = COARSE_PART_ENTRY  # W1[1, 2]


def _diagnose(tmp_path, part, seed, bug=0.0, omit=0, p64="lin"):
    source = coarse_part_net(part, seed, bug=bug, omit=omit, p64=p64)
    path = write_probe(tmp_path, source, name=f"blind_{part}_{seed}_{bug}_{omit}_{p64}.py")
    model = open_probe(str(path))
    try:
        objective = EntryObjective(model, ENTRY)
        # the CLI's and the window's grid: the smallest ε follows the dtype at this w
        result = run_sweep(objective, sweep_request({}, point=objective.point))
    finally:
        model.close()
    return diagnose(result)


# the backward drops the coarse part's derivative (−61 %, −36 %, −61 % off the truth; the
# central differences at ε = 1e-2 resolve that twentyfold): was "Gradient correct", rc 0
@pytest.mark.parametrize(("part", "seed"), [("bf16", 0), ("f16", 3), ("q100", 0)])
def test_a_backward_without_the_coarse_parts_derivative_is_never_correct(tmp_path, part, seed):
    diagnosis = _diagnose(tmp_path, part, seed, omit=1)
    text = diagnosis_text(diagnosis)
    assert diagnosis.kind == "wrong" or judges_nothing(diagnosis), text
    assert diagnosis.facts.get("best_epsilon", 1.0) > diagnosis.facts.get("inner_flat_below", 0)


def test_a_ten_percent_bug_beside_a_bfloat16_part_is_not_consistent(tmp_path):
    diagnosis = _diagnose(tmp_path, "bf16", 0, bug=0.1)
    text = diagnosis_text(diagnosis)
    assert diagnosis.kind == "wrong" or judges_nothing(diagnosis), text
    assert (diagnosis.facts.get("possible") or 0.0) <= 0.25 or diagnosis.kind != "correct"


@pytest.mark.parametrize(("part", "seed", "p64"), [("bf16", 0, "lin"), ("f16", 3, "softplus")])
def test_an_honest_gradient_beside_a_coarse_part_is_not_wrong(tmp_path, part, seed, p64):
    diagnosis = _diagnose(tmp_path, part, seed, p64=p64)
    assert diagnosis.kind not in ("wrong", "kink"), diagnosis_text(diagnosis)
