"""A small, safe expression language in one variable ``w``, evaluated with numpy.

Typed text is parsed with :mod:`ast` and checked against a whitelist before anything runs:
numbers, the names ``w``, ``pi`` and ``e``, ``+ - * / **``, unary signs and calls of the
named functions in :data:`FUNCTIONS` with positional arguments. Nothing else is accepted:
no attribute access, no subscripts, no lambdas or comprehensions, no builtins. The checked
tree is compiled into plain Python closures over numpy ufuncs, so evaluating never calls
``eval`` and never sees a name outside the whitelist.

The compiled expression evaluates

- vectorised over an array of ``w`` values in a chosen floating-point format (every
  constant and every intermediate result is rounded to that format, as a training framework
  running in that dtype would);
- in complex128, for the complex-step derivative, when every function used is analytic;
- together with its exact derivative (forward-mode differentiation of the same tree), which
  is the analytic reference for a sweep.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fdgui.core.numbers.parsing import InputError

MAX_CHARACTERS = 500
MAX_NODES = 400
MAX_DEPTH = 40

Array = np.ndarray
Evaluator = Callable[[Array], Array]
DualEvaluator = Callable[[Array], tuple[Array, Array]]


def _sigmoid(x: Array) -> Array:
    one = np.ones_like(x)
    return one / (one + np.exp(-x))


def _relu(x: Array) -> Array:
    return np.maximum(x, np.zeros_like(x))


def _sign_like(x: Array) -> Array:
    return np.sign(np.real(x)).astype(np.float64)


# name -> (numpy function, number of arguments, analytic (complex-step safe), derivative rule)
# A derivative rule maps (argument values, function value) to d(function)/d(argument) for
# one-argument functions; two-argument functions are handled in _dual_call.
@dataclass(frozen=True)
class _Function:
    function: Callable[..., Array]
    arity: int
    analytic: bool
    derivative: Callable[[Array, Array], Array] | None = None
    description: str = ""


FUNCTIONS: dict[str, _Function] = {
    "sin": _Function(np.sin, 1, True, lambda x, y: np.cos(x), "sine"),
    "cos": _Function(np.cos, 1, True, lambda x, y: -np.sin(x), "cosine"),
    "tan": _Function(np.tan, 1, True, lambda x, y: 1.0 + y * y, "tangent"),
    "exp": _Function(np.exp, 1, True, lambda x, y: y, "e to the power"),
    "expm1": _Function(np.expm1, 1, True, lambda x, y: y + 1.0, "exp(x) − 1, accurate near 0"),
    "log": _Function(np.log, 1, True, lambda x, y: 1.0 / x, "natural logarithm"),
    "log1p": _Function(np.log1p, 1, True, lambda x, y: 1.0 / (1.0 + x), "log(1 + x)"),
    "log10": _Function(np.log10, 1, True, lambda x, y: 1.0 / (x * np.log(10.0)), "log base 10"),
    "log2": _Function(np.log2, 1, True, lambda x, y: 1.0 / (x * np.log(2.0)), "log base 2"),
    "sqrt": _Function(np.sqrt, 1, True, lambda x, y: 0.5 / y, "square root"),
    "sinh": _Function(np.sinh, 1, True, lambda x, y: np.cosh(x), "hyperbolic sine"),
    "cosh": _Function(np.cosh, 1, True, lambda x, y: np.sinh(x), "hyperbolic cosine"),
    "tanh": _Function(np.tanh, 1, True, lambda x, y: 1.0 - y * y, "hyperbolic tangent"),
    "arctan": _Function(np.arctan, 1, True, lambda x, y: 1.0 / (1.0 + x * x), "inverse tangent"),
    "atan": _Function(np.arctan, 1, True, lambda x, y: 1.0 / (1.0 + x * x), "inverse tangent"),
    "arcsin": _Function(
        np.arcsin, 1, True, lambda x, y: 1.0 / np.sqrt(1.0 - x * x), "inverse sine"
    ),
    "arccos": _Function(
        np.arccos, 1, True, lambda x, y: -1.0 / np.sqrt(1.0 - x * x), "inverse cosine"
    ),
    "arcsinh": _Function(
        np.arcsinh, 1, True, lambda x, y: 1.0 / np.sqrt(x * x + 1.0), "inverse sinh"
    ),
    "sigmoid": _Function(_sigmoid, 1, True, lambda x, y: y * (1.0 - y), "1 / (1 + exp(−x))"),
    "square": _Function(np.square, 1, True, lambda x, y: 2.0 * x, "x²"),
    "abs": _Function(np.abs, 1, False, lambda x, y: _sign_like(x), "absolute value (kink at 0)"),
    "relu": _Function(
        _relu, 1, False, lambda x, y: (np.real(x) > 0).astype(np.float64), "max(x, 0)"
    ),
    "maximum": _Function(np.maximum, 2, False, None, "larger of two values (kink where equal)"),
    "minimum": _Function(np.minimum, 2, False, None, "smaller of two values (kink where equal)"),
}
CONSTANTS: dict[str, float] = {"pi": float(np.pi), "e": float(np.e)}
VARIABLE = "w"

_BINARY_SYMBOLS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED_OPERATORS = {
    ast.BitXor: "'^' is not a power here; write w**2",
    ast.FloorDiv: "'//' is not supported; use '/'",
    ast.Mod: "'%' is not supported",
    ast.MatMult: "'@' is not supported",
    ast.LShift: "'<<' is not supported",
    ast.RShift: "'>>' is not supported",
    ast.BitOr: "'|' is not supported",
    ast.BitAnd: "'&' is not supported",
}


class ExpressionError(InputError):
    """An expression that cannot be used: ``message`` says why, ``position`` (1-based column)
    says where when known, ``unknown_names`` lists names outside the whitelist."""

    def __init__(
        self,
        message: str,
        position: int | None = None,
        unknown_names: tuple[str, ...] = (),
        field: str = "expression",
    ) -> None:
        where = f" (at column {position})" if position is not None else ""
        super().__init__(field, message + where)
        self.position = position
        self.unknown_names = unknown_names


@dataclass(frozen=True)
class Expression:
    """A checked expression in ``w``: evaluate it in a dtype, in complex, or with its derivative."""

    text: str
    functions_used: tuple[str, ...]
    uses_w: bool
    _value: Evaluator = field(repr=False, compare=False)
    _dual: DualEvaluator = field(repr=False, compare=False)

    @property
    def analytic(self) -> bool:
        """True when every function used is analytic, so the complex-step derivative is exact."""
        return all(FUNCTIONS[name].analytic for name in self.functions_used)

    @property
    def kinks(self) -> tuple[str, ...]:
        """The non-smooth functions used (abs, relu, maximum, minimum)."""
        return tuple(name for name in self.functions_used if not FUNCTIONS[name].analytic)

    def evaluate(self, w: Array | float, dtype: np.dtype | str = "float64") -> Array:
        """Values at ``w``, computed in ``dtype`` (``w`` is first rounded to ``dtype``).

        Non-finite results (log of a negative number, overflow) come back as nan/inf, never as
        an exception.
        """
        dtype = _as_dtype(dtype)
        values = np.asarray(w).astype(dtype)
        with np.errstate(all="ignore"):
            result = self._value(values)
        return np.broadcast_to(np.asarray(result).astype(dtype), values.shape).copy()

    def evaluate_complex(self, w: Array | complex) -> Array:
        """Values at complex ``w`` in complex128 (meaningful for analytic expressions)."""
        values = np.asarray(w, dtype=np.complex128)
        with np.errstate(all="ignore"):
            result = self._value(values)
        return np.broadcast_to(np.asarray(result, dtype=np.complex128), values.shape).copy()

    def derivative(self, w: Array | float) -> Array:
        """The exact derivative d/dw at ``w`` in float64 (forward-mode on the same tree)."""
        values = np.asarray(w, dtype=np.float64)
        with np.errstate(all="ignore"):
            _, slope = self._dual(values)
        return np.broadcast_to(np.asarray(slope, dtype=np.float64), values.shape).copy()


def _as_dtype(dtype: np.dtype | str) -> np.dtype:
    if isinstance(dtype, str):
        if dtype == "complex128":
            return np.dtype(np.complex128)
        from fdgui.core.numbers.precision import numpy_dtype

        return numpy_dtype(dtype)
    return np.dtype(dtype)


def parse_expression(text: str, field: str = "expression") -> Expression:
    """Check ``text`` against the whitelist and compile it; raise ExpressionError if refused."""
    if text is None or not text.strip():
        raise ExpressionError(
            "enter an expression in w, for example sin(w)*exp(-w**2)", field=field
        )
    from fdgui.core.numbers.parsing import MINUS_SIGNS

    # the minus signs people paste (−, –, －, …) read as in every number
    cleaned = text.strip().translate(MINUS_SIGNS).replace("\u00d7", "*")
    if len(cleaned) > MAX_CHARACTERS:
        raise ExpressionError(
            f"too long ({len(cleaned)} characters; at most {MAX_CHARACTERS})", field=field
        )
    depth = _bracket_depth(cleaned)
    if depth > MAX_DEPTH:
        raise ExpressionError(
            f"nested too deeply ({depth} brackets; at most {MAX_DEPTH})", field=field
        )
    try:
        with warnings.catch_warnings():  # "1if w": a warning on stderr otherwise
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(cleaned, mode="eval")
    except SyntaxWarning as warning:
        raise ExpressionError(f"syntax error: {warning}", field=field) from None
    except SyntaxError as error:
        implicit = _IMPLICIT_PRODUCT.search(cleaned)
        if implicit is not None and "decimal literal" in (error.msg or ""):
            number, name = implicit.group(1), implicit.group(2)
            if name in FUNCTIONS:
                name += "(…)"
            raise ExpressionError(
                f"write {number}*{name} for a product: '*' cannot be left out",
                position=implicit.start(2) + 1,
                field=field,
            ) from None
        detail = (error.msg or "invalid syntax").replace(
            "'(' was never closed", "a '(' is never closed"
        )
        raise ExpressionError(
            f"syntax error: {detail}", position=error.offset, field=field
        ) from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise ExpressionError(f"cannot read this expression ({error})", field=field) from None
    checker = _Checker(field, cleaned)
    checker.visit(tree)
    checker.finish()
    value = _compile_value(tree.body)
    dual = _compile_dual(tree.body)
    return Expression(
        text=cleaned,
        functions_used=tuple(sorted(checker.functions)),
        uses_w=checker.uses_w,
        _value=value,
        _dual=dual,
    )


_IMPLICIT_PRODUCT = re.compile(
    r"(?<![A-Za-z_0-9.])(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)([A-Za-z_][A-Za-z_0-9]*)"
)


def _nonzero_digits(literal: str) -> bool:
    """A typed float literal whose digits before its exponent are not all zeros."""
    mantissa = re.split("[eE]", literal, maxsplit=1)[0]
    return any(digit in mantissa for digit in "123456789")


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for character in text:
        if character in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]}":
            depth -= 1
    return deepest


class _Checker(ast.NodeVisitor):
    """Walks the tree once and refuses anything outside the whitelist, naming what and where."""

    def __init__(self, field: str, text: str | None = None) -> None:
        self.field = field
        self.text = text
        self.nodes = 0
        self.depth = 0
        self.unknown: dict[str, int] = {}
        self.functions: set[str] = set()
        self.uses_w = False

    def _refuse(self, message: str, node: ast.AST | None = None) -> None:
        column = getattr(node, "col_offset", None)
        raise ExpressionError(
            message, position=None if column is None else column + 1, field=self.field
        )

    def visit(self, node: ast.AST) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self._refuse(f"too many parts (more than {MAX_NODES}); simplify the expression")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self._refuse(f"nested too deeply (more than {MAX_DEPTH} levels)", node)
        try:
            super().visit(node)
        finally:
            self.depth -= 1

    def finish(self) -> None:
        if self.unknown:
            names = ", ".join(sorted(self.unknown))
            allowed = ", ".join(sorted(FUNCTIONS))
            first = min(self.unknown.values())
            raise ExpressionError(
                f"unknown name{'s' if len(self.unknown) > 1 else ''}: {names}. Use w, pi, e "
                f"and the functions {allowed}",
                position=first,
                unknown_names=tuple(sorted(self.unknown)),
                field=self.field,
            )

    def generic_visit(self, node: ast.AST) -> None:
        kind = type(node).__name__
        messages = {
            "Attribute": "attribute access ('.') is not allowed",
            "Subscript": "indexing ('[ ]') is not allowed",
            "Lambda": "lambda is not allowed",
            "ListComp": "comprehensions are not allowed",
            "GeneratorExp": "comprehensions are not allowed",
            "SetComp": "comprehensions are not allowed",
            "DictComp": "comprehensions are not allowed",
            "Compare": "comparisons are not allowed; use maximum or minimum",
            "BoolOp": "'and' / 'or' are not allowed",
            "IfExp": "'if … else' is not allowed; use maximum or minimum",
            "NamedExpr": "':=' is not allowed",
            "Tuple": "tuples are not allowed",
            "List": "lists are not allowed",
            "Dict": "dictionaries are not allowed",
            "Set": "sets are not allowed",
            "JoinedStr": "strings are not allowed",
            "Starred": "'*' unpacking is not allowed",
            "Await": "'await' is not allowed",
            "Yield": "'yield' is not allowed",
            "YieldFrom": "'yield' is not allowed",
            "Slice": "slices are not allowed",
        }
        self._refuse(messages.get(kind, f"{kind} is not allowed here"), node)

    def visit_Expression(self, node: ast.Expression) -> None:
        self.visit(node.body)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            kinds = {str: "text in quotes", complex: "complex numbers", bytes: "bytes"}
            what = kinds.get(type(node.value), f"values of type {type(node.value).__name__}")
            self._refuse(f"{what} not allowed; only real numbers", node)
        typed = ast.get_source_segment(self.text, node) if self.text else None
        literal = self._literal(typed)
        try:
            number = float(node.value)
        except OverflowError:
            number = float("inf")
        if not np.isfinite(number):
            self._refuse(
                f"{literal}is too large: beyond the range of 64-bit floating point (≈1.8e308)",
                node,
            )
        if number == 0 and isinstance(node.value, float) and _nonzero_digits(typed or ""):
            # Python reads 1e-1000000 as 0.0 without a word: say it instead
            self._refuse(
                f"{literal}is too small: below the smallest 64-bit float (≈4.9e-324); "
                "enter zero as 0",
                node,
            )

    @staticmethod
    def _literal(typed: str | None) -> str:
        """The number as typed, quoted and shortened, with a space after it."""
        if not typed:
            return "this number "
        return f"“{typed}” " if len(typed) <= 40 else f"“{typed[:19]}…{typed[-19:]}” "

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == VARIABLE:
            self.uses_w = True
        elif node.id in CONSTANTS:
            pass
        elif node.id in FUNCTIONS:
            self._refuse(f"{node.id} is a function: write {node.id}(…)", node)
        else:
            self.unknown.setdefault(node.id, node.col_offset + 1)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) not in _BINARY_SYMBOLS:
            message = _REFUSED_OPERATORS.get(type(node.op), "operator not allowed")
            column = self._operator_column(node)
            if isinstance(node.op, ast.BitXor):
                left, right = ast.unparse(node.left), ast.unparse(node.right)
                if self.text is not None and column is not None:
                    left = self.text[node.col_offset : column - 1].strip() or left
                    right = self.text[column : node.end_col_offset].strip() or right
                message = f"'^' is not a power here; write {left}**{right}"
            raise ExpressionError(message, position=column, field=self.field)
        # A flat chain a + b + c + … nests to the left in the tree; it is read in one pass and
        # is not deep nesting, so the left operand does not count as a level. Right-nested
        # and bracketed nesting (w**w**w…, ((…))) still counts.
        if isinstance(node.left, ast.BinOp):
            self.depth -= 1
            try:
                self.visit(node.left)
            finally:
                self.depth += 1
        else:
            self.visit(node.left)
        self.visit(node.right)

    def _operator_column(self, node: ast.BinOp) -> int | None:
        """1-based column of the operator between the operands (not of the left operand)."""
        end = getattr(node.left, "end_col_offset", None)
        if end is None or self.text is None:
            return node.col_offset + 1
        index = end
        while index < len(self.text) and self.text[index] in " )":
            index += 1
        return index + 1

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, ast.UAdd | ast.USub):
            self._refuse("only + and − signs are allowed in front of a value", node)
        self.visit(node.operand)

    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            self._refuse("only the named functions can be called", node)
        name = node.func.id  # type: ignore[union-attr]
        if name not in FUNCTIONS:
            if name in CONSTANTS or name == VARIABLE:
                self._refuse(f"{name} is not a function", node)
            self.unknown.setdefault(name, node.col_offset + 1)
            return  # its arguments are never looked at: the call itself is refused
        if node.keywords:
            self._refuse(f"{name}() takes no keyword arguments", node)
        arity = FUNCTIONS[name].arity
        if len(node.args) != arity:
            plural = "s" if arity > 1 else ""
            self._refuse(f"{name}() takes {arity} argument{plural}, not {len(node.args)}", node)
        self.functions.add(name)
        for argument in node.args:
            self.visit(argument)


def _constant(value: float) -> Evaluator:
    def evaluate(w: Array) -> Array:
        if w.dtype.kind == "c":
            return np.asarray(value, dtype=w.dtype)
        return np.asarray(value, dtype=np.float64).astype(w.dtype)

    return evaluate


def _compile_value(node: ast.AST) -> Evaluator:
    """Closures over numpy functions; every result keeps the dtype of ``w``."""
    if isinstance(node, ast.Constant):
        return _constant(float(node.value))
    if isinstance(node, ast.Name):
        if node.id == VARIABLE:
            return lambda w: w
        return _constant(CONSTANTS[node.id])
    if isinstance(node, ast.UnaryOp):
        operand = _compile_value(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda w: -operand(w)
        return operand
    if isinstance(node, ast.BinOp):
        left, right = _compile_value(node.left), _compile_value(node.right)
        operator = {
            ast.Add: np.add,
            ast.Sub: np.subtract,
            ast.Mult: np.multiply,
            ast.Div: np.divide,
            ast.Pow: np.power,
        }[type(node.op)]

        def binary(w: Array) -> Array:
            return _keep(operator(left(w), right(w)), w)

        return binary
    if isinstance(node, ast.Call):
        function = FUNCTIONS[node.func.id].function  # type: ignore[union-attr]
        arguments = [_compile_value(argument) for argument in node.args]

        def call(w: Array) -> Array:
            return _keep(function(*(argument(w) for argument in arguments)), w)

        return call
    raise ExpressionError(f"{type(node).__name__} is not allowed")  # unreachable after checking


def _keep(result: Array, w: Array) -> Array:
    """Round a result to the dtype of ``w`` (numpy may promote mixed operands)."""
    result = np.asarray(result)
    return result if result.dtype == w.dtype else result.astype(w.dtype)


def _compile_dual(node: ast.AST) -> DualEvaluator:
    """Forward-mode derivative: each closure returns (value, d value / d w) in float64."""
    if isinstance(node, ast.Constant):
        number = float(node.value)
        return lambda w: (np.full_like(w, number), np.zeros_like(w))
    if isinstance(node, ast.Name):
        if node.id == VARIABLE:
            return lambda w: (w, np.ones_like(w))
        number = CONSTANTS[node.id]
        return lambda w: (np.full_like(w, number), np.zeros_like(w))
    if isinstance(node, ast.UnaryOp):
        operand = _compile_dual(node.operand)
        if isinstance(node.op, ast.USub):

            def negate(w: Array) -> tuple[Array, Array]:
                value, slope = operand(w)
                return -value, -slope

            return negate
        return operand
    if isinstance(node, ast.BinOp):
        left, right = _compile_dual(node.left), _compile_dual(node.right)
        kind = type(node.op)

        def binary(w: Array) -> tuple[Array, Array]:
            a, da = left(w)
            b, db = right(w)
            if kind is ast.Add:
                return a + b, da + db
            if kind is ast.Sub:
                return a - b, da - db
            if kind is ast.Mult:
                return a * b, da * b + a * db
            if kind is ast.Div:
                return a / b, (da * b - a * db) / (b * b)
            value = np.power(a, b)
            # d(a^b) = b a^(b−1) da + a^b log(a) db; the log term only where b varies
            slope = np.where(da != 0, b * np.power(a, b - 1.0) * da, 0.0)
            slope = slope + np.where(db != 0, value * np.log(np.abs(a)) * db, 0.0)
            return value, slope

        return binary
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[union-attr]
        spec = FUNCTIONS[name]
        arguments = [_compile_dual(argument) for argument in node.args]
        if spec.arity == 1:
            (argument,) = arguments

            def unary(w: Array) -> tuple[Array, Array]:
                x, dx = argument(w)
                value = spec.function(x)
                return value, spec.derivative(x, value) * dx  # type: ignore[misc]

            return unary
        first, second = arguments
        take_first = np.greater_equal if name == "maximum" else np.less_equal

        def pair(w: Array) -> tuple[Array, Array]:
            a, da = first(w)
            b, db = second(w)
            chosen = take_first(a, b)
            return np.where(chosen, a, b), np.where(chosen, da, db)

        return pair
    raise ExpressionError(f"{type(node).__name__} is not allowed")
