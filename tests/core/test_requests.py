"""Typed requests: one set of defaults, canonical field names, every error at once."""

from __future__ import annotations

import argparse
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fdgui.core import requests
from fdgui.core.errors import InputError
from fdgui.core.models.mlp import NetworkSpec, default_spec
from fdgui.core.netcheck import CheckSettings


def _cli_args(command: str, *argv: str) -> argparse.Namespace:
    from fdgui.cli import build_parser

    parser, _ = build_parser()
    return parser.parse_args([command, *argv])


# --- one set of defaults ---------------------------------------------------------------------


def test_the_default_network_is_the_windows_9610_parameters():
    request = requests.network_request({})
    assert request.spec == default_spec() == NetworkSpec((64, 128, 10))
    assert request.spec.parameter_count == 9_610
    assert request.bug is None


def test_every_request_shares_the_network_defaults():
    for defaults in (requests.ENTRY_DEFAULTS, requests.CHECK_DEFAULTS):
        assert {k: defaults[k] for k in requests.NETWORK_DEFAULTS} == requests.NETWORK_DEFAULTS


def test_cli_netcheck_defaults_are_the_requests_defaults():
    from fdgui.commands.netcheck import settings_from_args

    settings = settings_from_args(_cli_args("netcheck"))
    assert settings == requests.check_request({})
    assert settings.spec == requests.network_request({}).spec


def test_cli_sweep_network_defaults_are_the_requests_defaults():
    from fdgui.commands.sweep import _ENTRY_FIELDS, _SWEEP_FIELDS, _given

    args = _cli_args("sweep", "--network")
    assert _given(args, _ENTRY_FIELDS) == {} and _given(args, _SWEEP_FIELDS) == {}
    entry = requests.entry_request(_given(args, _ENTRY_FIELDS))
    assert entry.network == requests.network_request({})
    assert (entry.tensor, entry.index) == ("W1", 0)


def test_the_cli_writes_no_default_of_its_own():
    """Every option backed by a request defaults to None: the request supplies the value."""
    for command, options in (
        ("netcheck", ("layers", "activation", "loss", "batch", "seed", "mode", "dtype", "bug",
                      "samples", "directions", "eps")),
        ("sweep", ("at", "dtype", "min", "max", "points", "layers", "activation", "loss",
                   "batch", "seed", "tensor", "index", "bug")),
    ):  # fmt: skip
        extra = ("--expr", "w") if command == "sweep" else ()
        args = _cli_args(command, *extra)
        assert {option: getattr(args, option) for option in options} == dict.fromkeys(options)


def test_sweep_defaults():
    settings = requests.sweep_request({})
    assert (settings.dtype, settings.epsilon_min, settings.epsilon_max, settings.points) == (
        "float64", 1e-17, 1.0, 400,
    )  # fmt: skip
    # the smallest ε follows the dtype at the point, and a typed one stays as typed
    assert requests.sweep_request({"dtype": "bfloat16"}, point=0.7).epsilon_min == 1e-3
    assert requests.sweep_request({"dtype": "float16"}, point=0.7).epsilon_min == 1e-4
    assert requests.sweep_request({"dtype": "bfloat16", "min": "1e-9"}).epsilon_min == 1e-9
    objective = requests.expression_request({})
    assert (objective.model.expression.text, objective.point) == ("sin(w)*exp(-w**2)", 0.7)


def test_engine_is_passed_only_when_the_check_has_engines():
    settings = requests.check_request({})
    names = {field.name for field in dataclasses.fields(CheckSettings)}
    if "engine" in names:
        assert settings.engine == requests.CHECK_DEFAULTS["engine"] == "exact"
    else:
        assert requests.CHECK_DEFAULTS["engine"] == "exact"


# --- canonical field names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "field", "words"),
    [
        ({"layers": "20,,10"}, "layers", "size 2 is empty"),
        ({"layers": "20"}, "layers", "at least two sizes"),
        ({"layers": "300000,300000,10"}, "layers", "90,003,300,010 parameters"),
        ({"batch": "0"}, "batch", "0 is not a positive whole number"),
        ({"batch": "x"}, "batch", "'x' is not a whole number"),
        ({"batch": "10000000"}, "batch", "a batch of 10,000,000"),
        ({"seed": "-1"}, "seed", "negative"),
        ({"activation": "gelu"}, "activation", "'gelu' is not one of"),
        ({"loss": "hinge"}, "loss", "'hinge' is not one of"),
        ({"bug": "typo"}, "bug", "'typo' is not one of"),
        ({"bug": "transpose"}, "bug", "square weight matrix"),
        ({"mode": "half"}, "mode", "'half' is not one of"),
        ({"dtype": "float8"}, "dtype", "'float8' is not one of"),
        ({"samples": "0"}, "samples", "outside 1.."),
        ({"directions": "2.5"}, "directions", "'2.5' is not a whole number"),
        ({"epsilon": "abc"}, "epsilon", "“abc” is not a number"),
        ({"epsilon": "2"}, "epsilon", "too large"),
        ({"samples": ""}, "samples", "type a number"),
    ],
)
def test_check_errors_name_the_canonical_field(texts, field, words):
    with pytest.raises(InputError) as caught:
        requests.check_request(texts)
    assert caught.value.field == field
    assert set(caught.value.errors) == {field}
    assert words in caught.value.message
    assert not caught.value.message.startswith(f"{field}:")


@pytest.mark.parametrize(
    ("texts", "field"),
    [
        ({"min": "0"}, "min"),
        ({"max": "x"}, "max"),
        ({"min": "1e-3", "max": "1e-6"}, "max"),
        ({"points": "many"}, "points"),
        ({"points": "2"}, "points"),
        ({"dtype": "float8"}, "dtype"),
    ],
)
def test_sweep_errors_name_the_field(texts, field):
    with pytest.raises(InputError) as caught:
        requests.sweep_request(texts)
    assert set(caught.value.errors) == {field}


@pytest.mark.parametrize(
    ("texts", "field"),
    [
        ({"tensor": "W9"}, "tensor"),
        ({"index": "8192"}, "index"),
        ({"index": "-1"}, "index"),
        ({"layers": "100000,100000,10"}, "layers"),
        ({"batch_size": "2"}, None),  # the core's own names are not fields of a request
    ],
)
def test_entry_errors_name_the_field(texts, field):
    if field is None:
        assert requests.entry_request(texts).network.spec.batch_size == 32
        return
    with pytest.raises(InputError) as caught:
        requests.entry_request(texts)
    assert set(caught.value.errors) == {field}


def test_canonical_error_renames_the_cores_fields():
    error = requests.canonical_error(InputError.collected({"layer_sizes": "a", "batch_size": "b"}))
    assert error.errors == {"layers": "a", "batch": "b"}
    assert requests.canonical("seed") == "seed"


# --- every error at once -----------------------------------------------------------------------


def test_every_wrong_network_field_at_once():
    with pytest.raises(InputError) as caught:
        requests.network_request(
            {"layers": "20,,10", "batch": "x", "seed": "-1", "activation": "gelu", "loss": "l1"}
        )
    assert set(caught.value.errors) == {"layers", "batch", "seed", "activation", "loss"}


def test_every_wrong_check_field_at_once():
    with pytest.raises(InputError) as caught:
        requests.check_request(
            {"batch": "0", "mode": "half", "dtype": "float8", "samples": "x",
             "directions": "0", "epsilon": "-1", "bug": "typo"}
        )  # fmt: skip
    assert set(caught.value.errors) == {
        "batch", "mode", "dtype", "samples", "directions", "epsilon", "bug",
    }  # fmt: skip


def test_a_bug_is_not_judged_on_a_placeholder_network():
    with pytest.raises(InputError) as caught:
        requests.check_request({"layers": "abc", "bug": "transpose"})
    assert set(caught.value.errors) == {"layers"}


def test_every_wrong_sweep_and_expression_field_at_once():
    with pytest.raises(InputError) as caught:
        requests.sweep_request({"min": "0", "max": "x", "points": "2.5", "dtype": "float8"})
    assert set(caught.value.errors) == {"min", "max", "points", "dtype"}
    with pytest.raises(InputError) as caught:
        requests.expression_request({"expression": "__import__('os')", "point": "one"})
    assert set(caught.value.errors) == {"expression", "point"}
    with pytest.raises(InputError) as caught:
        requests.entry_request({"tensor": "W9", "index": "x", "seed": "y"})
    assert set(caught.value.errors) == {"tensor", "index", "seed"}


# --- only InputError escapes -------------------------------------------------------------------

_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "0", "-1", "1e400", "nan", "inf", "2.5", "1,2", "3,3,3", "٣",
                     "20,,10", "16", "relu", "mse", "sample", "projection", "float16",
                     "transpose", "no-batch-mean", "b2", "W1"]),
)  # fmt: skip


def _texts(fields):
    return st.dictionaries(st.sampled_from(sorted(fields)), _TEXT, max_size=len(fields))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts(requests.CHECK_DEFAULTS))
def test_check_request_raises_only_input_errors(texts):
    texts = {**texts, "layers": texts.get("layers", "4,3,2")}  # keep valid checks cheap
    try:
        settings = requests.check_request(texts)
    except InputError as error:
        assert error.errors and set(error.errors) <= set(requests.CHECK_DEFAULTS)
        assert "layer_sizes" not in error.errors and "batch_size" not in error.errors
    else:
        settings.validate()


@settings(max_examples=150, deadline=None)
@given(
    _texts({**requests.SWEEP_DEFAULTS, **requests.EXPRESSION_DEFAULTS, **requests.ENTRY_DEFAULTS})
)
def test_sweep_requests_raise_only_input_errors(texts):
    for build, fields in (
        (requests.sweep_request, requests.SWEEP_DEFAULTS),
        (requests.expression_request, requests.EXPRESSION_DEFAULTS),
        (requests.entry_request, requests.ENTRY_DEFAULTS),
    ):
        given_texts = {k: v for k, v in texts.items() if k in fields}
        if build is requests.entry_request:
            given_texts.setdefault("layers", "4,3,2")
        try:
            build(given_texts)
        except InputError as error:
            assert error.errors and set(error.errors) <= set(fields)


def test_numbers_with_thousands_of_digits_are_refused_in_words():
    huge = "9" * 5000  # past Python's int() digit limit: a ValueError, not an InputError
    for build, texts, field in (
        (requests.network_request, {"layers": f"{huge},3"}, "layers"),
        (requests.network_request, {"layers": f"3,{huge}"}, "layers"),
        (requests.check_request, {"batch": huge}, "batch"),
        (requests.entry_request, {"index": huge}, "index"),
        (requests.sweep_request, {"points": huge}, "points"),
    ):
        with pytest.raises(InputError) as caught:
            build(texts)
        assert caught.value.field == field and len(caught.value.message) < 100
