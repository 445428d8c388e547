"""Richardson reference vs numdifftools.Derivative and scipy.differentiate.derivative.

Each method differentiates the same smooth test functions at the same points; errors are
relative to 40-digit mpmath derivatives and evaluations are counted per derivative (every
point a method evaluates counts once, arrays included). Run:

    .venv/bin/python benchmarks/bench_richardson.py

Needs the ``bench`` extra (numdifftools, scipy, mpmath).
"""

from __future__ import annotations

import statistics
import time
import warnings

import mpmath
import numpy as np

from fdgui.core.sweep.references import richardson

mpmath.mp.dps = 40

# name, numpy function, mpmath function, point
FUNCTIONS = [
    ("exp(x) at 1", np.exp, mpmath.exp, 1.0),
    ("sin(x) at 0.7", np.sin, mpmath.sin, 0.7),
    ("cos(x) at 2", np.cos, mpmath.cos, 2.0),
    ("log(x) at 1.5", np.log, mpmath.log, 1.5),
    ("sqrt(x) at 2", np.sqrt, mpmath.sqrt, 2.0),
    ("tanh(x) at 0.5", np.tanh, mpmath.tanh, 0.5),
    ("atan(x) at 1", np.arctan, mpmath.atan, 1.0),
    ("1/(1+x²) at 0.5", lambda x: 1 / (1 + x * x), lambda x: 1 / (1 + x * x), 0.5),
    ("exp(-x²) at 0.8", lambda x: np.exp(-x * x), lambda x: mpmath.exp(-x * x), 0.8),
    ("x³ sin(x) at 1.2", lambda x: x**3 * np.sin(x), lambda x: x**3 * mpmath.sin(x), 1.2),
    ("log1p(x) at 0.3", np.log1p, mpmath.log1p, 0.3),
    ("sin(exp(x)) at 0.4", lambda x: np.sin(np.exp(x)), lambda x: mpmath.sin(mpmath.exp(x)), 0.4),
    ("1/x at 0.5", lambda x: 1 / x, lambda x: 1 / x, 0.5),
    ("sigmoid(x) at 0.3", lambda x: 1 / (1 + np.exp(-x)), lambda x: 1 / (1 + mpmath.exp(-x)), 0.3),
]


class Counted:
    """Wraps a function and counts the points it is evaluated at."""

    def __init__(self, function):
        self.function = function
        self.count = 0

    def __call__(self, x):
        self.count += int(np.size(x))
        return self.function(x)


def ours(function, x):
    counted = Counted(function)
    result = richardson(counted, x)
    return result.value, counted.count, result.error


def numdifftools_default(function, x):
    import numdifftools as nd

    counted = Counted(function)
    value = float(nd.Derivative(counted)(x))
    return value, counted.count, None


def scipy_default(function, x):
    from scipy.differentiate import derivative

    counted = Counted(function)
    result = derivative(counted, x)
    return float(result.df), counted.count, float(result.error)


def central_cube_root(function, x):
    counted = Counted(function)
    h = (2.0**-53) ** (1 / 3) * max(1.0, abs(x))
    value = (counted(np.array([x + h]))[0] - counted(np.array([x - h]))[0]) / (2 * h)
    return float(value), counted.count, None


METHODS = [
    ("fdgui Richardson", ours),
    ("numdifftools.Derivative", numdifftools_default),
    ("scipy.differentiate", scipy_default),
    ("central at u^(1/3)", central_cube_root),
]


def main() -> None:
    warnings.simplefilter("ignore")
    exact = {name: mpmath.diff(g, mpmath.mpf(x)) for name, _, g, x in FUNCTIONS}
    summary = {}
    print(f"{len(FUNCTIONS)} functions, references: mpmath.diff at {mpmath.mp.dps} digits\n")
    header = f"{'function':<20}" + "".join(f"{name:>26}" for name, _ in METHODS)
    print(header)
    rows = {name: [] for name, _ in METHODS}
    bounded = 0
    for name, function, _, x in FUNCTIONS:
        line = f"{name:<20}"
        for method_name, method in METHODS:
            started = time.perf_counter()
            value, evaluations, error = method(function, x)
            seconds = time.perf_counter() - started
            relative = float(abs(mpmath.mpf(value) - exact[name]) / abs(exact[name]))
            rows[method_name].append((relative, evaluations, seconds))
            line += f"{relative:>17.1e} ({evaluations:>3} ev)"
            if method_name == "fdgui Richardson" and abs(mpmath.mpf(value) - exact[name]) <= error:
                bounded += 1
        print(line)
    print()
    for method_name, values in rows.items():
        failed = sum(1 for v in values if not np.isfinite(v[0]))
        errors = [v[0] if np.isfinite(v[0]) else np.inf for v in values]  # a failure is worst
        evaluations = [v[1] for v in values]
        summary[method_name] = (
            statistics.median(errors),
            max(errors),
            statistics.median(evaluations),
            statistics.median(v[2] for v in values),
        )
        median, worst, count, seconds = summary[method_name]
        print(
            f"{method_name:<24} median rel. error {median:.2e}  worst {worst:.2e}  "
            f"median evaluations {count:g}  median time {seconds * 1e6:.0f} µs"
            + (f"  ({failed} returned nan)" if failed else "")
        )
    ours_median, ours_worst, ours_count, _ = summary["fdgui Richardson"]
    print()
    for method_name in ("numdifftools.Derivative", "scipy.differentiate", "central at u^(1/3)"):
        median, worst, count, _ = summary[method_name]
        print(
            f"fdgui / {method_name:<24}: median error ×{ours_median / median:.2g}, "
            f"worst ×{ours_worst / worst:.2g}, evaluations ×{ours_count / count:.2g}"
        )
    print(
        f"\nRichardson's error estimate bounds its actual error on {bounded} of "
        f"{len(FUNCTIONS)} functions"
    )
    goal = ours_median <= 2e-14 and ours_worst <= 2e-13 and ours_count <= 15
    print(f"goal (median ≤ 2e-14, worst ≤ 2e-13, ≤ 15 evaluations): {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
