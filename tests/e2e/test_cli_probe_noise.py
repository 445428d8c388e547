"""`sweep --probe` on a loss that differs from call to call (dropout left on, random kernels):
the sweep measures the noise σ, says so, widens every difference's bar by it and never
reads the scatter as a kink (review9k CRITICAL-1, HIGH-3); a probe's gradient carries the
rounding of its own numbers, not an assumed 1e-6 (review9k HIGH-1).

The noise is seeded in each probe file, so every run sees the same draws."""

import json

import pytest

from tests.e2e.probe_cli import shown, sweep_probe

TRUTH = 0.486917361148341  # 1 − tanh(0.9)², 15 digits (mpmath)


def _noisy(sigma: float, claimed: float | None, seed: int) -> str:
    """tanh(x) + σ·N(0, 1) per call (+ smooth terms in the other entries) at x = 0.9."""
    grad = (
        ""
        if claimed is None
        else f"""
    def grad(t):
        return np.array([{claimed!r}, np.cos(t[1]), -0.5 * np.sin(t[2])])
    """
    )
    return (
        f"""
    import numpy as np
    _rng = np.random.default_rng({seed})
    theta0 = np.array([0.9, 0.3, -0.7])
    def loss(t):
        noise = {sigma!r} * _rng.standard_normal()
        return float(np.tanh(t[0]) + noise + np.sin(t[1]) + 0.5 * np.cos(t[2]))
    """
        + grad
    )


def _run(tmp_path, body: str):
    out = sweep_probe(tmp_path / "probe.py", body, 0, "--json")
    assert out.returncode in (0, 1, 2), shown(out)
    return out, json.loads(out.stdout)


@pytest.mark.parametrize(("sigma", "seed"), [(1e-9, 1), (1e-9, 2), (1e-7, 3), (1e-6, 4)])
def test_a_sign_flip_on_a_noisy_loss_is_wrong_and_the_noise_is_named(tmp_path, sigma, seed):
    # the scatter σ/ε read as a jump between the one-sided differences made a smooth tanh
    # "Kink inside the ε range" that excused −g (exit 0 in 10 of 16 runs); the noise was
    # never mentioned
    out, data = _run(tmp_path, _noisy(sigma, -TRUTH, seed))
    diagnosis = data["diagnosis"]
    assert out.returncode == 1, shown(out)
    assert diagnosis["kind"] == "wrong", shown(out)
    assert 0.3 * sigma < diagnosis["noise_sigma"] < 3.0 * sigma, shown(out)
    assert "noisy" in diagnosis["text"], shown(out)


def test_twice_the_gradient_on_a_noisy_loss_is_wrong(tmp_path):
    out, _data = _run(tmp_path, _noisy(1e-8, 2.0 * TRUTH, 5))
    assert out.returncode == 1, shown(out)


@pytest.mark.parametrize(("sigma", "seed"), [(1e-9, 6), (1e-6, 7)])
def test_the_true_gradient_on_a_noisy_loss_is_correct_and_no_kink(tmp_path, sigma, seed):
    out, data = _run(tmp_path, _noisy(sigma, TRUTH, seed))
    diagnosis = data["diagnosis"]
    assert out.returncode == 0, shown(out)
    assert diagnosis["kind"] == "correct", shown(out)
    assert "kink" not in diagnosis["title"].lower(), shown(out)
    assert "noise" in diagnosis["title"] + diagnosis["text"], shown(out)


def test_the_estimate_of_a_noisy_loss_bounds_the_derivative(tmp_path):
    out, data = _run(tmp_path, _noisy(1e-8, None, 8))
    diagnosis = data["diagnosis"]
    assert diagnosis["kind"] == "estimate", shown(out)
    assert "kink" not in diagnosis["title"].lower(), shown(out)
    best = min(
        (r for r in data["references"] if r["status"] == "ok" and r["error"] is not None),
        key=lambda r: r["error"],
    )
    assert abs(best["value"] - TRUTH) <= best["error"], shown(out)


def test_noise_that_hides_the_derivative_is_too_coarse_with_an_epsilon_that_can_be_formed(
    tmp_path,
):
    # a dropout-sized noise (1 % of |L|) against a slope of 0.49: nothing resolves it; it
    # was "Kink inside the ε range" with a recommended ε of 1e-17, below the ε where
    # w ± ε == w
    out, data = _run(tmp_path, _noisy(0.012, TRUTH, 9))
    diagnosis = data["diagnosis"]
    assert out.returncode == 2, shown(out)
    assert "noise" in diagnosis["title"], shown(out)
    assert data["recommended_epsilon"]["central"] > 1e-3, shown(out)
    assert data["recommended_epsilon"]["forward"] > 1e-3, shown(out)


def test_a_sign_flip_under_noise_that_hides_every_epsilon_is_not_consistent(tmp_path):
    # σ = 0.4·|L|: a correct difference may be off by 2 at the best ε, four times the
    # slope; with no reference it was "Gradient consistent (to what float64 resolves)"
    out, data = _run(tmp_path, _noisy(0.5, -TRUTH, 12))
    assert out.returncode == 2, shown(out)
    assert "noise" in data["diagnosis"]["title"], shown(out)


def test_a_one_percent_bug_under_tiny_noise_is_wrong(tmp_path):
    # σ = 1e-12 (7e-13 of |L|): Richardson resolves the bug millions of times over; the
    # noise opened a "kink could explain a difference under 1 %" that the sweep never saw
    out, _data = _run(tmp_path, _noisy(1e-12, 1.01 * TRUTH, 10))
    assert out.returncode == 1, shown(out)


def test_a_deterministic_probe_reports_no_noise(tmp_path):
    out, data = _run(tmp_path, _noisy(0.0, TRUTH, 11))
    assert out.returncode == 0, shown(out)
    assert "noise_sigma" not in data["diagnosis"], shown(out)
    assert "noisy" not in data["diagnosis"]["text"], shown(out)


def _offset(factor: float) -> str:
    """1000 + sin(x) at 0.4 (round-off of 1e3 in every loss), gradient cos(x)·factor."""
    return f"""
    import numpy as np
    theta0 = np.array([0.4, 0.3])
    def loss(t):
        return float(1000.0 + np.sin(t[0])) + float(np.sin(t[1]))
    def grad(t):
        return np.array([{factor!r} * np.cos(t[0]), np.cos(t[1])])
    """


def test_a_one_in_a_million_bug_richardson_resolves_is_not_confirmed(tmp_path):
    # Richardson 0.921061 ± 1.1e-10 against a claim 9.2e-7 away: with 1e-6 of |g| assumed
    # for every probe's gradient this was "Gradient correct (confirmed …)", exit 0, while
    # the network check fails the same entry
    out, data = _run(tmp_path, _offset(1.000001))
    assert out.returncode != 0, shown(out)
    assert data["diagnosis"]["kind"] != "correct", shown(out)


def test_the_exact_gradient_of_that_loss_stays_correct(tmp_path):
    out, data = _run(tmp_path, _offset(1.0))
    assert out.returncode == 0, shown(out)
    assert data["diagnosis"]["kind"] == "correct", shown(out)


def test_a_float32_probe_s_correct_gradient_is_not_wrong(tmp_path):
    # a loss and a gradient computed in float32: the gradient's bar is float32's rounding
    body = """
    import numpy as np
    theta0 = np.array([0.7, -0.2], dtype=np.float32)
    def loss(t):
        t = np.asarray(t, dtype=np.float32)
        return np.float32(np.tanh(np.float32(1.3) * t[0])) + np.float32(0.5) * t[1] ** 2
    def grad(t):
        t = np.asarray(t, dtype=np.float32)
        c = np.float32(1.3)
        return np.array([c * (1 - np.tanh(c * t[0]) ** 2), t[1]], dtype=np.float32)
    """
    out, _data = _run(tmp_path, body)
    assert out.returncode != 1, shown(out)


def test_a_one_in_a_million_bug_both_sides_resolve_is_wrong(tmp_path):
    # tanh at 0.9: the one-sided differences each resolve 1e-7 of the slope and both lie on
    # Richardson's side of the claim, so no kink near w can explain the difference
    out, data = _run(tmp_path, _noisy(0.0, 1.000001 * TRUTH, 13))
    assert out.returncode == 1, shown(out)
    assert data["diagnosis"]["kind"] == "wrong", shown(out)


def test_a_float16_loss_s_one_percent_bug_worked_out_in_float64_is_not_confirmed(tmp_path):
    # the loss is float16, the gradient a float64 number (no float16 number): its bar is
    # float64's rounding, not ten float16 roundings (4.9e-3), which "confirmed" a 1 % bug
    body = """
    import numpy as np
    DT = np.float16
    theta0 = np.array([-0.1066, 0.7, -0.4], dtype=float)
    def loss(t):
        t = np.asarray(t, dtype=float)
        x = DT(t[0])
        v = np.sin(5.703558812767285 * x) + 0.5 * x * x
        return float(v + DT(0.3) * np.sin(DT(t[1])) + DT(0.2) * DT(t[2]) ** 2)
    def grad(t):
        return np.array([4.620586523676098, 0.3 * np.cos(0.7), 0.4 * (-0.4)])
    """
    out, data = _run(tmp_path, body)
    assert out.returncode != 0, shown(out)
    assert data["diagnosis"]["kind"] != "correct", shown(out)
