"""The ε sweep against independent references (analytic derivatives, mpmath)."""

import math
from decimal import Decimal

import mpmath
import numpy as np
import pytest

from fdgui.core.numbers.parsing import InputError
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.core.sweep.engine import (
    SweepSettings,
    perturbed_points,
    run_sweep,
    sweep_steps,
)
from fdgui.core.sweep.objectives import expression_objective, measured_objective
from fdgui.core.sweep.readout import evaluate_at

E = math.e


def _exp_sweep(dtype: str):
    return run_sweep(expression_objective("exp(w)", "1"), SweepSettings(dtype=dtype))


def test_default_grid_is_400_points_from_1e16_to_1():
    grid = SweepSettings().grid()
    assert grid.size == 400
    assert grid[0] == pytest.approx(1e-16) and grid[-1] == pytest.approx(1.0)


def test_float64_central_best_epsilon_near_cube_root_of_u():
    result = _exp_sweep("float64")
    u = unit_roundoff("float64")
    best = result.central.best_epsilon
    assert u ** (1 / 3) / 10 <= best <= u ** (1 / 3) * 10
    assert abs(result.central.best_estimate - E) / E < 1e-9
    assert result.central.best_relative_error < 1e-9


def test_float64_forward_best_epsilon_near_square_root_of_u():
    result = _exp_sweep("float64")
    u = unit_roundoff("float64")
    assert u ** (1 / 2) / 10 <= result.forward.best_epsilon <= u ** (1 / 2) * 10


def test_float32_best_central_epsilon_is_large_and_1e7_is_round_off():
    result = _exp_sweep("float32")
    assert result.central.best_epsilon > 1e-4
    index = result.index_of(1e-7)
    assert result.regime(index) in ("vanished", "round-off")
    # the estimate at 1e-7 really is poor in float32, measured against e itself
    assert abs(result.central.estimates[index] - E) / E > 1e-3


def test_errors_are_measured_against_the_exact_derivative():
    result = run_sweep(expression_objective("sin(w)*exp(-w**2)", "0.7"), SweepSettings())
    mpmath.mp.dps = 30
    exact = float(mpmath.diff(lambda w: mpmath.sin(w) * mpmath.exp(-(w**2)), mpmath.mpf("0.7")))
    assert result.reference.value == pytest.approx(exact, rel=1e-15)
    np.testing.assert_allclose(
        result.central.errors, np.abs(result.central.estimates - exact), rtol=1e-12, atol=1e-15
    )


def test_perturbation_formed_in_the_dtype_really_vanishes():
    plus, minus = perturbed_points(1.0, np.array([1e-9, 1e-3]), "float32")
    assert plus[0] == 1.0 and minus[0] == 1.0
    assert plus[1] != 1.0
    result = _exp_sweep("float16")
    vanished = result.vanished
    assert vanished.any() and not vanished.all()
    # where it vanishes, L+ and L− are L itself and the estimates are exactly 0
    assert np.all(result.loss_plus[vanished] == result.loss)
    assert np.all(result.central.estimates[vanished] == 0.0)
    # vanishing is the small-ε end only
    assert result.epsilons[vanished].max() < result.epsilons[~vanished].min()


def test_low_precision_losses_are_rounded_to_the_dtype():
    import ml_dtypes

    result = _exp_sweep("bfloat16")
    as_bf16 = result.loss_plus.astype(ml_dtypes.bfloat16).astype(np.float64)
    np.testing.assert_array_equal(result.loss_plus, as_bf16)


def test_non_finite_values_become_gaps_not_errors():
    result = run_sweep(expression_objective("log(w)", "0.5"), SweepSettings())
    central = result.central.estimates
    assert np.isnan(central[result.epsilons > 0.5]).all()
    assert np.isfinite(central[(result.epsilons < 0.1) & ~result.vanished]).all()


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (SweepSettings(epsilon_min=1e-3, epsilon_max=1e-6), "max"),
        (SweepSettings(epsilon_min=1e-3, epsilon_max=1e-3), "max"),
        (SweepSettings(epsilon_min=-1.0), "min"),
        (SweepSettings(points=2), "points"),
        (SweepSettings(dtype="float8"), "dtype"),
    ],
)
def test_bad_settings_name_their_field(settings, field):
    with pytest.raises(InputError) as caught:
        settings.validate()
    assert caught.value.field == field


def test_sweep_generator_reports_progress_and_can_stop_early():
    generator = sweep_steps(expression_objective("exp(w)", "1"), SweepSettings(), chunk=100)
    fractions = [next(generator)[0] for _ in range(3)]
    assert fractions == sorted(fractions)
    assert len(set(fractions)) == 3 and 0 < fractions[-1] < 1  # it really advances
    generator.close()  # what Cancel does: no result, no error


def test_readout_at_any_epsilon_matches_the_dtype_arithmetic():
    objective = expression_objective("exp(w)", "1")
    result = run_sweep(objective, SweepSettings(dtype="float32"))
    readout = evaluate_at(objective, result, 1e-3)
    one = np.float32(1.0)
    plus = np.exp(one + np.float32(1e-3))
    minus = np.exp(one - np.float32(1e-3))
    assert readout.loss_plus == float(plus) and readout.loss_minus == float(minus)
    assert readout.estimates["central"] == (float(plus) - float(minus)) / 2e-3
    texts = readout.calculator_texts()
    assert float(texts["loss_plus"]) == float(plus)
    assert texts["epsilon"] == "0.001"  # readable: the exact binary expansion is not needed here


def test_measured_rows_use_exact_decimal_estimates():
    from decimal import Decimal as D

    class Row:
        def __init__(self, epsilon, loss, plus, minus):
            self.epsilon, self.loss, self.loss_plus, self.loss_minus = (
                D(epsilon),
                loss,
                D(plus),
                D(minus),
            )

    rows = [
        Row("0.0001", D("0.85"), "0.85005", "0.84995"),
        Row("0.001", D("0.85"), "0.8505001", "0.8495001"),
        Row("0.01", D("0.85"), "0.855010", "0.845010"),
    ]
    result = run_sweep(measured_objective(rows), SweepSettings())
    assert list(result.epsilons) == [1e-4, 1e-3, 1e-2]
    assert result.central.estimates[0] == 0.5  # exactly, as the seed's example
    assert result.references and result.references[0].method == "Richardson"


def test_send_to_calculator_texts_reproduce_the_explorer_estimate_exactly():
    from decimal import localcontext

    from fdgui.core.sweep.objectives import expression_objective
    from fdgui.core.sweep.readout import evaluate_at

    objective = expression_objective("exp(w)", "1")
    result = run_sweep(objective, SweepSettings(dtype="float32"))
    readout = evaluate_at(objective, result, 3e-4)
    texts = readout.calculator_texts()
    for key, value in (("loss_plus", readout.loss_plus), ("epsilon", readout.epsilon)):
        assert float(texts[key]) == value  # names the same float
        assert len(Decimal(texts[key]).as_tuple().digits) < len(Decimal(value).as_tuple().digits)
    with localcontext() as context:
        context.prec = 60
        central = (Decimal(texts["loss_plus"]) - Decimal(texts["loss_minus"])) / (
            2 * Decimal(texts["epsilon"])
        )
    assert float(central) == readout.estimates["central"]  # the very same float


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize("epsilon", [1e-9, 3.7e-6, 2.2e-4, 0.03])
def test_readable_texts_reproduce_every_scheme_with_fewer_digits(dtype, epsilon):
    from decimal import localcontext

    from fdgui.core.sweep.objectives import expression_objective
    from fdgui.core.sweep.readout import evaluate_at

    objective = expression_objective("sin(w)*exp(-w**2)", "0.7")
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    readout = evaluate_at(objective, result, epsilon)
    texts = readout.calculator_texts()
    loss, plus, minus, eps = (Decimal(texts[k]) for k in ("loss", "loss_plus", "loss_minus",
                                                            "epsilon"))  # fmt: skip
    with localcontext() as context:
        context.prec = 60
        computed = {
            "central": (plus - minus) / (2 * eps),
            "forward": (plus - loss) / eps,
            "backward": (loss - minus) / eps,
        }
    for scheme, value in computed.items():
        assert float(value) == readout.estimates[scheme], scheme
    for key in ("loss", "loss_plus", "loss_minus", "epsilon"):
        assert float(texts[key]) == getattr(readout, key)
        assert len(texts[key]) <= 30  # a person can read it (the exact expansions run to 50+)


def test_exact_decimal_text_of_tiny_numbers_fits_the_calculator():
    from fdgui.core.sweep.readout import exact_decimal_text

    text = exact_decimal_text(1e-300)
    assert len(text) <= 200
    assert float(Decimal(text)) == 1e-300


def test_point_beyond_the_dtype_is_refused_beside_the_point_field():
    from fdgui.core.numbers.parsing import InputError
    from fdgui.core.sweep.objectives import expression_objective

    with pytest.raises(InputError) as caught:
        run_sweep(expression_objective("exp(w)", "1e10"), SweepSettings(dtype="float16"))
    assert caught.value.field == "point"
    assert "65504" in caught.value.message


def test_send_to_calculator_works_where_28_digits_cannot_reproduce_the_estimates():
    """Found by the long monkey test (event 17,823): where no count of digits below 29 makes
    the calculator reproduce the explorer's floats, rounding to more digits raised
    decimal.InvalidOperation in the default context (a traceback on Send to calculator)."""
    from fdgui.core.sweep.readout import PointReadout

    epsilon, loss = 2.086645453098869e-12, -55661.666745393
    plus, minus = -55661.66674539299, -55661.666745393006
    estimates = {
        "central": (plus - minus) / (2 * epsilon),
        "forward": (plus - loss) / epsilon,
        "backward": (loss - minus) / epsilon,
    }
    readout = PointReadout(epsilon, loss, plus, minus, estimates, {}, False, "")
    texts = readout.calculator_texts()
    for field, value in (("epsilon", epsilon), ("loss", loss), ("loss_plus", plus)):
        assert float(texts[field]) == value  # each text still names the explorer's float
