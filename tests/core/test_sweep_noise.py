"""The sweep's noise measurement (core/sweep/noise.py): only a model that may be noisy is
evaluated again, and a deterministic one is read exactly as before."""

import numpy as np

from fdgui.core.sweep.engine import run_sweep
from fdgui.core.sweep.noise import loss_noise
from fdgui.core.sweep.objectives import expression_objective


class _Counting:
    """An objective whose model says whether it may be noisy, counting evaluations."""

    def __init__(self, noisy: bool, sigma: float) -> None:
        self.model = type("M", (), {"may_be_noisy": noisy})()
        self.calls = 0
        self.rng = np.random.default_rng(0)
        self.sigma = sigma

    def losses(self, values, dtype):
        values = np.asarray(values, dtype=float)
        self.calls += values.size
        return np.sin(values) + self.sigma * self.rng.standard_normal(values.size)


def test_a_model_that_is_not_noisy_costs_no_evaluation():
    objective = _Counting(noisy=False, sigma=1e-3)
    assert loss_noise(objective, 0.5, float(np.sin(0.5)), 1e-5, "float64") == 0.0
    assert objective.calls == 0


def test_a_noisy_model_s_sigma_is_measured_and_a_quiet_one_is_zero():
    noisy = _Counting(noisy=True, sigma=1e-6)
    first = float(noisy.losses([0.5], "float64")[0])
    sigma = loss_noise(noisy, 0.5, first, 1e-5, "float64")
    assert 0.4e-6 < sigma < 2.5e-6
    quiet = _Counting(noisy=True, sigma=0.0)
    assert loss_noise(quiet, 0.5, float(np.sin(0.5)), 1e-5, "float64") == 0.0
    assert quiet.calls == 8  # the repeats at w and one step away, nothing more


def test_an_expression_sweep_has_no_noise_reading():
    result = run_sweep(expression_objective("tanh(w)", "0.9"))
    assert "noise_sigma" not in result.extras
    assert isinstance(result.references[0].value, float)
