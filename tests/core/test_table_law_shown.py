"""Measured rows whose smallest ε are all beyond the loss's scale pass the pairs' h² test only
by chance or because every c ≈ 0 overlaps everything: the law must be shown (a resolved c
and a correction at most a quarter of the value; or estimates agreeing, non-zero, over ε a
factor 4 apart), else the reference is unconverged and the truth is never called wrong.
The tables are a reviewer's (truths from 50-digit mpmath)."""

import math

import pytest

from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep

# name: (rows "ε,L+,L-,L", source dtype, the true derivative)
TABLES = {
    # sin(100/w) at 1.5707, float16 losses with 6 digits
    "sinkw": (
        "6.81,-0.592285,-0.234741,0.740723\n9.91,0.655273,0.543945,0.740723\n"
        "12.3,0.799316,-0.104309,0.740723\n",
        "float16",
        -27.234325068405807,
    ),
    # sqrt(w²+1) at 0.5, two digits
    "sq": (
        "5.81,6.4,5.4,1.1\n9.27,9.8,8.8,1.1\n86.2,87.0,86.0,1.1\n125.0,1.3e+2,1.2e+2,1.1\n"
        "2380.0,2.4e+3,2.4e+3,1.1\n11900.0,1.2e+4,1.2e+4,1.1\n",
        "float32",
        0.4472135954999579,
    ),
    # 1/(w-2.3+1/3) at 2.29, two digits
    "pole3": (
        "68.0,0.015,-0.015,3.1\n46.7,0.021,-0.022,3.1\n4.71,0.2,-0.23,3.1\n5.58,0.17,-0.19,3.1\n",
        "float64",
        -9.5653098097647,
    ),
    # tan at 0.5, float64 losses in full
    "tan3": (
        "20.9,-0.67122041350098358,-49.127836318515257,0.54630248984379051\n"
        "12.0,-0.066468241863274196,1.8113874503268249,0.54630248984379051\n"
        "8.51,-0.44032360707703788,6.3574111008940119,0.54630248984379051\n",
        "float64",
        1.2984464104095248,
    ),
    # sin at 1.5707, three digits: every central difference is 0
    "sinpi2": (
        "2.65,-0.882,-0.882,1.0\n191.0,-0.804,-0.804,1.0\n0.993,0.546,0.546,1.0\n"
        "1710.0,0.562,0.562,1.0\n",
        "float64",
        9.632679474765e-5,
    ),
    # sqrt(w²+0.01) at 0.13, exact 6-digit losses, ε 0.078…9.71 (scale ≈ 0.16)
    "sq_exact6": (
        "0.078,0.23079,0.112712,0.164012\n0.105,0.255392,0.103078,0.164012\n"
        "0.12,0.269258,0.100499,0.164012\n0.125,0.273907,0.100125,0.164012\n"
        "0.128,0.276702,0.10002,0.164012\n0.148,0.295439,0.101607,0.164012\n"
        "0.185,0.330492,0.114127,0.164012\n0.238,0.381345,0.147187,0.164012\n"
        "0.395,0.534439,0.28324,0.164012\n0.408,0.547215,0.295439,0.164012\n"
        "0.413,0.552131,0.300148,0.164012\n0.541,0.678411,0.422991,0.164012\n"
        "0.571,0.708097,0.452196,0.164012\n0.704,0.839974,0.582646,0.164012\n"
        "1.03,1.1643,0.905539,0.164012\n1.1,1.23406,0.975141,0.164012\n"
        "2.69,2.82177,2.56195,0.164012\n2.77,2.90172,2.64189,0.164012\n"
        "4.95,5.08098,4.82104,0.164012\n9.71,9.84051,9.58052,0.164012\n",
        "exact",
        0.7926239891046001,
    ),
}


def _run(text: str, backprop: float, source: str):
    objective, _problems, dtype = table_request(text, repr(backprop), source)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return result, diagnose(result)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_rows_beyond_the_loss_s_scale_never_call_the_truth_wrong(name):
    text, source, truth = TABLES[name]
    result, diagnosis = _run(text, truth, source)
    assert diagnosis.kind != "wrong", (name, diagnosis.case)
    for reference in result.references:
        if reference.method == "Richardson" and reference.status == "ok":
            # a trusted bar bounds the truth
            assert abs(reference.value - truth) <= reference.error, name
            assert math.isfinite(reference.error)


@pytest.mark.parametrize("name", ["sinkw", "tan3", "sinpi2"])
def test_a_law_not_shown_gives_no_trusted_reference(name):
    text, source, truth = TABLES[name]
    result, diagnosis = _run(text, truth, source)
    richardson = next(r for r in result.references if r.method == "Richardson")
    assert richardson.status == "unconverged"
    assert (diagnosis.kind, diagnosis.case) == ("estimate", "unresolved")
