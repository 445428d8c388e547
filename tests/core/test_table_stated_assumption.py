"""A no-L verdict says what it assumes: one kink, and the loss otherwise smooth on the scale of
the smallest ε (its branches straight over it). review10g F1c: a kink whose branch levels off
within the smallest ε — no row can bound its jump, so the verdict rests on that assumption,
and the words and the JSON must name it."""

from __future__ import annotations

import mpmath as mp

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

mp.mp.dps = 50

F1C = """\
0.004049,-0.0093967504799365997,-0.0093967132270336151
0.02462,-0.0093968417495489120,-0.0093966219574213028
1.648,-0.0094040380790829659,-0.0093894312158226967
161.5,-0.010140311904251575,-0.0087076770141720772
250.3,-0.010573947802186012,-0.0083505772054195404
531.3,-0.012072151526808739,-0.0073142359033226967
4556.0,-0.080542452633380890,-0.0010962982196360826
"""


def _judge(text: str, gradient, source: str):
    objective, _problems, dtype = table_request(text, mp.nstr(gradient, 17), source)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return result, diagnose(result)


def test_a_branch_that_levels_off_within_the_smallest_step_is_the_stated_assumption():
    # one kink 1.4e-7·ε_min from w whose branch (relu → tanh, scale 0.5·ε_min) levels off
    # below the smallest ε: every row sees a step, nothing bounds the jump (truth
    # −5.1715e-6, the rows' reference −4.43e-6)
    from fdgui.core.report.sweep import diagnosis_text
    from fdgui.core.report.sweep_export import sweep_json

    result, diagnosis = _judge(F1C, mp.mpf("-5.1715351661570846e-6"), "float32")
    assert diagnosis.kind in ("wrong", "estimate")
    if diagnosis.kind == "wrong":
        words = diagnosis_text(diagnosis)
        assert "smooth on the scale of the smallest ε" in words
        assert "a branch that bends or levels off within it" in words
        assumes = sweep_json(result, diagnosis)["diagnosis"]["assumes"]
        assert "smooth on the scale of the smallest epsilon" in assumes
