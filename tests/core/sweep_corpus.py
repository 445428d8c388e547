"""The verdict corpus: (expression, point, dtype, typed derivative, expected kind) cases with a
50-digit truth from mpmath, independent of fdgui's own extended-precision code.

The truth is mpmath's numerical differentiation (``mp.diff``) of the expression evaluated by
Python over mpmath functions, at the point rounded to the dtype (the point the finite
differences really see). Used by tests/core/test_verdict_corpus.py and by
benchmarks/bench_verdicts.py (which also runs numdifftools and scipy.differentiate on it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIGITS = 50


@dataclass(frozen=True)
class Case:
    expression: str
    point: float
    dtype: str
    kind: str  # the diagnosis kind that is right
    grad: str | None = None  # a typed derivative under check (None: the analytic one)
    group: str = ""

    @property
    def name(self) -> str:
        grad = f" grad={self.grad}" if self.grad else ""
        return f"{self.expression}@{self.point:g}[{self.dtype}]{grad}"


def _cases() -> list[Case]:
    cases: list[Case] = []

    def add(group: str, kind: str, rows: list[tuple]) -> None:
        for row in rows:
            expression, point, dtype, *rest = row
            cases.append(Case(expression, point, dtype, kind, rest[0] if rest else None, group))

    add(
        "smooth",
        "correct",
        [
            ("sin(w)*exp(-w**2)", 0.7, "float64"),
            ("sin(w)*exp(-w**2)", 0.7, "float32"),
            ("sin(w)*exp(-w**2)", 0.7, "float16"),
            ("sin(w)*exp(-w**2)", 0.7, "bfloat16"),
            ("exp(w)", 1.0, "float64"),
            ("exp(w)", 1.0, "float32"),
            ("exp(w)", 1.0, "float16"),
            ("exp(w)", 1.0, "bfloat16"),
            ("log(w)", 2.0, "float64"),
            ("tanh(w)", 0.5, "float64"),
            ("w**3", -2.0, "float64"),
            ("sigmoid(w)", 3.0, "float32"),
            ("arctan(w)", 10.0, "float64"),
            ("sqrt(w)", 4.0, "float16"),
            ("log1p(w)", 1e-3, "float64"),
            ("cosh(w)", 0.0, "float64"),
            ("w**4", 0.0, "float64"),
            ("1-cos(w)", 1e-8, "float64"),
            ("w**8", 0.01, "bfloat16"),
            ("expm1(w)/w", 0.5, "float64"),
            ("relu(w)", 5.0, "float64"),
            ("abs(w)", 3.0, "float32"),
            ("maximum(w, 0.3)", 2.0, "float16"),
        ],
    )
    add(
        "huge and tiny w",
        "correct",
        [
            ("sin(w)", 1e8, "float64"),
            ("cos(1e8+w)", 0.0, "float64"),
            ("cos(1e8+w)", 0.3, "float64"),
            ("exp(w)", -700.0, "float64"),
            ("exp(-w**2)", 1e-200, "float64"),
            ("w**2", 1e-150, "float64"),
            ("log(w)", 1e-10, "float64"),
            ("log(w)", 1e5, "float32"),
        ],
    )
    add(
        "saturated and flat",
        "correct",
        [
            ("tanh(w)", 20.0, "float64"),
            ("tanh(w)", 10.0, "float32"),
            ("sigmoid(w)", -40.0, "float64"),
            ("sigmoid(w)", 12.0, "float16"),
            ("exp(-w**2)", 6.0, "float64"),
        ],
    )
    add(
        "oscillating",
        "correct",
        [
            ("sin(100*w)", 0.3, "float64"),
            ("cos(1e4*w)", 0.1, "float64"),
            ("sin(1/w)", 0.01, "float64"),
            ("sin(w**2)", 30.0, "float32"),
        ],
    )
    add(
        "near poles",
        "correct",
        [
            ("1/w", 1e-3, "float64"),
            ("tan(w)", 1.5707, "float64"),
            ("tan(w)", 1.5707, "float32"),
            ("1/(w-1)", 1.0001, "float64"),
            ("log(w-1)", 1.001, "float32"),
        ],
    )
    add(
        "vanished",
        "vanished",
        [
            ("sin(w)", 1e300, "float64"),
            ("w**2", 1e120, "float64"),
            ("log(w)", 1e4, "float16"),
            ("sin(w)", 300.0, "bfloat16"),
        ],
    )
    add(
        "kinks at w",
        "kink",
        [
            ("abs(w)", 0.0, "float64"),
            ("abs(w)", 0.0, "float32"),
            ("abs(w)", 0.0, "float16"),
            ("abs(w)", 0.0, "bfloat16"),
            ("relu(w)", 0.0, "float64"),
            ("maximum(w, w**2)", 1.0, "float64"),
            ("sqrt(w**2)", 0.0, "float64"),
            ("abs(w-0.5)", 0.5, "float32"),
            ("minimum(w, 2-w)", 1.0, "float64"),
            ("abs(w)", 0.0, "float64", "0.5"),
            # ties in the losses' own arithmetic: the dtype's constant 0.1 equals its w,
            # np.exp(w) == 1 + w + w²/2 in float64, sin == cos in bfloat16 (review10i C1)
            ("relu(w-0.1)", 0.1, "float32", "0"),
            ("maximum(exp(w), 1+w+w**2/2)", 2.5e-7, "float64", "1.00000025"),
            ("minimum(sin(w), cos(w))", 0.78539816339, "bfloat16", "-0.70710678"),
        ],
    )
    add(
        "kinks near w",
        "kink",
        [
            ("abs(w-0.001)", 0.0, "float64"),
            ("relu(w)", 1e-6, "float64"),
            ("relu(w-1)+700", 0.5, "float64"),
            ("maximum(w, 0.3)", 0.29, "float32"),
            ("abs(w)/w+700", 0.5, "float64"),
            ("cos(w)+relu(w-0.2)", 0.0, "float64"),
        ],
    )
    add(
        # a branch switches exactly at w, but the one-sided slopes agree: differentiable
        "switch at w, differentiable",
        "correct",
        [
            ("w*abs(w)", 0.0, "float64"),
            ("abs(w)**3", 0.0, "float64"),
            ("relu(w)**2", 0.0, "float32"),
            ("abs(w)**1.5", 0.0, "float64"),
            ("maximum(w, 1)**2 - 2*relu(w - 1)", 1.0, "float64"),
        ],
    )
    add(
        "undefined",
        "undefined",
        [
            ("log(abs(w))", 0.0, "float64"),
            ("(-1)**w", 0.3, "float64"),
            ("1/w", 0.0, "float64"),
            ("sqrt(w)", 0.0, "float64"),
            ("log(w)", -1.0, "float32"),
            ("abs(w)/w", 0.0, "float64"),
            ("arcsin(w)", 1.0, "float64"),
            # a one-sided derivative is infinite at w (a vertical tangent), not a finite kink
            ("sqrt(abs(w))", 0.0, "float64"),
            ("relu(w)**0.5", 0.0, "float32"),
            ("abs(w-1)**0.75", 1.0, "float64"),
            ("abs(w)**(1/3)", 0.0, "float64", "0"),
        ],
    )
    # a pole closer to w than the smallest ε the dtype can form: no finite difference
    # resolves the derivative, which exists (review10i M3): the exact value is read ...
    add(
        "a pole within every ε, read",
        "estimate",
        [
            ("tan(w)", 1.5707963267948966, "float64"),
            ("tan(w)", 1.5707963267948966, "float32"),
        ],
    )
    add(  # ... or a reference confirms the gradient under check
        "a pole within every ε, confirmed",
        "correct",
        [
            ("tan(w)", 1.5707, "float16"),
            ("1/cos(w)", 1.5707963267948966, "float64", "2.667093788113571e+32"),
            ("1/cos(w)", 1.5707, "float16"),
        ],
    )
    add(
        "typed derivative, right",
        "correct",
        [
            ("sin(w)", 0.7, "float64", "cos(w)"),
            ("w**3", 2.0, "float32", "3*w**2"),
            ("exp(w)*sin(w)", 1.0, "float16", "exp(w)*(sin(w)+cos(w))"),
            ("w**2", 3.0, "bfloat16", "6"),
            # the claim's own rounding (core/sweep/claim.py; review10i H1, C3): 8 digits as
            # numpy prints them; the exact derivative rounded to bfloat16 and to float32
            ("sin(w)", 0.7, "float64", "0.76484219"),
            ("sin(w)", 0.7, "bfloat16", "0.765625"),
            ("sin(w)", 0.7, "float32", "0.7648422122001648"),
        ],
    )
    add(
        "typed derivative, wrong",
        "wrong",
        [
            ("sin(w)", 0.7, "float64", "cos(w)+1e-3"),
            ("exp(w)", 1.0, "float64", "exp(w)*1.01"),
            ("w**3", 2.0, "float64", "3*w"),
            ("tanh(w)", 0.5, "float32", "1-tanh(w)"),
            ("sin(w)", 0.7, "bfloat16", "2*cos(w)"),
            ("abs(w)", 0.0, "float64", "5"),
            ("relu(w-1)+700", 0.5, "float64", "1"),
            ("sin(w)", 1e300, "float64", "cos(w)+1"),
            # a typed number is a claim to half a unit of its last digit (core/sweep/claim.py):
            # wrong beyond that ("0.2" would allow 0.15, "1.6" the float32 1.6487)
            ("w**2/2", 0.15, "float64", "0.20"),
            ("w**6", 0.0, "float64", "0.1"),
            ("w**3", 0.1, "float64", "2e-2"),
            ("sin(w)", 0.0, "float64", "0.9"),
            ("abs(w)", 0.0, "float64", "1.1"),
            ("log(w)", 1e250, "float64", "2e-250"),
            ("1-cos(w)", 1e-8, "float64", "1.001e-08"),
            ("exp(w)", 0.5, "float32", "1.60"),
            ("abs(w)**1.5", 0.0, "float64", "1e-3"),
        ],
    )
    return cases


CASES: tuple[Case, ...] = tuple(_cases())


def rounded(point: float, dtype: str) -> float:
    from fdgui.core.numbers.precision import numpy_dtype

    return float(np.asarray(point, dtype=np.float64).astype(numpy_dtype(dtype)))


def truth(case: Case, constants: str = "float64"):
    """The derivative at the dtype-rounded point to 50 digits (an mpmath number), or None
    where none exists (kinks at w, undefined points). ``constants``: the format the typed
    constants are read in — float64 for the float64 losses complex step and Richardson
    differentiate, the case's dtype for the analytic reference (the function the dtype's
    losses compute, docs/DIAGNOSIS.md)."""
    import mpmath as mp

    if case.kind in ("undefined",) or (case.kind == "kink" and case.group == "kinks at w"):
        return None
    names = {
        "sin": mp.sin,
        "cos": mp.cos,
        "tan": mp.tan,
        "exp": mp.exp,
        "expm1": mp.expm1,
        "log": mp.log,
        "log1p": mp.log1p,
        "sqrt": mp.sqrt,
        "tanh": mp.tanh,
        "cosh": mp.cosh,
        "arctan": mp.atan,
        "arcsin": mp.asin,
        "sigmoid": lambda x: 1 / (1 + mp.exp(-x)),
        "square": lambda x: x * x,
        "sinh": mp.sinh,
        "arcsinh": mp.asinh,
        "arccos": mp.acos,
        "atan": mp.atan,
        "log10": mp.log10,
        "log2": lambda x: mp.log(x, 2),
        "abs": abs,
        "relu": lambda x: x if x > 0 else mp.mpf(0),
        "maximum": lambda a, b: a if a >= b else b,
        "minimum": lambda a, b: a if a <= b else b,
        "pi": mp.mpf(_constant(float(np.pi), constants)),
        "e": mp.mpf(_constant(float(np.e), constants)),
    }
    code = _exact_constants(case.expression, constants)
    point = rounded(case.point, case.dtype)
    decades = abs(int(np.log10(abs(point)))) if point != 0 else 0
    extra = 0
    while True:  # raise the digits until a derivative far below the value shows (e^-700)
        estimates = []
        for exponent in (30, 45):
            # a step of 10^-exponent (relative below |w| = 1) and digits enough to see the
            # loss change by L'·h next to L itself, 50 to spare
            with mp.workdps(DIGITS + 2 * exponent + 2 * decades + extra):
                w = mp.mpf(point)

                def function(x):
                    scope = {**names, "w": x, "mpf": mp.mpf}
                    return eval(code, {"__builtins__": {}}, scope)

                step = mp.mpf(10) ** -exponent * (abs(w) if 0 < abs(w) < 1 else 1)
                estimates.append(+mp.diff(function, w, h=step))
        with mp.workdps(DIGITS + 20):
            settled = abs(estimates[0] - estimates[1]) <= abs(estimates[1]) * mp.mpf(10) ** -30
        if (settled and estimates[1] != 0) or extra >= 1200:
            break
        extra += 400
    with mp.workdps(DIGITS + 20):
        value = mp.mpf(estimates[1])
        # the two steps' difference: how far the finer one may still be from the derivative
        return Truth(value, abs(estimates[0] - estimates[1]))


def _constant(value: float, constants: str) -> float:
    """A typed constant as the losses in ``constants`` hold it (float64 first, as typed)."""
    return rounded(value, constants) if constants != "float64" else value


def _exact_constants(text: str, constants: str = "float64"):
    """The expression with every number an mpmath number, so that a part without w (such as
    abs(0.1)**2) is computed exactly rather than in Python floats."""
    import ast

    class Wrap(ast.NodeTransformer):
        def visit_Constant(self, node: ast.Constant) -> ast.AST:
            number = ast.Constant(_constant(float(node.value), constants))
            call = ast.Call(ast.Name("mpf", ast.Load()), [number], [])
            return ast.copy_location(call, node)

    tree = ast.fix_missing_locations(Wrap().visit(ast.parse(text, mode="eval")))
    return compile(tree, "<truth>", "eval")


class Truth:
    """The derivative to 50 digits and the uncertainty its finite step leaves (tiny unless a
    higher derivative is unbounded at w: 0 at a point where only one side curves)."""

    def __init__(self, value, uncertainty) -> None:
        self.value = value
        self.uncertainty = uncertainty

    def __float__(self) -> float:
        return float(self.value)


def bounds(value: float, error: float, truth) -> bool:
    """Whether value ± error contains the truth (allowing the truth's own uncertainty: 1e-45
    relative, and what its finite step may leave)."""
    import mpmath as mp

    with mp.workdps(DIGITS + 20):
        slack = abs(truth.value) * mp.mpf(10) ** (5 - DIGITS) + truth.uncertainty
        return abs(mp.mpf(value) - truth.value) <= mp.mpf(error) + slack
