"""`sweep --probe` on losses computed coarsely (float16, float32 with an offset that cancels,
a 1e-9 staircase) and on an estimate beside a kink (review9e #5, #6; review9f (d)): the
bars bound, a difference beyond the reference's bar is never "correct", and a quantised
loss's steps are not taken for a kink."""

import re
import subprocess
import textwrap

import numpy as np

from tests.e2e.probe_cli import run_cli


def _write(tmp_path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    return str(path)


def _sweep(path: str, index: int) -> subprocess.CompletedProcess:
    return run_cli("sweep", "--probe", path, "--index", str(index))


def _show(out: subprocess.CompletedProcess) -> str:
    return out.stdout[-2000:] + out.stderr[-2000:]


def test_a_float16_loss_five_percent_off_is_not_confirmed(tmp_path):
    """Its Richardson reference is 0.767 ± 0.027; 0.803 lies beyond that bar: it was
    "Gradient correct (confirmed by the Richardson reference)", exit 0."""
    body = """
        import numpy as np
        theta0 = np.array([0.7, 0.0, -0.4])
        def loss(t):
            t = np.asarray(t, float)
            return float(np.float16(np.sin(t[0]) + np.abs(t[1]) + 0.2 * t[2] ** 2))
        def grad(t):
            t = np.asarray(t, float)
            return np.array([np.cos(t[0]) * FACTOR, 0.0, 0.4 * t[2]])
        """
    bugged = _sweep(_write(tmp_path, "f16_bug", body.replace("FACTOR", "1.05")), 0)
    assert bugged.returncode != 0, _show(bugged)
    assert "Gradient correct" not in bugged.stdout
    right = _sweep(_write(tmp_path, "f16_ok", body.replace("FACTOR", "1.0")), 0)
    assert right.returncode == 0, _show(right)


F32_OFFSET = """
    import numpy as np
    DT = np.dtype(np.float32)
    rng = np.random.default_rng(8)
    theta0 = rng.uniform(-1.5, 1.5, 20)
    S = rng.uniform(0.5, 3, 20).astype(DT)
    def loss(t):
        x = np.asarray(t, float).astype(DT)
        big = (DT.type(3e3) + np.sum(S * x * x, dtype=DT)) - DT.type(3e3)
        return float(big + np.sum(np.sin(x), dtype=DT))
    """


def _f32_truth(index: int) -> float:
    rng = np.random.default_rng(8)
    theta0 = rng.uniform(-1.5, 1.5, 20)
    scale = rng.uniform(0.5, 3, 20).astype(np.float32).astype(float)
    return float(2 * scale[index] * theta0[index] + np.cos(theta0[index]))


def test_a_float32_loss_with_a_cancelling_offset_gets_a_bar_that_bounds(tmp_path):
    """Its loss changes in steps of 2.4e-4: Richardson had settled on steps where L+ == L−,
    giving −0.043 ± 2.6 for 2.668 (its floor, read where the steps alias, missed them)."""
    path = _write(tmp_path, "f32off", F32_OFFSET)
    for index in (1, 6):
        out = _sweep(path, index)
        assert out.returncode == 0, _show(out)
        found = re.search(r"derivative is (\S+) ± (\S+), from", out.stdout)
        assert found, _show(out)
        value, bar = float(found.group(1)), float(found.group(2).rstrip(","))
        truth = _f32_truth(index)
        assert abs(value - truth) <= bar, (value, bar, truth)
        assert bar < 0.05 * abs(truth), (value, bar, truth)
        assert "not used to judge" not in out.stdout  # float32's steps are no kink


def test_a_float32_loss_with_its_exact_gradient_is_judged(tmp_path):
    body = textwrap.dedent(F32_OFFSET) + textwrap.dedent(
        """
        def grad(t):
            t = np.asarray(t, float)
            return 2 * S.astype(float) * t + np.cos(t)
        """
    )
    out = _sweep(_write(tmp_path, "f32off_g", body), 1)
    assert out.returncode == 0, _show(out)
    assert "Gradient correct" in out.stdout


def test_a_staircase_loss_is_not_a_kink_that_discredits_richardson(tmp_path):
    """f + 1e-9·round(g/1e-9): the one-sided differences leap at its steps; that is no
    kink's jump (it comes and goes and falls like 1/ε), and Richardson still judges."""
    body = """
        import numpy as np
        rng = np.random.default_rng(5)
        C = rng.normal(size=(6, 6)) / 3
        theta0 = rng.uniform(-1, 1, 6)
        Q = 1e-9
        def loss(t):
            t = np.asarray(t, float)
            return float(np.sum(np.sin(C @ t)) + Q * np.round(np.sum(t ** 2) / Q))
        def grad(t):
            t = np.asarray(t, float)
            return C.T @ np.cos(C @ t) + 2 * t
        """
    out = _sweep(_write(tmp_path, "staircase", body), 3)
    assert out.returncode == 0, _show(out)
    assert "Gradient wrong" not in out.stdout


def test_an_estimate_beside_a_kink_is_read_below_it(tmp_path):
    """A kink 1e-9 from w: the estimate was −0.68 ± 2.7e-7 for −2.107, with no kink words."""
    body = """
        import numpy as np
        theta0 = np.array([0.3, 0.1])
        K = 0.3 + 1e-9
        def loss(t):
            t = np.asarray(t, float)
            return float(np.cos(3 * t[0]) + 1.5 * np.abs(t[0] - K) + np.sin(t[1]))
        """
    out = _sweep(_write(tmp_path, "beside", body), 0)
    assert out.returncode == 0, _show(out)
    assert "kink" in out.stdout
    found = re.search(r"settle near (\S+) \(± (\S+?):", out.stdout)
    assert found, _show(out)
    value, bar = float(found.group(1)), float(found.group(2))
    truth = -3 * np.sin(0.9) - 1.5
    assert abs(value - truth) <= bar, (value, bar, truth)
