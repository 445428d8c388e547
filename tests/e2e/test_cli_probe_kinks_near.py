"""`sweep --probe` where a kink sits at w with a large curvature, or just beside w
(review9f): a jump the one-sided differences show wins over a Richardson reference whose
steps straddle it, and the verdict comes from the ε where the differences resolve the
gradient, never from ε where the loss did not change."""

import json
import subprocess
import textwrap

import pytest

from tests.e2e.probe_cli import run_cli


def _probe(
    tmp_path, name: str, term: str, gradient: float, w: float = 0.0, scale: float = 1.0
) -> str:
    """theta0 = [w, 0.7, -0.4]; loss = scale·(term(x) + 0.3 sin(t1) + 0.2 t2²)."""
    path = tmp_path / f"{name}.py"
    path.write_text(
        textwrap.dedent(
            f"""
            import numpy as np
            theta0 = np.array([{w!r}, 0.7, -0.4])
            def loss(t):
                t = np.asarray(t, float)
                x = t[0]
                return float({scale!r} * ({term} + 0.3 * np.sin(t[1]) + 0.2 * t[2] ** 2))
            def grad(t):
                t = np.asarray(t, float)
                return {scale!r} * np.array([{gradient!r}, 0.3 * np.cos(t[1]), 0.4 * t[2]])
            """
        )
    )
    return str(path)


def _sweep(path: str, json_out: bool = False) -> subprocess.CompletedProcess:
    return run_cli("sweep", "--probe", path, "--index", "0", *(["--json"] if json_out else []))


def _show(out: subprocess.CompletedProcess) -> str:
    return out.stdout[-2000:] + out.stderr[-2000:]


CURVED_KINKS = [
    "1e4 * x**2 + np.abs(x)",
    "-1e4 * x**2 + np.abs(x)",
    "1e6 * x**2 + np.abs(x)",
    "3e2 * x**2 + np.abs(x)",
    "np.cos(30 * x) + np.abs(x)",
]


@pytest.mark.parametrize("term", CURVED_KINKS)
@pytest.mark.parametrize("gradient", [1.0, -1.0, 0.25])
def test_a_subgradient_at_a_kink_with_curvature_is_a_kink_not_wrong(tmp_path, term, gradient):
    """The slopes are −1 and +1 whatever the curvature: Richardson (0 ± 1e-6, the slopes'
    average) called the endpoints "Gradient wrong", exit 1."""
    out = _sweep(_probe(tmp_path, "curved", term, gradient))
    assert out.returncode == 0, _show(out)
    assert "Kink at w" in out.stdout
    assert "not used to judge" in out.stdout


@pytest.mark.parametrize("term", CURVED_KINKS[:2] + CURVED_KINKS[4:])
def test_outside_the_slopes_at_a_curved_kink_is_wrong(tmp_path, term):
    out = _sweep(_probe(tmp_path, "curved_out", term, 1.3))
    assert out.returncode == 1, _show(out)
    assert "outside" in out.stdout


@pytest.mark.parametrize("distance", [1e-8, 1e-9])
def test_a_kink_beside_w_under_curvature_judges_below_it(tmp_path, distance):
    """1e4·x² + |x − d| at 0: the derivative is exactly −1 (the parabola's slope is 0)."""
    term = f"1e4 * x**2 + np.abs(x - {distance!r})"
    right = _sweep(_probe(tmp_path, "beside_ok", term, -1.0))
    assert right.returncode == 0, _show(right)
    assert "Gradient wrong" not in right.stdout
    zero = _sweep(_probe(tmp_path, "beside_zero", term, 0.0))
    assert zero.returncode == 1, _show(zero)


@pytest.mark.parametrize(
    ("term", "true", "w"),
    [
        ("np.abs(x - 1e-9)", -1.0, 0.0),
        ("np.abs(x + 1e-9)", 1.0, 0.0),
        ("np.abs(x - 1e-12)", -1.0, 0.0),
        ("np.abs(x - 1.0 - 1e-8)", -1.0, 1.0),
    ],
)
def test_zero_is_not_confirmed_by_differences_lost_in_round_off(tmp_path, term, true, w):
    """Below the kink's distance the differences resolve the slope to 1e-7; the best ε had
    been chosen at 1e-17, where L+ == L− (or w + ε == w) and the difference is 0."""
    zero = _sweep(_probe(tmp_path, "near_zero", term, 0.0, w))
    assert zero.returncode == 1, _show(zero)
    assert "Gradient wrong" in zero.stdout
    right = _sweep(_probe(tmp_path, "near_ok", term, true, w))
    assert right.returncode == 0, _show(right)


@pytest.mark.parametrize("distance", [1e-8, 1e-9])
def test_a_two_percent_error_beside_a_kink_is_resolved(tmp_path, distance):
    """At ε = 1e-10 the central difference is −1 to 1e-7: a 2 % error is plain, whatever
    the ε ≈ 1e-15 (round-off 3 %) say."""
    out = _sweep(_probe(tmp_path, "near_2pc", f"np.abs(x - {distance!r})", -1.02))
    assert out.returncode == 1, _show(out)


@pytest.mark.parametrize(
    ("scale", "gradient", "code"),
    [
        (1e-12, 1.15e-12, 1),
        (1e-12, 2e-12, 1),
        (1e-12, 1e-12, 0),
        (1e-12, -1e-12, 0),
        (1e-9, 1.15e-9, 1),
        (1e-9, 1e-9, 0),
        (1.0, 1.12, 1),
        (1.0, -1.0, 0),
    ],
)
def test_the_one_sided_slopes_are_read_where_they_are_best_resolved(
    tmp_path, scale, gradient, code
):
    """A loss of scale 1e-12 whose entry is |x|: linear on each side, yet the slopes read at
    ε ~ 1e-15 (round-off u·|L|/ε as large as the jump) let 1.15× the slope pass as a
    subgradient."""
    path = _probe(tmp_path, "scaled", "np.abs(x)", gradient / scale, scale=scale)
    out = _sweep(path)
    assert out.returncode == code, _show(out)


@pytest.mark.parametrize(("gradient", "code"), [(1.06, 1), (-0.06, 1), (1.0, 0), (0.0, 0)])
def test_relu_slopes(tmp_path, gradient, code):
    out = _sweep(_probe(tmp_path, "relu", "np.maximum(0.0, x)", gradient))
    assert out.returncode == code, _show(out)
    if code == 0:
        assert "lies between the one-sided slopes" in out.stdout


def test_the_wrong_words_do_not_compare_with_the_slopes_average(tmp_path):
    """'1.08 (about 2.16 times the true value)' at a relu whose slopes are 0 and 1."""
    out = _sweep(_probe(tmp_path, "relu_out", "np.maximum(0.0, x)", 1.3))
    assert out.returncode == 1, _show(out)
    assert "times the true value" not in out.stdout


def test_the_forward_row_reads_the_right_slope_at_a_curved_kink(tmp_path):
    """The table gave 'forward … 0, relative error 1' (the best ε judged against the
    straddling Richardson) while the CSV showed forward ≈ 1 over nine decades."""
    out = _sweep(_probe(tmp_path, "curved_table", "1e4 * x**2 + np.abs(x)", 1.0), True)
    assert out.returncode == 0, _show(out)
    forward = json.loads(out.stdout)["schemes"]["forward"]
    assert abs(forward["best_estimate"] - 1.0) < 1e-3
