"""Random probe replies: whatever bytes a broken or hostile probe process sends, the window's
client reads a message or refuses it with one of the errors it turns into words
(ValueError, KeyError, TypeError: "the probe process sent a broken reply"), never anything
else. The message reader is the one the client uses (fdgui.probe.frames)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

frames = pytest.importorskip("fdgui.probe.frames")
from tests.fuzz.strategies import json_values  # noqa: E402

FUZZ = settings.get_profile("fdgui-fuzz")
# what ProbeClient._receive turns into "a broken reply" (EOFError: the stream ended early)
WORDED = (ValueError, KeyError, TypeError, EOFError)

metas = st.lists(
    st.fixed_dictionaries(
        {
            "dtype": st.one_of(
                st.sampled_from(["<f8", "<f4", "<i8", "|u1", "O", "<c16", "V0", "S0", ">f2"]),
                st.text(max_size=6),
                json_values,
            ),
            "shape": st.one_of(
                st.lists(st.integers(-3, 4), max_size=3), json_values, st.just([2**62, 2**62])
            ),
        }
    ),
    max_size=3,
)
headers = st.one_of(
    json_values,
    st.fixed_dictionaries({"kind": st.text(max_size=8), "arrays": metas}),
    st.integers(1, 5000).map(lambda depth: "[" * depth + "]" * depth),
)


def _message(header, payload: bytes, declared: int | None) -> bytes:
    text = header if isinstance(header, str) else json.dumps(header)
    head = text.encode("utf-8")
    length = len(head) if declared is None else declared
    return frames._LENGTH.pack(length) + head + payload


def _read(data: bytes) -> None:
    try:
        header, arrays = frames.read_message(io.BytesIO(data))
    except WORDED:
        return
    assert isinstance(header, dict)
    assert all(isinstance(array, np.ndarray) for array in arrays)


@FUZZ
@given(
    header=headers,
    payload=st.binary(max_size=64),
    declared=st.one_of(st.none(), st.integers(0, 2**32 - 1)),
)
def test_a_random_reply_is_read_or_refused_in_words(header, payload, declared):
    _read(_message(header, payload, declared))


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_are_read_or_refused_in_words(data):
    _read(data)
