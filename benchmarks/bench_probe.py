"""Probe files: where a check's time goes, against torch.autograd.gradcheck, and how soon a
picked probe gives its first result. Every ratio is measured in this one run.

* Overhead: a full check (forward engine, float64) of a probe; the probe process sums the
  time spent inside the user's own code (``ProbeProcess.user_seconds``: the loss calls,
  batched or not, and the one gradient call) and the share of the check's wall time that
  is user time is printed. Goal: ≥ 75% on the numpy example (examples/numpy_two_layer.py)
  and on a PyTorch MLP of about 1e4 parameters (``torch_probe``).
* Against ``torch.autograd.gradcheck`` (default mode, float64) of the same module, batch and
  loss as one function of the flattened parameters, at about 1e3 and 1e4 parameters. Goal:
  ≥ 3× faster at 1e3, never slower at 1e4. fdgui's time is the full check with the probe
  process already running (its start is the next item). Medians of ``--repeats`` runs.
* Pick to first result: a fresh ProbeModel (process start, torch import, the file's load)
  plus the first result: a full check of examples/torch_mlp.py (1,994 parameters), and a
  400-point ε sweep of one entry. Goal: < 3 s, process start included: this cold figure is
  the goal's. Beside it, the window's way (not the goal's figure): the spare process started
  as the picker opens (``fdgui.probe.spare``: torch imported meanwhile), the pick 2 s later,
  pick → full check (median of at least 3).
* The cost planner: ``plan_costs`` (full mode) on the numpy example, the PyTorch MLP of
  about 1e4 parameters and the JAX example, each followed at once by the full check it
  predicts, ``--repeats`` times in one fresh probe process; the median of the per-pair
  ratios predicted/ran is printed. Goal: within 30%.

Both sides use one torch thread (the probe file sets it; so does this process). On a busy
machine wall times swing between runs, so fdgui and gradcheck alternate and the ratio is
the median of per-pair ratios; CPU times (this process plus the probe process) are printed
beside them. The load average is printed at the start and the end. Run:

    .venv/bin/python benchmarks/bench_probe.py [--repeats N] [--quick]

``--quick`` (the test suite's form: every section and figure printed, not the goals' sizes)
puts the MLP of about 1e3 parameters where the one of about 1e4 goes, compares with
gradcheck at 1e3 only, times one pick (the check) and plans the numpy example only.

Needs torch==2.13.0 (CPU): ``pip install -e '.[torch]'``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from fdgui.core.netcheck import CheckSettings, plan_costs, run_to_completion  # noqa: E402
from fdgui.core.sweep.engine import SweepSettings, run_sweep  # noqa: E402
from fdgui.core.sweep.objectives import EntryObjective  # noqa: E402
from fdgui.probe.model import open_probe  # noqa: E402

TORCH_MLP = """
import torch
from fdgui.probe import torch_probe
torch.set_num_threads(1)
torch.manual_seed(0)
x, y = torch.randn({batch}, {inputs}), torch.randint(0, 10, ({batch},))
net = torch.nn.Sequential(torch.nn.Linear({inputs}, {hidden}), torch.nn.Tanh(),
                          torch.nn.Linear({hidden}, 10))
probe = torch_probe(net, torch.nn.functional.cross_entropy, (x, y))
"""
SIZES = {"1e3": (20, 48, 64), "1e4": (64, 128, 64)}  # inputs, hidden, batch: 1,498 / 9,738
SETTINGS = CheckSettings(None, engine="forward")
SETTINGS_TIMEOUT = 30.0  # the probe's timeout per evaluation (the window's default)


def write_probe(folder: str, key: str) -> str:
    inputs, hidden, batch = SIZES[key]
    path = os.path.join(folder, f"torch_mlp_{key}.py")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(TORCH_MLP.format(inputs=inputs, hidden=hidden, batch=batch))
    return path


def check_with_shares(model, repeats: int):
    """Median check seconds and the median share of it inside the user's code."""
    times, shares, report = [], [], None
    run_to_completion(SETTINGS, model=model)  # warm: the first vmap traces, caches fill
    for _ in range(repeats):
        before = model.process.user_seconds
        started = time.perf_counter()
        report = run_to_completion(SETTINGS, model=model)
        seconds = time.perf_counter() - started
        times.append(seconds)
        shares.append((model.process.user_seconds - before) / seconds)
    return statistics.median(times), statistics.median(shares), report


def gradcheck_runner(key: str):
    """A function running torch.autograd.gradcheck once on the MLP of ``key`` (same module,
    batch and loss as the probe, as one function of the flattened float64 parameters)."""
    import torch
    from torch.func import functional_call

    torch.set_num_threads(1)
    inputs, hidden, batch = SIZES[key]
    torch.manual_seed(0)
    x, y = torch.randn(batch, inputs), torch.randint(0, 10, (batch,))
    net = torch.nn.Sequential(
        torch.nn.Linear(inputs, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, 10)
    ).double()
    x = x.double()
    names = [name for name, _ in net.named_parameters()]
    shapes = [p.shape for _, p in net.named_parameters()]
    flat = torch.cat([p.detach().reshape(-1) for _, p in net.named_parameters()])
    flat.requires_grad_(True)

    def loss(vector):
        params, start = {}, 0
        for name, shape in zip(names, shapes, strict=True):
            size = shape.numel()
            params[name] = vector[start : start + size].reshape(shape)
            start += size
        return torch.nn.functional.cross_entropy(functional_call(net, params, (x,)), y)

    def run() -> None:
        assert torch.autograd.gradcheck(loss, (flat,))

    return run


def timed(function) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def fdgui_check(model) -> tuple[float, float]:
    """(wall, CPU of both processes: this one and the probe's) of one full check."""
    before = model.process.worker_cpu_seconds
    wall, cpu = timed(lambda: run_to_completion(SETTINGS, model=model))
    return wall, cpu + model.process.worker_cpu_seconds - before


def compare_with_gradcheck(model, key: str, repeats: int) -> dict[str, float]:
    """Alternating runs (fdgui, gradcheck, fdgui, …) so both meet the same load; medians of
    wall and CPU times and of the per-pair ratios."""
    run_gradcheck = gradcheck_runner(key)
    run_to_completion(SETTINGS, model=model)  # warm both
    run_gradcheck()
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(fdgui_check(model))
        theirs.append(timed(run_gradcheck))
    median = statistics.median
    return {
        "wall": median(w for w, _ in ours),
        "cpu": median(c for _, c in ours),
        "torch_wall": median(w for w, _ in theirs),
        "torch_cpu": median(c for _, c in theirs),
        "ratio_wall": median(t[0] / o[0] for o, t in zip(ours, theirs, strict=True)),
        "ratio_cpu": median(t[1] / o[1] for o, t in zip(ours, theirs, strict=True)),
    }


def first_result_seconds(path: str, quick: bool = False) -> tuple[float, float, float, float]:
    """Pick → full check report and pick → 400-point sweep of one entry, in fresh processes:
    (check wall, check CPU, sweep wall, sweep CPU), CPU of this process and the probe's.
    ``quick``: one process, the sweep run after the check (its start counted once)."""
    figures, model = [], None
    for first in ("check", "sweep"):
        wall, cpu = time.perf_counter(), time.process_time()
        worker_before = 0.0
        if model is None:
            model = open_probe(path)
        else:
            worker_before = model.process.worker_cpu_seconds
        if first == "check":
            run_to_completion(SETTINGS, model=model)
        else:
            run_sweep(EntryObjective(model, 3), SweepSettings("float64", 1e-16, 1.0, 400))
        figures += [
            time.perf_counter() - wall,
            time.process_time() - cpu + model.process.worker_cpu_seconds - worker_before,
        ]
        if not quick:
            model.close()
            model = None
    if model is not None:
        model.close()
    return tuple(figures)


def _process_cpu(process) -> float:
    """CPU seconds a probe process has used so far (Linux: /proc; elsewhere its last reply's
    figure)."""
    if process is None or process.process is None:
        return 0.0
    try:
        with open(f"/proc/{process.process.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return process.worker_cpu_seconds


def picker_first_result_seconds(
    path: str, wait: float = 2.0, until_ready: bool = False
) -> tuple[float, float, bool]:
    """The window's way: the spare process starts as the picker opens (``fdgui.probe.spare``),
    the person picks ``wait`` seconds later; pick → full check report: (wall from the pick,
    CPU from the pick of this process and the probe's, whether the head start was over at
    the pick). ``until_ready``: the pick waits for the head start too (a slower person)."""
    from fdgui.probe.spare import Spare

    spare = Spare()
    try:
        spare.prepare()
        time.sleep(wait)
        while until_ready and spare._thread is not None and spare._thread.is_alive():
            time.sleep(0.05)  # a person slower than the head start
        ready = spare._thread is not None and not spare._thread.is_alive()
        wall, cpu = time.perf_counter(), time.process_time()
        process = spare.take(None, float(SETTINGS_TIMEOUT))
        before = _process_cpu(process)  # the head start's CPU so far is not the pick's
        model = open_probe(path, None, None, process)
        run_to_completion(SETTINGS, model=model)
        figures = (
            time.perf_counter() - wall,
            time.process_time() - cpu + model.process.worker_cpu_seconds - before,
            ready,
        )
        model.close()
    finally:
        spare.end()
    return figures


def planner_ratios(model, repeats: int) -> tuple[float, float, float]:
    """(median predicted, median ran, median of the per-pair ratio predicted/ran): the plan
    and the full check it predicts measured back to back, ``repeats`` times, in one process
    (the model's first plan and check come first, as in the window: opening a probe plans)."""
    pairs = []
    for _ in range(repeats):
        predicted = plan_costs(SETTINGS, model=model)["full"].expected_seconds
        pairs.append((predicted, _timed_checks(model, 1)[0]))
    median = statistics.median
    return median(p for p, _ in pairs), median(a for _, a in pairs), median(p / a for p, a in pairs)


def _timed_checks(model, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run_to_completion(SETTINGS, model=model)
        times.append(time.perf_counter() - started)
    return times


def _has_jax() -> bool:
    import importlib.util

    return importlib.util.find_spec("jax") is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--quick", action="store_true", help="smallest sizes only: runs, not figures (tests)"
    )
    args = parser.parse_args()
    repeats = max(1, args.repeats)
    large = "1e3" if args.quick else "1e4"  # the MLP of sections 1 and 4
    goals = []
    with tempfile.TemporaryDirectory() as folder:
        numpy_path = os.path.join(ROOT, "examples", "numpy_two_layer.py")
        torch_paths = {key: write_probe(folder, key) for key in SIZES}
        compared = ("1e3",) if args.quick else tuple(SIZES)
        print(f"fdgui probe benchmark (median of {repeats}; full checks, forward engine; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)\n")  # fmt: skip
        print("1. time inside the user's code, share of a full check (goal ≥ 75%)")
        for label, path in (
            ("numpy example", numpy_path),
            (f"torch MLP {large}", torch_paths[large]),
        ):
            model = open_probe(path)
            seconds, share, report = check_with_shares(model, repeats)
            print(f"   {label:<14} {model.parameter_count:>6,} parameters  check "
                  f"{seconds * 1e3:8.1f} ms  inside user code {share:6.1%}  "
                  f"verdict {report.verdict}")  # fmt: skip
            goals.append((f"overhead {label}", share >= 0.75))
            model.close()
        print(
            "\n2. against torch.autograd.gradcheck, same module and batch, alternating runs "
            "(goal ≥ 3× at 1e3, ≥ 1× at 1e4; wall, and CPU of all processes involved)"
        )
        for key in compared:
            model = open_probe(torch_paths[key])
            figures = compare_with_gradcheck(model, key, repeats)
            print(
                f"   {model.parameter_count:>6,} parameters  fdgui {figures['wall'] * 1e3:7.1f} ms "
                f"(CPU {figures['cpu'] * 1e3:7.1f})  gradcheck {figures['torch_wall'] * 1e3:7.1f} "
                f"ms (CPU {figures['torch_cpu'] * 1e3:7.1f})  gradcheck/fdgui "
                f"{figures['ratio_wall']:5.2f}× wall, {figures['ratio_cpu']:5.2f}× CPU"
            )
            goal = 3.0 if key == "1e3" else 1.0
            goals.append((f"vs gradcheck {key}", figures["ratio_wall"] >= goal))
            model.close()
        print("\n3. pick to first result, process start included (goal < 3 s)")
        example = os.path.join(ROOT, "examples", "torch_mlp.py")
        firsts = [first_result_seconds(example, args.quick) for _ in range(repeats)]
        check, check_cpu, sweep, sweep_cpu = (
            statistics.median(f[k] for f in firsts) for k in range(4)
        )
        print(f"   examples/torch_mlp.py: full check {check:5.2f} s (CPU {check_cpu:5.2f} s), "
              f"400-point sweep {sweep:5.2f} s (CPU {sweep_cpu:5.2f} s)"
              + (" (--quick: the sweep in the check's process)" if args.quick else ""))  # fmt: skip
        goals.append(("pick to first result", max(check, sweep) < 3.0))
        wait, runs = 2.0, 1 if args.quick else max(3, repeats)
        pickers = [picker_first_result_seconds(example, wait) for _ in range(runs)]
        readies = [picker_first_result_seconds(example, wait, True) for _ in range(runs)]
        median = statistics.median
        print(f"   (median of {len(firsts)} cold runs, load {os.getloadavg()[0]:.1f}: the goal's "
              "figure, the process started at the pick)")  # fmt: skip
        print(f"   picker, not the goal's figure (a spare process started as the file dialog "
              f"opened: fdgui.probe.spare; median of {runs}; load {os.getloadavg()[0]:.1f}):\n"
              f"     pick {wait:g} s after the dialog opened: pick → full check "
              f"{median(p[0] for p in pickers):5.2f} s (CPU from the pick "
              f"{median(p[1] for p in pickers):5.2f} s; head start over at the pick in "
              f"{sum(p[2] for p in pickers)} of {runs})\n"
              f"     pick once the head start is over: pick → full check "
              f"{median(p[0] for p in readies):5.2f} s (CPU from the pick "
              f"{median(p[1] for p in readies):5.2f} s)")  # fmt: skip
        print("\n4. cost planner: predicted full check against the run that follows it, in a "
              "fresh probe process (goal within 30%)")  # fmt: skip
        planned = (("numpy example", numpy_path), (f"torch MLP {large}", torch_paths[large]))
        if args.quick:
            planned = planned[:1]
            print("   (--quick: the numpy example only)")
        elif _has_jax():
            planned += (("jax example", os.path.join(ROOT, "examples", "jax_mlp.py")),)
        else:
            print("   (jax is not installed here: the jax example is left out)")
        for label, path in planned:
            model = open_probe(path)
            predicted, actual, ratio = planner_ratios(model, repeats)
            print(f"   {label:<14} predicted {predicted:7.3f} s, ran {actual:7.3f} s (medians): "
                  f"predicted/ran {ratio:5.2f} (median of {repeats} pairs; load "
                  f"{os.getloadavg()[0]:.1f})")  # fmt: skip
            goals.append((f"planner {label}", abs(ratio - 1) <= 0.30))
            model.close()
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    print("\ngoals: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in goals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
