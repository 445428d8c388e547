"""Fixes from the second review of probes without a gradient (each test failed before its fix):
the loss's precision learned robustly and used by every estimate, bars from the measured
round-off, losses/loss disagreement named, σ of identical repeats 0, no-estimate exits."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from fdgui.core.errors import InputError
from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.netcheck.numeric import NumericEngine, numeric_gradient_report
from fdgui.probe.model import open_probe

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write(tmp_path, text, name="probe.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def estimate(path, **settings):
    model = open_probe(path)
    try:
        return numeric_gradient_report(model, CheckSettings(None, **settings))
    finally:
        model.close()


def check(path):
    model = open_probe(path)
    try:
        return run_to_completion(CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


def outside(report, exact):
    """Entries whose bar does not bound the exact gradient."""
    bad, offset = [], 0
    for tensor in report.tensors:
        size = int(np.prod(tensor.shape))
        truth = exact[offset : offset + size][tensor.indices]
        offset += size
        errors = np.abs(tensor.values - truth)
        bad += [(tensor.name, int(i)) for i, ok in zip(tensor.indices, errors <= tensor.error_bars,
                                                        strict=True) if not ok]  # fmt: skip
    return bad


BF16 = """
import numpy as np, ml_dtypes
theta0 = np.linspace(-1, 1, 8)
def loss(t):
    x = t.astype(ml_dtypes.bfloat16)
    return float(np.sum((np.sin(x) * x).astype(ml_dtypes.bfloat16), dtype=ml_dtypes.bfloat16))
"""
EMBEDDING = """
import numpy as np
rng = np.random.default_rng(0)
names = [("emb", (100, 4)), ("w", (4,))]
theta0 = np.concatenate([rng.normal(size=400), rng.normal(size=4)])
ROWS = [3, 17, 42]
def loss(t):
    t32 = t.astype(np.float32)
    E = t32[:400].reshape(100, 4); w = t32[400:]
    return float(np.sum(np.tanh(E[ROWS] @ w) ** 2))
"""


def embedding_gradient(t):
    table, w = t[:400].reshape(100, 4), t[400:]
    g = np.zeros_like(t)
    for r in [3, 17, 42]:
        a = np.tanh(table[r] @ w)
        d = 2 * a * (1 - a * a)
        g[r * 4 : (r + 1) * 4] += d * w
        g[400:] += d * table[r]
    return g


def test_a_bfloat16_loss_returned_as_a_float_is_recognised_and_bounded(tmp_path):
    path = write(tmp_path, BF16)
    report = estimate(path)
    assert report.precision == "bfloat16"
    t = np.linspace(-1, 1, 8)
    assert outside(report, np.sin(t) + t * np.cos(t)) == []
    with_grad = write(tmp_path, BF16 + "def grad(t):\n    return np.sin(t) + t * np.cos(t)\n",
                      "g.py")  # fmt: skip
    report = check(with_grad)  # float32-sized tolerances cannot decide bfloat16: never "Fail"
    assert report.verdict == "pass" or report.inconclusive


def test_a_float32_loss_reading_few_rows_of_a_table_is_recognised(tmp_path):
    path = write(tmp_path, EMBEDDING)
    report = estimate(path)
    assert report.precision == "float32"
    rng = np.random.default_rng(0)
    theta0 = np.concatenate([rng.normal(size=400), rng.normal(size=4)])
    assert outside(report, embedding_gradient(theta0)) == []
    exact = "def grad(t):\n    return __import__('numpy').asarray(GRAD(t))\n"
    text = (
        EMBEDDING
        + "\n"
        + textwrap.dedent(
            """
        def GRAD(t):
            table, w = t[:400].reshape(100, 4), t[400:]
            g = np.zeros_like(t)
            for r in ROWS:
                a = np.tanh(table[r] @ w); d = 2 * a * (1 - a * a)
                g[r * 4:(r + 1) * 4] += d * w; g[400:] += d * table[r]
            return g
        """
        )
        + exact
    )
    assert check(write(tmp_path, text, "g.py")).verdict == "pass"


DOMAIN = """
import math, numpy as np
theta0 = np.zeros(5)
def loss(t):
    return math.sqrt(5e-4 - t[0]) + float(t @ t)
"""


def test_the_precision_is_learned_within_the_check_steps(tmp_path):
    """A loss defined only within 5e-4 of θ0 (the check's steps are ~5e-6)."""
    report = estimate(write(tmp_path, DOMAIN))
    exact = np.zeros(5)
    exact[0] = -0.5 / np.sqrt(5e-4)
    assert outside(report, exact) == []


CANCEL = """
import numpy as np
rng = np.random.default_rng(0)
theta0 = rng.normal(size=8)
def loss(t):
    return float(1e6 * np.sum(np.cos(t)) - 1e6 * np.sum(np.cos(t) - 1e-6 * t**2))
"""


@pytest.mark.parametrize("mode", ["full", "projection"])
def test_bars_bound_a_loss_made_of_large_cancelling_terms(tmp_path, mode):
    path = write(tmp_path, CANCEL)
    theta0 = np.random.default_rng(0).normal(size=8)
    report = estimate(path, mode=mode, directions=8)
    if mode == "full":
        assert outside(report, 2 * theta0) == []
        return
    from fdgui.core.netcheck.projection import direction

    (tensor,) = report.tensors
    for k, value in enumerate(tensor.values):
        v = direction(tuple(tensor.shape), report.settings.sample_seed, 0, k).ravel()
        assert abs(value - 2 * theta0 @ v) <= tensor.error_bars[k]


DISAGREE = """
import numpy as np
def parameters():
    return {"w": np.array([1.0, 2.0, 3.0])}
def loss(p):
    return float(np.sum(p["w"] ** 2))
def losses(batch):
    return np.sum(batch["w"] ** 2, axis=1) * 1.5 + 10.0
"""


@pytest.mark.parametrize("gradient", [False, True])
def test_losses_that_disagree_with_loss_stop_with_a_message(tmp_path, gradient):
    text = DISAGREE + ("def gradient(p):\n    return {'w': 2 * p['w']}\n" if gradient else "")
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=r"losses\(batch\) and loss disagree at θ0"):
        estimate(path) if not gradient else check(path)
    cli = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "netcheck", "--probe", path],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )  # fmt: skip
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert "disagree" in cli.stdout + cli.stderr


NOISY_BATCH = """
import numpy as np
theta0 = np.linspace(-1, 1, 10)
def loss(t):
    return float(t @ t + 1e-6 * np.random.normal())
def losses(batch):
    return np.einsum("ij,ij->i", batch, batch) + 1e-6 * np.random.normal()
"""


def test_a_loss_noisy_per_batch_is_not_taken_for_a_disagreement(tmp_path):
    report = estimate(write(tmp_path, NOISY_BATCH))
    assert outside(report, 2 * np.linspace(-1, 1, 10)) == []


DETERMINISTIC = """
import numpy as np
theta0 = np.linspace(-1, 1.5, 14)
def loss(t):
    return float(np.sum(np.sin(t) * t))
"""


def test_identical_repeats_are_not_noise(tmp_path):
    path = write(tmp_path, DETERMINISTIC)
    assert estimate(path).noise_sigma == 0.0
    model = open_probe(path)
    try:
        assert NumericEngine(model, CheckSettings(None)).noise_sigma == 0.0
    finally:
        model.close()
    gradient = "def grad(t):\n    return np.sin(t) + t * np.cos(t)\n"
    with_grad = write(tmp_path, DETERMINISTIC + gradient, "g.py")
    from fdgui.core.netcheck.forward import ForwardEngine

    model = open_probe(with_grad)
    try:
        engine = ForwardEngine(model, CheckSettings(None, engine="forward"))
        assert engine.noise_sigma == 0.0
    finally:
        model.close()


F32 = """
import numpy as np
rng = np.random.default_rng(1)
theta0 = rng.normal(size=20)
A = rng.normal(size=(20, 20))
def loss(t):
    return np.float32(np.sum(np.sin(A @ t)) + 0.5 * t @ t + {offset})
"""


@pytest.mark.parametrize("offset", [0.0, 1000.0])
def test_the_sweep_of_a_probe_uses_the_loss_precision_the_check_found(tmp_path, offset):
    from fdgui.core.sweep.engine import run_sweep
    from fdgui.core.sweep.objectives import EntryObjective

    rng = np.random.default_rng(1)
    theta0, a = rng.normal(size=20), rng.normal(size=(20, 20))
    exact = (a.T @ np.cos(a @ theta0) + theta0)[3]
    path = write(tmp_path, F32.format(offset=offset))
    model = open_probe(path)
    try:
        result = run_sweep(EntryObjective(model, 3))
        netcheck = numeric_gradient_report(model, CheckSettings(None))
    finally:
        model.close()
    (richardson,) = [r for r in result.references if r.method == "Richardson"]
    assert abs(richardson.value - exact) <= richardson.error
    assert result.unit_roundoff == pytest.approx(2.0**-24)  # the round-off guide: float32's
    (tensor,) = netcheck.tensors
    # the two panels agree on the entry: each value inside the other's bar (or both bars)
    assert abs(richardson.value - tensor.values[3]) <= richardson.error + tensor.error_bars[3]


NOWHERE_FINITE = """
import numpy as np
theta0 = np.linspace(-1, 1, 4)
def loss(t):
    return float(t @ t) if np.array_equal(t, theta0) else float("nan")
"""


def test_an_estimate_with_no_finite_entry_exits_2_and_says_so(tmp_path):
    path = write(tmp_path, NOWHERE_FINITE)
    cli = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "netcheck", "--probe", path],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )  # fmt: skip
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert "None of the 4 entries could be estimated" in cli.stdout + cli.stderr
    assert "0 of 4 estimated" in cli.stdout


SLOW = """
import time, numpy as np
theta0 = np.linspace(-1, 1, 6)
names = [("a", (4,)), ("b", (2,))]
def loss(t):
    time.sleep(0.1)
    return float(np.sum(np.sin(t) * t))
"""


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_planning_a_slow_loss_costs_a_small_share_of_the_check(tmp_path):
    import time

    from fdgui.core.netcheck import plan_costs

    model = open_probe(write(tmp_path, SLOW))
    try:
        settings = CheckSettings(None, engine="forward")
        start = time.perf_counter()
        plan = plan_costs(settings, model=model)["full"]
        planning = time.perf_counter() - start
        start = time.perf_counter()
        numeric_gradient_report(model, settings)
        ran = time.perf_counter() - start
    finally:
        model.close()
    assert planning <= max(1.0, 0.1 * ran) + 0.5, (planning, ran)
    assert 0.7 <= plan.expected_seconds / ran <= 1.3, (plan.expected_seconds, ran)


def test_a_run_interrupts_the_planner_between_two_calls(tmp_path):
    import threading

    from fdgui.probe.model import PlanInterrupted

    model = open_probe(write(tmp_path, DETERMINISTIC))
    theta = model.theta0()
    failures: list[BaseException] = []
    entered, interrupted = threading.Event(), threading.Event()

    def planner() -> None:
        with model.planning():
            model.loss(theta)
            entered.set()
            interrupted.wait(10)
            try:
                model.loss(theta)
            except PlanInterrupted as error:
                failures.append(error)

    try:
        thread = threading.Thread(target=planner)
        thread.start()
        entered.wait(10)
        model.interrupt_planning()
        assert np.isfinite(model.loss(theta))  # the run's own calls go through
        interrupted.set()
        thread.join(10)
        assert len(failures) == 1
        assert np.isfinite(model.loss(theta))  # after planning, nothing is refused
    finally:
        model.close()
