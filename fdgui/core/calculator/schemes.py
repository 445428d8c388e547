"""Finite-difference schemes on typed losses: central, forward, backward, curvature, cancellation.

central = (L+ − L−)/(2ε); forward = (L+ − L)/ε; backward = (L − L−)/ε;
curvature L'' ≈ (L+ − 2L + L−)/ε²; one-sided truncation ≈ |L''|·ε/2.
Sums, differences and products of what was typed are exact decimal arithmetic; a quotient
is exact when it ends, else rounded once to the working precision (rounding.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fdgui.core.calculator.rounding import EXACT, Quotients, exact_quotient
from fdgui.core.calculator.sent_reference import own_error
from fdgui.core.calculator.table_cells import _looks_numeric, _split_table_line
from fdgui.core.calculator.terms import term_rounding
from fdgui.core.numbers.parsing import (
    CONTEXT,
    InputError,
    parse_number,
    text_lines,
    typed_precision,
)
from fdgui.core.numbers.typed_claim import claim_half_unit
from fdgui.core.numbers.verdicts import (
    BINARY_SAFETY,
    RELATIVE_ERROR_FLOOR,
    Comparison,
    compare,
    plausible_truncation,
    unseen_feature,
)

# Field keys, in the order a person fills them in.
FIELDS: tuple[str, ...] = ("loss", "loss_plus", "loss_minus", "epsilon", "backprop")
FIELD_NAMES: dict[str, str] = {
    "loss": "L",
    "loss_plus": "L(w+ε)",
    "loss_minus": "L(w−ε)",
    "epsilon": "ε",
    "backprop": "backprop gradient",
}
# The seed's Example 1.
DEFAULT_TEXTS: dict[str, str] = {
    "loss": "0.85",
    "loss_plus": "0.85005",
    "loss_minus": "0.84995",
    "epsilon": "0.0001",
    "backprop": "",
}


@dataclass(frozen=True)
class Inputs:
    """The numbers a person typed; ``loss`` and ``backprop`` are optional."""

    loss_plus: Decimal
    loss_minus: Decimal
    epsilon: Decimal
    loss: Decimal | None = None
    backprop: Decimal | None = None
    # None for typed decimals (each stands for ± half a unit in its last digit). For losses
    # that are binary numbers of a known format (sent by the ε explorer), the format's unit
    # round-off u: each loss is then uncertain by about u·|L|, whatever digits its text has.
    loss_roundoff: Decimal | None = None
    # None for typed rows (the losses were taken at w ± ε). For losses sent by the ε explorer,
    # the steps really taken, (h+, h−) = ((w+ε)_dtype − w, w − (w−ε)_dtype): w ± ε rounded to
    # the dtype is not w ± ε, and the differences divide by these (both > 0).
    steps: tuple[Decimal, Decimal] | None = None
    # The explorer's tightest trusted reference for the derivative and its bar (value, bar),
    # sent with its losses: it measures how far the one central difference at this ε is from
    # the derivative (truncation, rounding inside the losses), which the losses' ± does not
    # know. A difference from the backprop within that is not resolved here (``own_error``).
    reference: tuple[Decimal, Decimal] | None = None
    # What the explorer measured a correct gradient computed in the losses' low format may be
    # off by beyond its typed digits (the expression's backward rounding, the correct
    # derivatives' reach), in place of the blanket 10·u·|g| (``verdicts.compare``).
    allowance: Decimal | None = None


@dataclass(frozen=True)
class Estimate:
    """Everything the calculator derives from one set of inputs."""

    inputs: Inputs
    central: Decimal
    difference: Decimal  # L+ − L−
    denominator: Decimal  # 2ε, or h+ + h− for the realised steps
    forward: Decimal | None  # needs L
    backward: Decimal | None  # needs L
    curvature: Decimal | None  # (L+ − 2L + L−)/ε², needs L
    truncation: Decimal | None  # |L''|·ε/2, needs L
    significant_digits: int  # fewest significant digits typed in L+ and L−
    digits_lost: float | None  # log10(max(|L+|,|L−|)/|L+ − L−|); None when L+ == L−
    uncertainty: Decimal  # ± on the central gradient from half a unit in L+'s and L−'s last place
    comparison: Comparison | None  # with a backprop value
    one_sided_uncertainty: Decimal | None = None  # ± on forward and on backward (needs L)
    curvature_uncertainty: Decimal | None = None  # ± on L'' (needs L)
    # significant digits of the working precision (at least 60, more when the typed digits
    # need it) and the results that had to be rounded to it (a quotient that does not end);
    # every other result is exact. A ± that does not end is rounded up (rounded_bounds).
    working_digits: int = 60
    rounded: tuple[str, ...] = ()
    rounded_bounds: tuple[str, ...] = ()
    # binary losses: twice the ± with what their terms' rounding may add (calculator.terms),
    # what a refutation must exceed (verdicts.BINARY_SAFETY): the bar of the exact secant of
    # losses computed in that format (review12c H2); None when typed
    terms_uncertainty: Decimal | None = None

    @property
    def equal_losses(self) -> bool:
        """L+ == L−: the central gradient is 0 and every digit cancelled."""
        return self.difference == 0

    @property
    def digits_kept(self) -> float | None:
        """About how many significant digits of the gradient survive the subtraction."""
        if self.digits_lost is None:
            return 0.0
        return max(0.0, self.significant_digits - self.digits_lost)


@dataclass(frozen=True)
class Measurement:
    """One row of the calculator's history: a Calculate at one ε."""

    epsilon: Decimal
    loss: Decimal | None
    loss_plus: Decimal
    loss_minus: Decimal
    central: Decimal
    forward: Decimal | None
    backward: Decimal | None

    @classmethod
    def from_estimate(cls, estimate: Estimate) -> Measurement:
        """The history row of an estimate's inputs: its quotients by the history's one rule
        (rounded to 60 digits, as a pasted row's), whatever precision the estimate used."""
        return measurement(estimate.inputs)


# The one rounding rule of every quotient in a history row (Calculate, Paste, a restored
# session alike): the difference and 2ε exact (EXACT: add, subtract and multiply give the
# exact result, sized by their operands), the quotient rounded once, to CONTEXT's 60 digits.
HISTORY_DIGITS = CONTEXT.prec


def measurement(inputs: Inputs) -> Measurement:
    """The history row of ``inputs``: ``Measurement.from_estimate(estimate(inputs))`` without
    the uncertainties and the verdict, for tables of many rows (the same formulas)."""
    epsilon = inputs.epsilon
    if inputs.steps is not None:  # the realised half-width: the row keeps its central difference
        epsilon = EXACT.divide(EXACT.add(*inputs.steps), 2)
    return measured_row(epsilon, inputs.loss_plus, inputs.loss_minus, inputs.loss)


def measured_row(
    epsilon: Decimal, plus: Decimal, minus: Decimal, loss: Decimal | None
) -> Measurement:
    """``measurement`` of these four numbers (ε > 0), made as fast as Python allows: a long
    pasted table makes 100,000 of them. The same values as ``Measurement(...)`` (a test
    compares them field by field); only the frozen dataclass's per-field ``__init__`` is
    skipped."""
    c, x = CONTEXT, EXACT
    central = _tidy(c.divide(x.subtract(plus, minus), x.multiply(2, epsilon)))
    forward = backward = None
    if loss is not None:
        forward = _tidy(c.divide(x.subtract(plus, loss), epsilon))
        backward = _tidy(c.divide(x.subtract(loss, minus), epsilon))
    row = _new(Measurement)
    _set(
        row,
        "__dict__",
        {
            "epsilon": epsilon,
            "loss": loss,
            "loss_plus": plus,
            "loss_minus": minus,
            "central": central,
            "forward": forward,
            "backward": backward,
        },
    )
    return row


_new = object.__new__
_ZERO = Decimal(0)
_set = object.__setattr__


def parse_inputs(texts: Mapping[str, str]) -> tuple[Inputs | None, dict[str, str]]:
    """Parse every field: the inputs (None if any is bad) and a message per bad field."""
    values: dict[str, Decimal | None] = {}
    errors: dict[str, str] = {}
    rules = {
        "loss": {"required": False},
        "loss_plus": {},
        "loss_minus": {},
        "epsilon": {"positive": True},
        "backprop": {"required": False},
    }
    for field, options in rules.items():
        try:
            values[field] = parse_number(texts.get(field, ""), field, **options)
        except InputError as error:
            errors[field] = error.message
    if errors:
        return None, errors
    inputs = Inputs(
        loss_plus=values["loss_plus"],  # type: ignore[arg-type]
        loss_minus=values["loss_minus"],  # type: ignore[arg-type]
        epsilon=values["epsilon"],  # type: ignore[arg-type]
        loss=values["loss"],
        backprop=values["backprop"],
    )
    return inputs, {}


def working_digits(inputs: Inputs) -> int:
    """Significant digits a quotient that does not end is rounded to: from the largest
    leading digit to the smallest last digit among the typed numbers (and ε², or the realised
    steps' h+·h−·(h+ + h−)), plus 20; never fewer than the usual 60. Sums and differences need
    no precision: they are exact."""
    steps = inputs.steps or ()
    typed = (inputs.loss_plus, inputs.loss_minus, inputs.loss, inputs.epsilon, *steps)
    values = [v for v in typed if v]
    if not values:
        return CONTEXT.prec
    highest = max(v.adjusted() for v in values)
    lowest = min(int(v.as_tuple().exponent) for v in values)  # type: ignore[arg-type]
    epsilon_digits = 2 * len(inputs.epsilon.as_tuple().digits)
    if steps:
        epsilon_digits = 3 * max(len(step.as_tuple().digits) + 1 for step in steps)
    return max(CONTEXT.prec, highest - lowest + 1 + epsilon_digits + 20)


def estimate(inputs: Inputs) -> Estimate:
    """All results for one set of typed inputs: sums, differences and products exact; a
    quotient of them exact when it ends, else rounded once to ``working_digits`` (and named
    in ``rounded``); a ± that does not end rounded up (named in ``rounded_bounds``)."""

    x = EXACT
    quotients = Quotients(working_digits(inputs))
    quotient, bound = quotients.value, quotients.bound

    plus, minus, epsilon, loss = inputs.loss_plus, inputs.loss_minus, inputs.epsilon, inputs.loss
    steps = inputs.steps
    difference = x.subtract(plus, minus)
    denominator = x.multiply(2, epsilon) if steps is None else x.add(*steps)
    central = _tidy(quotient("central", difference, denominator))
    forward = backward = curvature = truncation = None
    if loss is not None and steps is None:
        forward = _tidy(quotient("forward", x.subtract(plus, loss), epsilon))
        backward = _tidy(quotient("backward", x.subtract(loss, minus), epsilon))
        second_difference = x.add(x.subtract(plus, x.multiply(2, loss)), minus)
        curvature = _tidy(quotient("curvature", second_difference, x.multiply(epsilon, epsilon)))
        # |L''|·ε/2 = |L+ − 2L + L−|/(2ε): one quotient of exact values
        truncation = _tidy(quotient("truncation", second_difference.copy_abs(), denominator))
    elif loss is not None:
        forward, backward, curvature, truncation = _uneven(quotients, plus, loss, minus, steps)
    digits_plus, half_unit_plus = _precision(plus, inputs.loss_roundoff)
    digits_minus, half_unit_minus = _precision(minus, inputs.loss_roundoff)
    uncertainty = _tidy(bound("central", x.add(half_unit_plus, half_unit_minus), denominator))
    one_sided_uncertainty = curvature_uncertainty = None
    kink_spread = Decimal(0)  # the one-sided ± a refutation clears (``verdicts._resolved``)
    if loss is not None and steps is None:
        _, half_unit_loss = _precision(loss, inputs.loss_roundoff)
        larger_side = max(half_unit_plus, half_unit_minus)
        one_sided_uncertainty = _tidy(
            bound("forward and backward", x.add(larger_side, half_unit_loss), epsilon)
        )
        # the shown ± (an L typed shorter than L+ and L− keeps its own half unit: read to
        # their last place, a rounded L made an exact derivative "Wrong", rev21c C1)
        kink_spread = one_sided_uncertainty
        spread = x.add(x.add(half_unit_plus, half_unit_minus), x.multiply(2, half_unit_loss))
        curvature_uncertainty = _tidy(bound("curvature", spread, x.multiply(epsilon, epsilon)))
    elif loss is not None:
        _, half_unit_loss = _precision(loss, inputs.loss_roundoff)
        one_sided_uncertainty, curvature_uncertainty = _uneven_bounds(
            quotients, (half_unit_plus, half_unit_loss, half_unit_minus), steps
        )
        kink_spread = one_sided_uncertainty
    largest = max(abs(plus), abs(minus))
    if difference == 0 or largest == 0:
        digits_lost = None
    else:
        digits_lost = max(0.0, math.log10(float(largest / abs(difference))))
    comparison = terms_uncertainty = None
    terms = term_rounding(inputs.loss_roundoff, plus, minus, loss, central)
    if inputs.loss_roundoff is not None:
        with_terms = x.add(x.add(half_unit_plus, half_unit_minus), x.multiply(2, terms))
        with_terms = x.multiply(BINARY_SAFETY, with_terms)
        terms_uncertainty = _tidy(bound("central with terms", with_terms, denominator))
    if inputs.backprop is not None:
        claim = claim_half_unit(inputs.backprop)  # the explorer's rule for a typed derivative
        widest = max((epsilon, *(steps or ())))
        # without L the row cannot see a minimum's curvature: the prior reads the losses' size
        level = Decimal(0) if loss is not None else max(plus.copy_abs(), minus.copy_abs())
        comparison = compare(
            central,
            inputs.backprop,
            uncertainty,
            quotients.digits,
            claim,
            losses_format(inputs.loss_roundoff),
            inputs.allowance,
            room=truncation or Decimal(0),
            prior=plausible_truncation(central, widest, level),
            jump=unseen_feature(central, inputs.backprop, widest),
            binary=inputs.loss_roundoff is not None,
            terms=_tidy(bound("terms", x.multiply(2, terms), denominator)),
            sees_kinks=loss is not None,
            seen_room=_seen_room(truncation, inputs, terms, denominator),
            one_sided=kink_spread,
        )
        if not _ends(comparison):
            quotients.rounded.append("relative error")
        comparison = own_error(comparison, central, inputs.reference, inputs.allowance)
    return Estimate(
        inputs=inputs,
        central=central,
        difference=_tidy(difference),
        denominator=_tidy(denominator),
        forward=forward,
        backward=backward,
        curvature=curvature,
        truncation=truncation,
        significant_digits=min(digits_plus, digits_minus),
        digits_lost=digits_lost,
        uncertainty=uncertainty,
        comparison=comparison,
        one_sided_uncertainty=one_sided_uncertainty,
        curvature_uncertainty=curvature_uncertainty,
        working_digits=quotients.digits,
        rounded=tuple(quotients.rounded),
        rounded_bounds=tuple(quotients.rounded_bounds),
        terms_uncertainty=terms_uncertainty,
    )


def _seen_room(
    truncation: Decimal | None, inputs: Inputs, terms: Decimal, denominator: Decimal
) -> Decimal:
    """The truncation room |L''|·ε/2 = |L+ − 2L + L−|/(2ε) less what the losses' rounding
    alone may put in their second difference (half a unit of each, L twice, their terms' too,
    BINARY_SAFETY times for binary losses), 0 when that covers it: the curvature the row
    resolves, what a steep unit inside the step shows of itself (``verdicts.STEEP_UNIT_ROOMS``;
    noise is no evidence of one, calc21)."""
    if not truncation or inputs.loss is None:
        return Decimal(0)
    x = EXACT
    values = (inputs.loss_plus, inputs.loss_minus, inputs.loss, inputs.loss)
    halves = [_precision(value, inputs.loss_roundoff)[1] for value in values]
    noise = x.add(sum(halves, Decimal(0)), x.multiply(4, terms))
    if inputs.loss_roundoff is not None:
        noise = x.multiply(BINARY_SAFETY, noise)
    seen = x.subtract(truncation, CONTEXT.divide(noise, denominator))
    return seen if seen > 0 else Decimal(0)


def _uneven(
    quotients: Quotients,
    plus: Decimal,
    loss: Decimal,
    minus: Decimal,
    steps: tuple[Decimal, Decimal],
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Forward, backward, curvature and one-sided truncation over the realised steps h+, h−:
    (L+ − L)/h+, (L − L−)/h−, L'' ≈ 2·(forward − backward)/(h+ + h−) and |L''|·max(h±)/2,
    each one quotient of exact values (with h+ = h− = ε the formulas of typed rows)."""
    x, quotient = EXACT, quotients.value
    step_plus, step_minus = steps
    rise, fall = x.subtract(plus, loss), x.subtract(loss, minus)
    forward = _tidy(quotient("forward", rise, step_plus))
    backward = _tidy(quotient("backward", fall, step_minus))
    # forward − backward = (rise·h− − fall·h+)/(h+·h−)
    bend = x.subtract(x.multiply(rise, step_minus), x.multiply(fall, step_plus))
    spread = x.multiply(x.multiply(step_plus, step_minus), x.add(step_plus, step_minus))
    curvature = _tidy(quotient("curvature", x.multiply(2, bend), spread))
    wider = max(step_plus, step_minus)
    truncation = _tidy(quotient("truncation", x.multiply(bend.copy_abs(), wider), spread))
    return forward, backward, curvature, truncation


def _uneven_bounds(
    quotients: Quotients,
    halves: tuple[Decimal, Decimal, Decimal],
    steps: tuple[Decimal, Decimal],
) -> tuple[Decimal, Decimal]:
    """The ± of forward and backward (the larger of (δ+ + δ)/h+ and (δ + δ−)/h−) and of the
    curvature (2·(δ+·h− + δ·(h+ + h−) + δ−·h+)/(h+·h−·(h+ + h−))) over the realised steps,
    from each loss's ± δ+, δ, δ−: rounded up where they do not end."""
    x, bound = EXACT, quotients.bound
    (plus, loss, minus), (step_plus, step_minus) = halves, steps
    one_sided = max(
        bound("forward and backward", x.add(plus, loss), step_plus),
        bound("forward and backward", x.add(loss, minus), step_minus),
    )
    both = x.add(step_plus, step_minus)
    spread = x.add(
        x.add(x.multiply(plus, step_minus), x.multiply(loss, both)), x.multiply(minus, step_plus)
    )
    denominator = x.multiply(x.multiply(step_plus, step_minus), both)
    curvature = bound("curvature", x.multiply(2, spread), denominator)
    return _tidy(one_sided), _tidy(curvature)


def losses_format(roundoff: Decimal | None) -> str:
    """The format the losses are binaries of, named by their unit round-off (what the ε
    explorer sends, a session keeps, ``calc --source-dtype`` gives); "" for typed losses and a
    round-off that is no format's. The backprop gradient is taken as computed in it too."""
    if roundoff is None:
        return ""
    from fdgui.core.numbers.precision import format_of_roundoff

    return format_of_roundoff(float(roundoff)) or ""


def _ends(comparison: Comparison) -> bool:
    """Whether the relative error |n − a| / max(|n|, |a|, 1e-8) ended (is exact)."""
    scale = max(comparison.numeric.copy_abs(), comparison.analytic.copy_abs(), RELATIVE_ERROR_FLOOR)
    return exact_quotient(comparison.absolute_difference, scale) is not None


def _precision(value: Decimal, roundoff: Decimal | None) -> tuple[int, Decimal]:
    """Significant digits and ± of one loss: from its typed digits, or from the round-off
    of the binary format it came from."""
    if roundoff is None:
        return typed_precision(value)
    from fdgui.core.numbers.precision import binary_rounding

    digits = max(1, round(-math.log10(float(roundoff))))
    return digits, binary_rounding(value, roundoff)


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros so 0.50000 reads 0.5 (never rounding: every digit stays); keep
    integers out of exponent form when they have fewer than 60 digits (1e70 stays 1E+70)."""
    if not value:
        return _ZERO
    normal = value.normalize(EXACT)
    if normal.adjusted() < 1:  # |value| < 10: its exponent is ≤ 0 already (the common case)
        return normal
    _, _, exponent = normal.as_tuple()
    if isinstance(exponent, int) and exponent > 0 and normal.adjusted() < CONTEXT.prec:
        return normal.quantize(Decimal(1), context=EXACT)
    return normal


TABLE_COLUMNS = ("epsilon", "loss_plus", "loss_minus", "loss")


def read_one_line(raw: str, number: int, seen_data: bool) -> tuple[Inputs | None, str, bool]:
    """One line of a measurement table: (its row or None, a problem or "", whether data has
    been seen by its end). Blank and comment lines give (None, "", seen_data); plain
    numbers are read fast (``plain_values``), the rest by ``read_table_line``."""
    line = raw.strip()
    if not line or is_comment(line):
        return None, "", seen_data
    values = plain_values(line)
    if values is not None:
        return Inputs(values[1], values[2], values[0], values[3]), "", True
    return read_table_line(line, number, seen_data)


def is_comment(line: str) -> bool:
    """Whether a stripped, non-blank line is a comment: it starts with ``#`` (numpy, Python,
    R), ``%`` (MATLAB, Octave) or ``//`` (C-like code)."""
    return line[0] in "#%" or line[:2] == "//"


def parse_measurement_table(
    text: str, *, first_line: int = 1, header: bool = True
) -> tuple[list[Inputs], list[str]]:
    """Rows of ``ε, L+, L− [, L]`` pasted from a spreadsheet, a log or a print-out.

    Columns may be separated by commas, tabs, semicolons or spaces (with tabs or semicolons a
    comma inside a cell is read as a decimal comma). Blank lines and comment lines (``#``,
    ``%``, ``//``) are skipped; a line of column names, also in a comment, is read
    (``table_columns``: each row under it is taken in the order it names, a pandas index
    column left out). Returns the rows that
    parse and one message per line that does not (``line 3: L(w−ε): “x” is not a number``).
    A part of a longer text: ``first_line`` numbers its lines, ``header=False`` when its
    first line cannot be the header.
    """
    rows: list[Inputs] = []
    problems: list[str] = []
    seen_data = not header
    if header:
        from fdgui.core.calculator.table_columns import arrange_columns

        # every row under a header in the order it names, or a bad row with its reason
        text, problem, notes = arrange_columns(text)
        if problem:
            return [], [problem]
        problems += notes  # the order taken where a header does not name it all
    for number, raw in enumerate(text_lines(text), start=first_line):
        inputs, problem, seen_data = read_one_line(raw, number, seen_data)
        if problem:
            problems.append(problem)
        elif inputs is not None:
            rows.append(inputs)
    if header:
        from fdgui.core.calculator.table_columns import by_line

        problems = by_line(problems)  # a header's notes and the readers' bad lines in order
    return rows, problems


# a number as Python prints a numpy scalar (numpy ≥ 2: ``np.float64(0.25)``) or a torch
# tensor (``tensor(0.2500, dtype=torch.float64)``): the number inside is the value
_WRAPPED = re.compile(
    r"\b(?:np|numpy)\.(?:float(?:16|32|64|128)|half|single|double|longdouble)\(\s*([^(),]*?)\s*\)"
    r"|\btensor\(\s*([^(),\[\]]*?)\s*(?:,[^()]*)?\)"
)


def read_table_line(line: str, number: int, seen_data: bool) -> tuple[Inputs | None, str, bool]:
    """The careful reading of one stripped, non-blank, non-comment line of a table: (its row,
    "" ) or (None, "line N: why") or (None, "") for a header line; and whether data has been
    seen after it (a header is recognised only before the first data line). A value printed
    as a numpy scalar or a torch tensor (``np.float64(0.25)``) is read as the number inside."""
    if "(" in line:
        line = _WRAPPED.sub(lambda found: found.group(1) or found.group(2), line)
    cells, problem = _split_table_line(line)
    if problem:
        return None, f"line {number}: {problem}", True
    if not seen_data and not any(_looks_numeric(cell) for cell in cells):
        return None, "", False  # a header line
    if len(cells) not in (3, 4):
        return (
            None,
            f"line {number}: expected ε, L+, L− and optionally L; found {len(cells)} "
            + ("value" if len(cells) == 1 else "values"),
            True,
        )
    texts = dict(zip(TABLE_COLUMNS, cells, strict=False))
    inputs, errors = parse_inputs(texts)
    if inputs is None:
        field, message = next(iter(errors.items()))
        return None, f"line {number}: {FIELD_NAMES[field]}: {message}", True
    return inputs, "", True


def table_rows(text: str, source: str, field: str = "rows") -> tuple[list[Inputs], list[str]]:
    """``parse_measurement_table``, raising InputError(field) when no row can be read."""
    rows, problems = parse_measurement_table(text)
    if not rows:
        raise InputError(field, unreadable_table(problems, source))
    return rows, problems


def unreadable_table(problems: list[str], source: str = "", shown: int = 8) -> str:
    """Why no row of a table could be read: every bad line with its number and reason (the
    first ``shown``, then how many more), or that it holds no data line at all."""
    where = f" from {source}" if source else ""
    if not problems:
        return (
            f"no row of ε, L+, L− could be read{where}: it has no data lines "
            "(only blank, # or header lines)"
        )
    from fdgui.core.calculator.table_columns import is_header_note

    listed = "; ".join(problems[:shown])
    more = f"; and {len(problems) - shown} more lines" if len(problems) > shown else ""
    bad = sum(not is_header_note(problem) for problem in problems)  # a header note was read
    notes = len(problems) - bad
    count = f"{bad} bad line{'s' * (bad != 1)}"
    count += f", {notes} header note{'s' * (notes != 1)}" if notes else ""
    return f"no row of ε, L+, L− could be read{where} ({count}: {listed}{more})"


# what a plain line of numbers is made of: ASCII digits, '.', 'e', signs and separators
_NOT_PLAIN = str.maketrans("", "", "0123456789.eE+-\t, ")
_LONGEST_PLAIN_LINE = 400
_LONGEST_CELL = 200  # parse_number's limit


def plain_values(line: str) -> list[Any] | None:
    """ε, L+, L−, L (None when absent) of a plain line (``line`` stripped), or None: the
    careful path then reads the line and words any problem.

    Plain: only ASCII digits, '.', 'e'/'E' and signs, 3 or 4 cells separated by tabs alone,
    commas alone or spaces alone, none empty; every value nonzero with 1e-320 < |v| < 1e308
    (zeros and the edges of float64 take the careful path) and ε > 0. Each value is then
    exactly what ``parse_number`` makes of its cell (``Decimal(cell)``: the characters allowed
    leave nothing for it to clean). Most lines of a long pasted table are plain: this saves
    most of the time of a 100,000-line paste.
    """
    if len(line) > _LONGEST_PLAIN_LINE or line.translate(_NOT_PLAIN):
        return None
    if "\t" in line:
        if " " in line or "," in line:
            return None
        cells = line.split("\t")
    elif "," in line:
        if " " in line:
            return None
        cells = line.split(",")
    else:
        cells = line.split()
    count = len(cells)
    if count != 3 and count != 4:
        return None
    if len(line) > _LONGEST_CELL and max(map(len, cells)) > _LONGEST_CELL:
        return None
    values: list[Any] = []
    try:
        for cell in cells:
            value = Decimal(cell)
            if not value.is_finite() or not value or not -320 < value.adjusted() < 308:
                return None
            values.append(value)
    except (ArithmeticError, ValueError):  # "", "1e", "+-1", "1.2.3": the careful path
        return None
    if values[0] < 0:
        return None
    if count == 3:
        values.append(None)
    return values
