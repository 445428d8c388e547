"""precision.spacing_at and largest_finite against ml_dtypes / numpy facts."""

import ml_dtypes
import numpy as np
import pytest

from fdgui.core.numbers import precision


def test_bfloat16_spacing_at_zero_is_the_smallest_subnormal():
    # np.finfo refuses bfloat16; this used to raise ValueError
    smallest = float(ml_dtypes.finfo(ml_dtypes.bfloat16).smallest_subnormal)
    assert precision.spacing_at(0.0, "bfloat16") == smallest == 2.0**-133


@pytest.mark.parametrize("name", ["float64", "float32", "float16"])
def test_spacing_at_zero_for_numpy_formats(name):
    assert precision.spacing_at(0.0, name) == float(np.finfo(name).smallest_subnormal)


def test_bfloat16_spacing_at_one_is_two_to_the_minus_seven():
    assert precision.spacing_at(1.0, "bfloat16") == 2.0**-7
    one = np.asarray(1.0).astype(ml_dtypes.bfloat16)
    assert float(one + np.asarray(2.0**-7).astype(ml_dtypes.bfloat16)) == 1.0 + 2.0**-7


@pytest.mark.parametrize(
    ("name", "largest"),
    [("float16", 65504.0), ("float32", 3.4028234663852886e38), ("bfloat16", 3.3895313892515355e38)],
)
def test_largest_finite(name, largest):
    assert precision.largest_finite(name) == largest


def test_bfloat16_spacing_matches_the_next_representable_number():
    bf16 = np.dtype(ml_dtypes.bfloat16)
    for w in (1.0, 3.0, 1e-3, 2.0**-126, 2.0**-130, 2.0**-133, 6.0e4):
        x = np.asarray(w, dtype=np.float64).astype(bf16)
        bits = x.view(np.uint16)
        next_up = (bits + np.uint16(1)).view(bf16)
        assert precision.spacing_at(w, "bfloat16") == float(next_up) - float(x), w


@pytest.mark.parametrize("name", ["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize("w", [0.7, 1.0, 3.0, 1e-3, -250.0])
def test_default_epsilon_min_is_one_decade_below_where_the_step_vanishes(name, w):
    import math

    from fdgui.core.numbers.precision import default_epsilon_min, perturbation_vanishes

    low = default_epsilon_min(name, w)
    assert math.log10(low) == round(math.log10(low))  # a power of ten
    assert perturbation_vanishes(w, low, name)  # the grid starts inside the vanished region
    if low < 1e-3:  # (a range is never narrower than three decades below its top, 1)
        assert not perturbation_vanishes(w, 10 * low, name)  # …by at most a decade


def test_default_epsilon_min_of_float64_near_one_is_the_old_default():
    from fdgui.core.numbers.precision import default_epsilon_min

    assert default_epsilon_min("float64", None) == 1e-17  # the gap just below 1 is 1.1e-16
    assert default_epsilon_min("bfloat16", 0.7) == 1e-3
    assert default_epsilon_min("float64", 1e10, epsilon_max=1.0) == 1e-7  # gap 1.9e-6 there
