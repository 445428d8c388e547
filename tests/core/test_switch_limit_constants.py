"""A C¹ switch exactly at w in float32/float16/bfloat16 with a typed constant the dtype
cannot hold (0.1 → 0.100000001490116 in float32): the derivative worked out from the
constants as typed is as correct there as beside the switch (review13v C4: "Gradient
wrong" for 45 of 45 such formulas), while a bug the dtype resolves stays wrong."""

from __future__ import annotations

import pytest

from fdgui.core.models.expression_model import expression_model
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import EntryObjective

# (expression, its derivative, the switch): C¹ at the switch, a constant a in both
KERNELS = [
    ("{a}*w + w*abs(w)", "{a} + 2*abs(w)", "0"),
    ("sin({a}*w) + relu(w)**2", "{a}*cos({a}*w) + 2*relu(w)", "0"),
    ("exp({a}*w) + abs(w-0.5)*(w-0.5)", "{a}*exp({a}*w) + 2*abs(w-0.5)", "0.5"),
    ("{a}*w**2 + relu(w-1)**2", "2*{a}*w + 2*relu(w-1)", "1"),
    ("tanh({a}*w) - minimum(w, 0)**2", "{a}*(1-tanh({a}*w)**2) - 2*minimum(w, 0)", "0"),
]


def _kind(text: str, w: str, grad: str, dtype: str) -> str:
    objective = EntryObjective(expression_model(text, w, grad), 0)
    return diagnose(run_sweep(objective, SweepSettings(dtype=dtype, points=60))).kind


@pytest.mark.parametrize(
    ("kernel", "a", "dtype"),
    [
        (0, "0.1", "float16"),
        (1, "0.1", "float32"),
        (2, "0.3", "bfloat16"),
        (3, "3.7", "float32"),
        (4, "0.3", "float16"),
    ],
)
def test_the_derivative_from_the_typed_constants_is_correct_at_the_switch(kernel, a, dtype):
    text, grad, w = KERNELS[kernel]
    assert _kind(text.format(a=a), w, grad.format(a=a), dtype) != "wrong"


@pytest.mark.parametrize(
    ("text", "w", "grad", "dtype"),
    [
        ("sin(0.1*w) + relu(w)**2", "0", "0.1*cos(0.1*w) + 2*relu(w)", "float32"),
        ("0.1*w + w*abs(w)", "0", "0.1 + 2*abs(w)", "float16"),
        ("0.3*w + abs(w-0.5)*(w-0.5)", "0.5", "0.3000000000", "bfloat16"),
        ("1e12*minimum(w, w)", "1.7788742491509395", "1000000000000.0", "bfloat16"),
    ],
)
def test_the_review_cases_are_not_wrong(text, w, grad, dtype):
    assert _kind(text, w, grad, dtype) != "wrong"


@pytest.mark.parametrize(
    ("text", "w", "grad", "dtype"),
    [
        # 1 %, 10 % and a sign flip of the typed-constants derivative, each far beyond the
        # gap between the constants as typed and as the dtype holds them
        ("sin(0.1*w) + relu(w)**2", "0", "1.01*(0.1*cos(0.1*w) + 2*relu(w))", "float32"),
        ("0.1*w + w*abs(w)", "0", "1.1*(0.1 + 2*abs(w))", "float16"),
        ("0.1*w + w*abs(w)", "0", "-(0.1 + 2*abs(w))", "float16"),
        ("3.7*w**2 + relu(w-1)**2", "1", "1.01*(2*3.7*w + 2*relu(w-1))", "float32"),
        ("1e12*minimum(w, w)", "1.7788742491509395", "1.1e12", "bfloat16"),
    ],
)
def test_a_bug_the_dtype_resolves_stays_wrong_at_the_switch(text, w, grad, dtype):
    assert _kind(text, w, grad, dtype) == "wrong"


@pytest.mark.parametrize(
    ("text", "w", "grad", "dtype", "wrong"),
    [
        # the switch's own constant rounded: at the dtype's w the dtype's reading sits on
        # the C¹ switch, the constants as typed beside it — on the branch that leads on
        # from the same derivative
        (
            "(w-0.7)*abs(w-0.7) + sin(0.3*w)",
            "0.7",
            "2*abs(w-0.7) + 0.3*cos(0.3*w)",
            "float16",
            False,
        ),
        ("relu(w-0.1)**2 + 0.5*w", "0.1", "2*relu(w-0.1) + 0.5", "float32", False),
        (
            "-minimum(w-1.3, 0)**2 + exp(0.3*w)",
            "1.3",
            "-2*minimum(w-1.3, 0) + 0.3*exp(0.3*w)",
            "bfloat16",
            False,
        ),
        (
            "(w-0.7)*abs(w-0.7) + sin(0.3*w)",
            "0.7",
            "1.1*(2*abs(w-0.7) + 0.3*cos(0.3*w))",
            "float16",
            True,
        ),
        ("relu(w-0.1)**2 + 0.5*w", "0.1", "-(2*relu(w-0.1) + 0.5)", "float32", True),
    ],
)
def test_a_switch_at_the_dtype_w_only_allows_the_typed_constants_too(text, w, grad, dtype, wrong):
    assert (_kind(text, w, grad, dtype) == "wrong") is wrong
