"""The forward engine: central differences of any model's loss as it runs, batched through
``Model.losses``; agreement with the exact engine within its own round-off; models of its own;
kinks; progress, cancel and planning; the BLAS thread limit."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase, TensorInfo
from fdgui.core.models.mlp import NetworkSpec, build_network
from fdgui.core.models.mlp_model import MlpModel
from fdgui.core.netcheck import (
    CheckSettings,
    forward_epsilon,
    plan_costs,
    run_check,
    run_to_completion,
    single_threaded_blas,
)
from fdgui.core.netcheck.jets import SERIES_TAIL
from fdgui.core.report.netcheck import verdict_in_words

U = 2.0**-53  # float64 unit round-off


def gamma(n):
    """Higham's γ_n = n·u/(1 − n·u): the relative error bound of n roundings."""
    return n * U / (1 - n * U)


ULP4 = 8 * U  # numpy's float64 tanh/exp/log: within 4 ulp, and an ulp of x is ≤ 2u·|x|


def loss_error_bound(net, stacks):
    """First-order bound on |fl(L) − L| for ``Network.losses_batch`` in float64, per point.

    Standard rounding model, |fl(a ∘ b) − a ∘ b| ≤ u·|a ∘ b|, and |fl(x·y) − x·y| ≤ γ_n·|x|·|y|
    for a dot product of length n (any summation order, so BLAS blocking included):
    z = A·Wᵀ + b carries γ_n·|A|·|W|ᵀ + u·|z| of its own plus E_A·|W|ᵀ from its input; an
    activation adds its own error (tanh: 4 ulp; sigmoid 1/(1 + exp(−z)): exp 4 ulp, add,
    divide) to |f′|·E_z; cross-entropy log Σ exp(z − s) + s − z_t adds the shift's u·|z − s|,
    exp, the sum's γ_(K−1), log, and two additions, to Σ|p − onehot|·E_z; squared error adds
    (3u + γ_(K−1))·ℓ + u·ℓ to Σ|z − t|·E_z; the batch mean adds γ_(B−1)·mean|ℓ| + u·|L|.
    ``stacks``: the tensors of N points, (N, *shape) each; returns (N,).
    """
    spec = net.spec
    activation, loss = spec.activation, spec.loss
    a = np.broadcast_to(net.inputs, (stacks[0].shape[0], *net.inputs.shape))
    error_a = np.zeros(a.shape)
    for layer in range(net.layer_count):
        weight, bias = stacks[2 * layer], stacks[2 * layer + 1]
        n = weight.shape[-1]
        z = a @ np.swapaxes(weight, -1, -2) + bias[:, None, :]
        magnitude = np.abs(a) @ np.swapaxes(np.abs(weight), -1, -2)
        error_z = gamma(n) * magnitude + error_a @ np.swapaxes(np.abs(weight), -1, -2)
        error_z += U * np.abs(z)
        if layer == net.layer_count - 1:
            break
        if activation == "tanh":
            a = np.tanh(z)
            error_a = (1 - a * a) * error_z + ULP4 * np.abs(a)
        elif activation == "sigmoid":
            a = 1 / (1 + np.exp(-z))
            error_a = a * (1 - a) * error_z + (ULP4 + 2 * U) * np.abs(a)
        else:
            a = np.maximum(z, 0)
            error_a = error_z
    rows = np.arange(z.shape[1])
    if loss == "cross-entropy":
        shift = z.max(axis=-1, keepdims=True)
        terms = np.exp(z - shift)
        total = terms.sum(axis=-1)
        p = terms / total[..., None]
        lse = np.log(total) + shift[..., 0]
        per_sample = lse - z[:, rows, net.targets]
        sensitivity = p.copy()
        sensitivity[:, rows, net.targets] -= 1
        k = z.shape[-1]
        relative_sum = U * np.max(np.abs(z - shift), axis=-1) + ULP4 + gamma(k - 1)
        own = relative_sum + ULP4 * np.abs(np.log(total)) + U * np.abs(lse)
        own += U * np.abs(per_sample)
        error_l = np.sum(np.abs(sensitivity) * error_z, axis=-1) + own
    else:
        d = z - net.targets
        per_sample = 0.5 * np.sum(d * d, axis=-1)
        k = z.shape[-1]
        own = (3 * U + gamma(k - 1)) * per_sample + U * per_sample
        error_l = np.sum(np.abs(d) * error_z, axis=-1) + own
    batch = per_sample.shape[-1]
    mean = per_sample.mean(axis=-1)
    return (
        error_l.mean(axis=-1)
        + gamma(batch - 1) * np.abs(per_sample).mean(axis=-1)
        + U * np.abs(mean)
    )


def perturbed_stacks(net, position, index, steps):
    """The network's tensors at θ0 with one entry moved by each of ``steps`` (as stacks)."""
    stacks = [np.broadcast_to(p, (steps.size, *p.shape)).copy() for p in net.parameters]
    stacks[position].reshape(steps.size, -1)[:, index] += steps
    return stacks


@pytest.mark.parametrize("epsilon", [2.0 ** (-53 / 3), 1e-7])
@pytest.mark.parametrize(
    ("sizes", "activation", "loss"),
    [
        ((8, 6, 6, 4), "tanh", "cross-entropy"),
        ((7, 6, 5, 5, 3), "sigmoid", "mse"),
        ((8, 6, 6, 4), "relu", "cross-entropy"),
        ((6, 5, 5, 4, 3), "tanh", "mse"),
    ],
)
def test_the_engines_agree_entry_by_entry_within_the_forward_engines_round_off(
    sizes, activation, loss, epsilon
):
    """Same fixed ε for both engines, so the central difference's truncation is the same and
    what separates them is the round-off of the forward engine's two losses:

        |n_f − n_e| ≤ (E(L+) + E(L−))/(2ε) + 2u·|n| + |n|·u·(|w| + ε)/ε + e_exact,

    E(L±) the first-order bound of ``loss_error_bound`` at each perturbed point, 2u·|n| the
    rounding of ΔL+ − ΔL− and of the division (L± − L are exact: Sterbenz), |n|·u·(|w|+ε)/ε
    what rounding w ± ε moves the step by, and e_exact what the exact engine allows itself
    (1e-14·max(1,|L|), check_tolerances, plus the series tail SERIES_TAIL).
    """
    spec = NetworkSpec(sizes, activation, loss, batch_size=7, seed=13)
    net = build_network(spec)
    exact = run_to_completion(CheckSettings(spec, epsilon=epsilon), net)
    forward = run_to_completion(CheckSettings(spec, epsilon=epsilon, engine="forward"), net)
    assert exact.engine == "exact" and forward.engine == "forward"
    e_exact = 1e-14 * max(1.0, abs(exact.loss)) + SERIES_TAIL
    for position, (a, b) in enumerate(zip(exact.tensors, forward.tensors, strict=True)):
        size = a.numeric.size
        w = net.parameters[position].ravel()
        steps = np.full(size, epsilon)
        bound_plus = np.empty(size)
        bound_minus = np.empty(size)
        for index in range(size):  # E(L±) at the two points of each entry
            pair = perturbed_stacks(net, position, index, np.array([epsilon, -epsilon]))
            bound_plus[index], bound_minus[index] = loss_error_bound(net, pair)
        n = np.abs(a.numeric)
        bound = (bound_plus + bound_minus) / (2 * steps) + 2 * U * n
        bound += n * U * (np.abs(w) + epsilon) / epsilon + e_exact
        difference = np.abs(b.numeric - a.numeric)
        worst = int(np.argmax(difference / bound))
        assert np.all(difference <= bound), (a.name, worst, difference[worst], bound[worst])
        # the bound is informative: far below the gradients it separates (a 0.1 % error in
        # the engine, a wrong entry or a wrong ε would break it)
        assert np.median(bound) < 1e-3 * np.median(n), (a.name, np.median(bound))


class Softplus(ModelBase):
    """A model of its own: mean over examples of Σ_i softplus(z_i) − t_i·z_i, z = x·Wᵀ + v.

    Only ``loss`` is written (the default ``losses`` loops over it), and ``factor`` scales
    the v-part of the gradient under check (1: correct)."""

    kind = "softplus"

    def __init__(self, factor: float = 1.0) -> None:
        rng = np.random.default_rng(4)
        self.x = rng.standard_normal((9, 5))
        self.t = rng.random((9, 3))
        self.w0 = rng.standard_normal((3, 5)) / 2
        self.v0 = rng.standard_normal(3) / 2
        self.factor = factor

    @property
    def tensors(self):
        return (TensorInfo("W", (3, 5)), TensorInfo("v", (3,)))

    @property
    def has_gradient(self):
        return True

    def theta0(self):
        return self.join([self.w0, self.v0])

    def loss(self, theta, dtype="float64"):
        parts = self.split(theta)
        z = self.x @ parts["W"].T + parts["v"]
        return float(np.mean(np.sum(np.logaddexp(0, z) - self.t * z, axis=1)))

    def gradient(self, theta=None):
        parts = self.split(self.theta0() if theta is None else theta)
        z = self.x @ parts["W"].T + parts["v"]
        error = (1 / (1 + np.exp(-z)) - self.t) / self.x.shape[0]
        return self.join([error.T @ self.x, self.factor * error.sum(axis=0)])


def test_a_model_of_its_own_passes_with_its_gradient_and_fails_where_it_is_wrong():
    settings = CheckSettings(None, engine="forward")
    good = run_to_completion(settings, model=Softplus())
    assert good.passed and good.engine == "forward" and good.model_label == "softplus"
    assert [t.name for t in good.tensors] == ["W", "v"]
    assert good.parameters_checked == 18 and good.evaluations == 36
    assert "agrees" in verdict_in_words(good)
    for mode in ("full", "sample", "projection"):
        settings = CheckSettings(None, engine="forward", mode=mode, samples=4, directions=3)
        bad = run_to_completion(settings, model=Softplus(factor=1.1))
        assert bad.verdict == "fail" and not bad.inconclusive, mode
        assert [t.name for t in bad.tensors if t.failures] == ["v"], mode
        assert bad.worst_tensor == "v" and bad.worst[0].relative_error > 0.05


class HingeSum(ModelBase):
    """Non-smooth: Σ relu(θ − c) + ½|θ|², its gradient taking relu′(0) = 0.

    ``gap[i]``: how far entry i sits below its kink c_i (0: on it); ``factor`` scales the
    gradient under check."""

    kind = "hinge"

    def __init__(self, gap: np.ndarray, factor: float = 1.0) -> None:
        self.theta = np.linspace(0.5, 1.2, gap.size)
        self.c = self.theta + gap
        self.factor = factor

    @property
    def tensors(self):
        return (TensorInfo("theta", (self.theta.size,)),)

    @property
    def has_gradient(self):
        return True

    def theta0(self):
        return self.theta.copy()

    def losses(self, thetas, dtype="float64"):  # vectorised, as a model may be
        thetas = np.atleast_2d(thetas)
        return np.sum(np.maximum(thetas - self.c, 0) + 0.5 * thetas**2, axis=1)

    def loss(self, theta, dtype="float64"):
        return float(self.losses(theta)[0])

    def gradient(self, theta=None):
        theta = self.theta if theta is None else theta
        return self.factor * (theta + (theta - self.c > 0))


def test_kinks_of_a_model_are_explained_only_where_a_smaller_step_confirms_the_gradient():
    epsilon = forward_epsilon("float64")
    # on the kink, half a step above it, far away (no kink inside ±ε), and above it at 0.3ε:
    gap = np.array([0.0, epsilon / 2, 0.3, -0.3 * epsilon])
    report = run_to_completion(CheckSettings(None, engine="forward"), model=HingeSum(gap))
    assert report.passed, verdict_in_words(report)
    tensor = report.tensors[0]
    assert tensor.kinks == 3 and tensor.failures == 0
    assert {entry.note for entry in report.worst if entry.relative_error > 1e-7} == {"kink"}
    # a wrong gradient is never excused by the kinks off them; on the kink (θ0 = c, where
    # the one-sided limits are θ and θ + 1) 1.5·θ is still a subgradient (it lies between
    # them: the subgradient test), so that entry alone is explained
    wrong = run_to_completion(CheckSettings(None, engine="forward"), model=HingeSum(gap, 1.5))
    assert wrong.verdict == "fail" and wrong.tensors[0].failures == gap.size - 1
    on_kink = [entry for entry in wrong.worst if entry.index == 0]
    assert on_kink[0].note == "kink" and not on_kink[0].failing
    # 4·θ is outside [θ, θ + 1]: not a subgradient, so every entry fails
    outside = run_to_completion(CheckSettings(None, engine="forward"), model=HingeSum(gap, 4.0))
    assert outside.verdict == "fail" and outside.tensors[0].failures == gap.size
    assert {entry.note for entry in outside.worst if entry.index == 0} == {"kink-outside"}


def test_a_relu_unit_on_its_kink_is_explained_and_a_bug_there_still_fails():
    spec = NetworkSpec((10, 8, 4), "relu", "cross-entropy", batch_size=16, seed=2)
    net = build_network(spec)
    parameters = [p.copy() for p in net.parameters]
    parameters[1][0] = -(net.inputs[0] @ parameters[0][0])  # example 0, unit 0: z = 0
    on_kink = net.with_parameters(parameters)
    report = run_to_completion(CheckSettings(spec, engine="forward"), on_kink)
    assert report.passed, verdict_in_words(report)
    assert report.tensors[0].kinks > 0 and report.tensors[1].kinks == 1
    bad = run_to_completion(CheckSettings(spec, engine="forward", bug="no-batch-mean"), on_kink)
    assert bad.verdict == "fail"
    assert all(t.failures == t.checked for t in bad.tensors)


def test_the_forward_engine_evaluates_the_models_own_losses_in_the_dtype():
    spec = NetworkSpec((10, 8, 4), "sigmoid", "mse", batch_size=8, seed=6)
    net = build_network(spec)
    model = MlpModel(net)
    report = run_to_completion(CheckSettings(spec, dtype="float32", engine="forward"), net)
    theta = model.theta0().astype(np.float32).astype(np.float64)
    base = model.losses(theta[None], "float32")[0]
    for position, index in ((0, 3), (3, 1)):
        flat = model.offsets()[position] + index
        step = forward_epsilon("float32") * max(1.0, abs(theta[flat]))
        points = np.array([theta, theta])
        points[:, flat] = np.array([theta[flat] + step, theta[flat] - step]).astype(np.float32)
        plus, minus = model.losses(points, "float32") - base
        tensor = report.tensors[position]
        assert tensor.numeric[index] == (plus - minus) / (2 * step)  # bit for bit
    assert report.loss == base


def test_progress_rises_to_one_and_closing_the_generator_stops_the_check():
    spec = NetworkSpec((40, 30, 6), batch_size=8)
    fractions = [f for f, _ in _drive(run_check(CheckSettings(spec, engine="forward")))]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(fractions) > 4  # chunks: more than the bookkeeping yields
    generator = run_check(CheckSettings(spec, engine="forward"))
    for fraction, _ in generator:
        if fraction > 0.3:
            generator.close()
            break
    with pytest.raises(StopIteration):
        next(generator)


def _drive(generator):
    items = []
    try:
        while True:
            items.append(next(generator))
    except StopIteration:
        return items


def test_the_planner_plans_the_forward_engine():
    spec = NetworkSpec((40, 30, 6), batch_size=8)
    settings = CheckSettings(spec, samples=5, directions=3, engine="forward")
    plans = plan_costs(settings)
    assert {plan.engine for plan in plans.values()} == {"forward"}
    assert plans["full"].evaluations == 2 * spec.parameter_count
    assert plans["projection"].evaluations == 2 * 3 * 4
    exact = plan_costs(CheckSettings(spec, samples=5, directions=3))
    # two full loss evaluations per entry, against the exact engine's few operations
    assert plans["full"].seconds_per_evaluation > exact["full"].seconds_per_evaluation
    assert plans["full"].memory_bytes > 0
    start = time.perf_counter()
    run_to_completion(settings)
    actual = time.perf_counter() - start
    assert actual / 8 - 0.002 < plans["full"].expected_seconds < 8 * actual + 0.02


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"engine": "sideways"}, "engine"),
        ({"engine": "exact"}, "engine"),  # the exact engine knows the built-in network only
        ({"dtype": "float32"}, "dtype"),  # the model evaluates in float64 only
        ({"bug": "transpose"}, "bug"),
    ],
)
def test_what_an_engine_cannot_check_is_refused_naming_the_field(changes, field):
    settings = CheckSettings(None, **{"engine": "forward", **changes})
    with pytest.raises(InputError) as caught:
        settings.validate(Softplus())
    assert caught.value.field == field
    with pytest.raises(InputError):
        next(run_check(settings, model=Softplus()))


def test_a_model_without_a_gradient_is_refused():
    class NoGradient(Softplus):
        @property
        def has_gradient(self):
            return False

    with pytest.raises(InputError) as caught:
        CheckSettings(None, engine="forward").validate(NoGradient())
    assert caught.value.field == "model"


def _blas_threads():
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_blas_runs_on_one_thread_inside_and_is_given_back_by_the_last_user_out():
    from threadpoolctl import threadpool_limits

    def inside(entered, release):
        with single_threaded_blas():
            entered.set()
            release.wait(10)

    with threadpool_limits(limits=2, user_api="blas"):  # a known starting point
        before = _blas_threads()
        assert before and all(n == 2 for n in before)
        # a worker thread that used the limit and lives on must not keep others from it
        done, leave, left, linger = (threading.Event() for _ in range(4))
        leave.set()  # the worker leaves at once, then lingers outside

        def worker_job():
            inside(done, leave)
            left.set()
            linger.wait(10)

        worker = threading.Thread(target=worker_job)
        worker.start()
        assert left.wait(10) and worker.is_alive()
        assert _blas_threads() == before
        with single_threaded_blas():
            assert all(n == 1 for n in _blas_threads())
            with single_threaded_blas():  # nested (the planner inside a check)
                pass
            assert all(n == 1 for n in _blas_threads())
            entered, release = threading.Event(), threading.Event()
            other = threading.Thread(target=inside, args=(entered, release))
            other.start()  # a second user at the same time (a plan while a check runs)
            assert entered.wait(10)
        assert all(n == 1 for n in _blas_threads())  # the other thread is still inside
        release.set()
        other.join(10)
        assert _blas_threads() == before  # given back by the last one out, another thread
        linger.set()
        worker.join(10)


@pytest.mark.parametrize("mode", ["full", "sample", "projection"])
def test_a_model_of_its_own_reports_in_every_format(mode):
    import csv
    import io
    import json

    from fdgui.core.report.exporters import FORMATS, export

    settings = CheckSettings(None, engine="forward", mode=mode, samples=3, directions=2)
    report = run_to_completion(settings, model=Softplus(factor=1.1))
    texts = {fmt: export(report, fmt) for fmt in FORMATS}
    data = json.loads(texts["json"])
    assert data["network"] is None and data["model"] == Softplus().label
    assert data["engine"] == "forward" and data["verdict"] == "fail"
    assert Softplus().label in texts["text"] and Softplus().label in texts["markdown"]
    assert "bug" not in texts["text"].split("\n")[1]  # no backprop-bug wording for a model
    rows = list(csv.reader(io.StringIO(texts["csv"])))
    assert len(rows) > 2


class Odd(ModelBase):
    """A model with awkward tensors: a scalar, a 3-D block and an empty one; L = Σ sin(θ)²·c.

    ``scale`` multiplies the gradient under check (1: correct); ``nan_above`` makes the loss
    NaN wherever an entry moves above its starting value (a log or sqrt near its edge)."""

    kind = "odd"

    def __init__(self, scale=1.0, nan_above=False, gradient_size=None, complex_loss=False):
        self.scale, self.nan_above = scale, nan_above
        self.gradient_size, self.complex_loss = gradient_size, complex_loss

    @property
    def tensors(self):
        return (TensorInfo("s", ()), TensorInfo("block", (2, 3, 2)), TensorInfo("none", (0,)))

    @property
    def has_gradient(self):
        return True

    def theta0(self):
        return np.linspace(0.3, 1.7, 13)

    def loss(self, theta, dtype="float64"):
        theta = np.asarray(theta, dtype=float)
        if self.nan_above and np.any(theta > self.theta0() + 1e-300):
            return float("nan")
        value = float(np.sum(np.sin(theta) ** 2 * np.arange(1, 14)))
        return complex(value, 1.0) if self.complex_loss else value

    def gradient(self, theta=None):
        theta = self.theta0() if theta is None else theta
        gradient = self.scale * 2 * np.sin(theta) * np.cos(theta) * np.arange(1, 14)
        return gradient if self.gradient_size is None else np.zeros(self.gradient_size)


@pytest.mark.parametrize("mode", ["full", "sample", "projection"])
def test_scalar_higher_rank_and_empty_tensors_are_checked(mode):
    settings = CheckSettings(None, engine="forward", mode=mode, samples=3, directions=2)
    good = run_to_completion(settings, model=Odd())
    assert good.passed and not good.inconclusive, verdict_in_words(good)
    assert [t.checked for t in good.tensors][2] == 0  # the empty tensor has nothing to check
    cells = 2 if mode == "projection" else 1  # one cell per direction, else per entry
    assert good.tensors[1].heat_map is not None and good.tensors[0].heat_map.size == cells
    bad = run_to_completion(settings, model=Odd(scale=1.01))
    assert bad.verdict == "fail" and not bad.inconclusive
    assert {t.name for t in bad.tensors if t.failures} == {"s", "block"}


def test_the_expression_model_is_checked_by_the_forward_engine():
    from fdgui.core.models.expression_model import expression_model

    for mode in ("full", "sample", "projection"):
        settings = CheckSettings(None, engine="forward", mode=mode)
        report = run_to_completion(settings, model=expression_model("sin(w)*exp(-w**2)", "0.7"))
        assert report.passed, verdict_in_words(report)


@pytest.mark.parametrize("mode", ["full", "sample", "projection"])
def test_a_loss_that_is_nan_at_the_steps_never_passes(mode):
    settings = CheckSettings(None, engine="forward", mode=mode, samples=3, directions=2)
    for model in (Odd(nan_above=True), Odd(scale=3.0, nan_above=True)):
        report = run_to_completion(settings, model=model)
        # nothing estimates those entries: never a pass, never "wrong" (inconclusive)
        assert report.verdict == "fail" and report.inconclusive, verdict_in_words(report)
        assert not any(t.failures for t in report.tensors)
        assert report.worst and report.worst[0].note == "no-loss"


def test_a_gradient_that_is_not_finite_fails_where_it_is_not():
    class Infinite(Odd):
        def gradient(self, theta=None):
            gradient = super().gradient(theta)
            gradient[4] = np.inf
            return gradient

    report = run_to_completion(CheckSettings(None, engine="forward"), model=Infinite())
    assert report.verdict == "fail" and not report.inconclusive
    assert [(e.tensor, e.index, e.note) for e in report.worst if e.failing] == [
        ("block", 3, "undefined")
    ]


@pytest.mark.parametrize(
    ("model", "words"),
    [
        (Odd(gradient_size=5), "5 values where 13"),
        (Odd(gradient_size=14), "14 values where 13"),
        (Odd(complex_loss=True), "complex"),
    ],
)
def test_what_a_model_returns_is_checked_and_refused_in_words(model, words):
    with pytest.raises(InputError) as caught:
        run_to_completion(CheckSettings(None, engine="forward"), model=model)
    assert caught.value.field == "model" and words in caught.value.message


def test_the_built_in_network_as_a_model_brings_its_spec_and_bug():
    spec = NetworkSpec((6, 5, 5, 3), "tanh", "mse", batch_size=4)
    model = MlpModel(build_network(spec), "transpose")
    for engine in ("exact", "forward"):
        report = run_to_completion(CheckSettings(None, engine=engine), model=model)
        assert report.verdict == "fail" and report.settings.bug == "transpose"
        assert report.settings.spec == spec
    other = CheckSettings(NetworkSpec((6, 5, 4)), engine="forward")
    with pytest.raises(InputError) as caught:
        run_to_completion(other, model=MlpModel(build_network(spec)))
    assert caught.value.field == "model"


class _Given(Odd):
    """Odd with the loss or the gradient replaced by whatever a user's code might return."""

    def __init__(self, loss=None, gradient=None, theta=None):
        super().__init__()
        self._loss, self._gradient, self._theta = loss, gradient, theta

    def loss(self, theta, dtype="float64"):
        return super().loss(theta, dtype) if self._loss is None else self._loss

    def gradient(self, theta=None):
        return super().gradient(theta) if self._gradient is None else self._gradient

    def theta0(self):
        return super().theta0() if self._theta is None else self._theta


@pytest.mark.parametrize(
    ("model", "words"),
    [
        (_Given(loss=float("inf")), "loss at the point under check is inf"),
        (_Given(loss=float("-inf")), "is -inf"),
        (_Given(loss="1.0"), "text values, not numbers"),
        (_Given(loss=True), "true/false values, not numbers"),
        (_Given(gradient=["1"] * 13), "text values, not numbers"),
        (_Given(gradient=[None] * 13), "not all of them are numbers"),
        (_Given(theta=np.zeros(4)), "θ0: 4 values where 13"),
    ],
)
def test_outputs_that_are_not_numbers_are_refused_naming_what(model, words):
    with pytest.raises(InputError) as caught:
        run_to_completion(CheckSettings(None, engine="forward"), model=model)
    assert caught.value.field == "model" and words in caught.value.message


def test_a_forward_reports_words_say_how_its_changes_were_formed():
    from fdgui.core.report.exporters import export
    from fdgui.core.report.netcheck import CHANGE_EXPLANATION, change_explanation

    forward = run_to_completion(CheckSettings(None, engine="forward"), model=Odd())
    markdown = export(forward, "markdown")
    assert change_explanation(forward) in markdown and "subtracted" in markdown
    assert "|numeric − gradient|" in markdown
    spec = NetworkSpec((4, 3, 2))
    exact = run_to_completion(CheckSettings(spec))
    assert change_explanation(exact) == CHANGE_EXPLANATION in export(exact, "markdown")


def test_a_models_kink_and_scalar_entry_are_named_in_its_own_words():
    from fdgui.core.models.expression_model import expression_model

    report = run_to_completion(
        CheckSettings(None, engine="forward"), model=expression_model("abs(w-1e-9)+700", "0")
    )
    words = verdict_in_words(report)
    assert report.passed and "sit on a kink" in words and "relu" not in words
    assert " at w." in words and "w[]" not in words
