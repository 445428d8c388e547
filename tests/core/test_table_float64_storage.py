"""Every measured row is stored as float64: its central difference (exact from the typed
decimals, then rounded) and its ε carry that rounding into the row's ± for every source
dtype, "exact" included, and the reference's value into its bar (a reviewer's tables)."""

import mpmath as mp
import numpy as np

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

# 1000·sin(10w) at w = 2.29, 30-digit losses at the decimal ε
FIXED_1E3 = """\
0.00141,-797.386184914360547006323753766,-780.05356864735379443962520292,-788.798285975417312953764934172
0.00153,-798.109773858205072710542036435,-779.302151903893254362780400744,-788.798285975417312953764934172
0.00161,-798.591528063943209094914848084,-778.800583899747075247488170524,-788.798285975417312953764934172
0.00166,-798.892364919854405663311808863,-778.486850766589955372346605718,-788.798285975417312953764934172
0.00199,-800.872875597877613662286054922,-776.411334652128426646738708428,-788.798285975417312953764934172
0.00203,-801.11234528116262748978888836,-776.159181946541049125380702087,-788.798285975417312953764934172
0.00229,-802.665772174150093568690605733,-774.517164144231975720875641758,-788.798285975417312953764934172
0.00267,-804.926402017829137403962851785,-772.107876928528854293402668038,-788.798285975417312953764934172
"""
TRUTH_1E3 = "-6146.521488144686920956841"


def _run(text: str, backprop: str | None, source: str = "exact"):
    objective, _problems, dtype = table_request(text, backprop, source)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return result, diagnose(result)


def test_exact_rows_count_the_float64_rounding_of_their_difference():
    result, _diagnosis = _run(FIXED_1E3, None)
    central = result.central.estimates
    assert np.all(result.roundoff_floor >= 2.0**-53 * np.abs(central))


def test_exact_rows_never_call_the_truth_wrong_and_the_bar_bounds_it():
    result, diagnosis = _run(FIXED_1E3, TRUTH_1E3)
    assert diagnosis.kind == "correct", diagnosis.case
    richardson = next(r for r in result.references if r.method == "Richardson")
    assert richardson.status == "ok"
    assert abs(mp.mpf(richardson.value) - mp.mpf(TRUTH_1E3)) <= richardson.error


def test_the_reference_bar_counts_the_rounding_of_its_value():
    # 1/(w-2.3+1/30) at 1.7, 30-digit losses: Richardson prints the value to ½ ulp at best
    text = """\
7.17e-10,-1.7647058845858131516141671286,-1.76470588012006920697748888606,-1.76470588235294117647058823529
5.12e-08,-1.76470604179932236492701478121,-1.76470572290658880091055900286,-1.76470588235294117647058823529
1.08e-07,-1.76470621868518520823530142607,-1.76470554602082534661916631724,-1.76470588235294117647058823529
3.19e-07,-1.76470687577910595329665604531,-1.76470488892789488000275403832,-1.76470588235294117647058823529
"""
    result, _diagnosis = _run(text, None)
    richardson = next(r for r in result.references if r.method == "Richardson")
    assert richardson.status == "ok"
    assert richardson.error >= 2.0**-53 * abs(richardson.value)
