"""Every parser, fuzzed: whatever is typed, the answer is a value or an InputError in words.

The families: one typed number (``parse_number`` with each option), the calculator's fields,
pasted tables (and their fast path against the careful one), whole numbers, expressions,
every ``*_request`` in fdgui.core.requests (found by name, so a new request is fuzzed the day
it is written), and the saved history rows of the calculator.
"""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core import requests
from fdgui.core.calculator import schemes
from fdgui.core.calculator.table import measure_rows, measure_table
from fdgui.core.errors import InputError
from fdgui.core.jobs import drive
from fdgui.core.models.expression import parse_expression
from fdgui.core.numbers.parsing import LONGEST_MESSAGE, parse_number
from tests.fuzz.strategies import EDGE_TEXTS, any_text, field_texts, json_values, tables

FUZZ = settings.get_profile("fdgui-fuzz")


def _refused_in_words(error: InputError) -> None:
    assert error.message and "Traceback" not in error.message
    # a long value is echoed shortened, never whole
    assert len(error.message) <= LONGEST_MESSAGE + 200, error.message[:200]


def _try(call, *args, **options):
    try:
        return call(*args, **options)
    except InputError as error:
        _refused_in_words(error)
        return None


@pytest.mark.parametrize("text", EDGE_TEXTS)
@pytest.mark.parametrize("options", [{}, {"positive": True}, {"required": False}])
def test_every_edge_number_is_a_value_or_refused(text, options):
    value = _try(parse_number, text, "x", **options)
    if value is not None:
        assert value.is_finite()
        assert abs(float(value)) <= 1.7976931348623157e308
        if options.get("positive"):
            assert value > 0


@FUZZ
@given(text=any_text)
def test_parse_number_never_raises_anything_else(text):
    _try(parse_number, text, "x", positive=True)
    _try(parse_number, text, "x")


@FUZZ
@given(st.dictionaries(st.sampled_from(schemes.FIELDS), field_texts))
def test_calculator_fields_compute_or_name_the_field(texts):
    inputs, errors = schemes.parse_inputs(texts)
    if inputs is None:
        assert set(errors) <= set(schemes.FIELDS) and all(errors.values())
        return
    result = schemes.estimate(inputs)  # exact arithmetic on what parsed never fails
    assert schemes.measurement(inputs) == schemes.Measurement.from_estimate(result)
    from fdgui.core.report.exporters import export

    for fmt in ("text", "json", "markdown", "csv"):
        export(result, fmt)


@FUZZ
@given(tables)
def test_pasted_tables_keep_the_good_rows(text):
    rows, problems = schemes.parse_measurement_table(text)
    assert all(isinstance(p, str) and p.startswith("line ") for p in problems)
    measured = drive(measure_table(text, chunk=3))  # in pieces: the same rows and problems
    assert [m.epsilon for m in measured.rows] == [r.epsilon for r in rows]
    assert measured.problems == problems
    assert measured.points.shape == (len(rows), 4)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*EDGE_TEXTS, "1e-4", "0.85", "-3"]), st.sampled_from(EDGE_TEXTS)
        ),
        min_size=3,
        max_size=4,
    ),
    st.sampled_from(["\t", " ", " \t "]),
)
def test_the_fast_path_reads_lines_as_the_careful_path_does(cells, separator):
    line = separator.join(cell for cell, _ in cells)
    values = schemes.plain_values(line.strip())
    if values is None:
        return
    inputs, problem, _seen = schemes.read_table_line(line.strip(), 1, True)
    assert problem == "" and inputs is not None
    assert values == [inputs.epsilon, inputs.loss_plus, inputs.loss_minus, inputs.loss]


def test_one_bad_row_keeps_every_good_one():
    text = "1e-4\t0.85005\t0.84995\n1e-4\t1e1000000\t0\n1e-3\t0.8505\t0.8495\n"
    rows, problems = schemes.parse_measurement_table(text)
    assert len(rows) == 2 and len(problems) == 1 and "too large" in problems[0]


@FUZZ
@given(
    st.lists(
        st.one_of(json_values, st.dictionaries(st.sampled_from(schemes.TABLE_COLUMNS), any_text)),
        max_size=8,
    )
)
def test_saved_history_rows_restore_or_are_named(rows):
    measured = drive(measure_rows(rows, chunk=2))
    assert len(measured.rows) + len(measured.problems) == len(rows)
    assert all(p.startswith("history[") for p in measured.problems)


@FUZZ
@given(field_texts)
def test_whole_numbers(text):
    _try(requests.whole_number, text, "n")


@FUZZ
@given(
    st.one_of(
        any_text,
        st.text(alphabet="w()*+-/.0123456789e sincoxpltabqr,", max_size=40),
        # a number run into a keyword: Python warns (SyntaxWarning) rather than refuses
        st.sampled_from(["1if w else 2", "1or w", "0x1for", "3in w", "1and w", "1_000if w"]),
    )
)
def test_expressions_parse_or_are_refused(text):
    import numpy as np

    expression = _try(parse_expression, text)
    if expression is not None:
        with np.errstate(all="ignore"):  # evaluating junk may overflow: that is a value too
            expression.evaluate(np.array([0.5, -1.0, 1e300]))


REQUESTS = sorted(
    (name, function)
    for name, function in vars(requests).items()
    if name.endswith("_request") and inspect.isfunction(function)
)
FIELDS = sorted(
    {
        field
        for name, value in vars(requests).items()
        if name.endswith("_DEFAULTS") and isinstance(value, dict)
        for field in value
    }
)


def test_the_requests_are_found():
    assert {"sweep_request", "check_request", "expression_request"} <= {n for n, _ in REQUESTS}


@pytest.mark.parametrize("name", [name for name, _ in REQUESTS])
@FUZZ
@given(
    texts=st.dictionaries(st.sampled_from(FIELDS), field_texts, max_size=6),
    data=st.data(),
)
def test_every_request_gives_a_request_or_words(name, texts, data):
    """Each request gets what its signature asks for: a dict of field texts where it takes
    texts, a typed string for every other required parameter (a table, a derivative)."""
    function = dict(REQUESTS)[name]
    args = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.default is not inspect.Parameter.empty or parameter.kind not in (
            parameter.POSITIONAL_ONLY,
            parameter.POSITIONAL_OR_KEYWORD,
        ):
            continue
        wants_text = "str" in str(parameter.annotation) and "Text" not in str(parameter.annotation)
        args.append(data.draw(any_text if wants_text else st.just(texts)))
    _try(function, *args)
