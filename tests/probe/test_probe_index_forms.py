"""Index forms a person types from Python (review15w L3): "(9,)" and "(3, 7)" as printed by
numpy, "[3][7]" as indexed in code, are the entries they name; a tensor named in the index
that the probe does not have is said under the index field, where it was typed."""

from __future__ import annotations

import pytest

from fdgui.core.models.base import ModelBase, TensorInfo
from fdgui.core.numbers.parsing import InputError
from fdgui.probe.model import parse_entry


class _Shapes:
    """Only the tensor table parse_entry reads (ModelBase's lookups)."""

    tensors = (TensorInfo("W1", (4, 8)), TensorInfo("b2", (10,)))
    tensor = ModelBase.tensor
    offsets = ModelBase.offsets
    tensor_position = ModelBase.tensor_position
    flat_index = ModelBase.flat_index


def _model():
    return _Shapes()


@pytest.mark.parametrize(
    ("tensor", "text", "flat"),
    [
        ("b2", "(9,)", 32 + 9),
        ("b2", "(9)", 32 + 9),
        ("W1", "(3, 7)", 3 * 8 + 7),
        ("W1", "[3][7]", 3 * 8 + 7),
        ("b2", "W1[3][7]", 3 * 8 + 7),
        ("b2", "W1(3, 7)", 3 * 8 + 7),
        ("W1", "3, 7", 3 * 8 + 7),
        ("b2", "9", 32 + 9),
    ],
)
def test_index_forms_from_python(tensor, text, flat):
    assert parse_entry(_model(), tensor, text) == flat


def test_an_unknown_tensor_in_the_index_is_said_under_the_index():
    with pytest.raises(InputError) as caught:
        parse_entry(_model(), "W1", "W9[0]")
    assert caught.value.field == "index"
    assert "W9" in caught.value.message and "W1" in caught.value.message


@pytest.mark.parametrize(
    ("tensor", "text"), [("b2", "W1[3]"), ("W1", "[3]"), ("W1", "(3)"), ("W1", "W1(3,)")]
)
def test_a_bracketed_index_with_fewer_indices_than_axes_is_refused(tensor, text):
    """review17p M2: numpy's W1[3] is a row, not an entry; it was read as the flat W1[0, 3]."""
    with pytest.raises(InputError) as caught:
        parse_entry(_model(), tensor, text)
    assert caught.value.field == "index"
    assert "(4, 8)" in caught.value.message and "2 axes" in caught.value.message


@pytest.mark.parametrize(
    ("tensor", "text", "flat"), [(None, "35", 35), ("", "41", 41), (None, "0", 0)]
)
def test_a_bare_number_without_a_tensor_is_a_flat_index_into_all_parameters(tensor, text, flat):
    """review17p LOW: with no --tensor, "I: 37" (README) counts through theta0, every tensor."""
    assert parse_entry(_model(), tensor, text) == flat


def test_a_flat_index_past_all_parameters_names_their_count():
    with pytest.raises(InputError) as caught:
        parse_entry(_model(), None, "42")
    assert caught.value.field == "index" and "0…41" in caught.value.message
    assert "42 parameters" in caught.value.message


def test_a_bare_number_with_a_tensor_stays_flat_inside_that_tensor():
    assert parse_entry(_model(), "W1", "7") == 7
    with pytest.raises(InputError):
        parse_entry(_model(), "W1", "35")
