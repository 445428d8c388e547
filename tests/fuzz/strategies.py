"""What the fuzz tests type: numbers at the edges of every dtype, junk, tables, states.

New inputs are added here once and every fuzz test uses them.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
from hypothesis import strategies as st

DTYPES = {
    "float64": np.float64,
    "float32": np.float32,
    "float16": np.float16,
    "bfloat16": ml_dtypes.bfloat16,
}


def _edges() -> list[str]:
    """The numbers where formats break: ±0, the smallest subnormal and normal, the largest
    finite, one ulp around 1, and their neighbours just outside, for every dtype."""
    texts = {"0", "-0", "+0", "0.0", "-0e-400", "0e1000000", "0e-1000000"}
    for dtype in DTYPES.values():
        info = np.finfo(dtype) if dtype is not ml_dtypes.bfloat16 else ml_dtypes.finfo(dtype)
        for value in (
            float(info.smallest_subnormal),
            float(info.smallest_normal),
            float(info.max),
            float(info.eps),
            1.0 + float(info.eps),
            float(info.max) * 1.0000001,
            float(info.smallest_subnormal) / 3,
        ):
            for sign in ("", "-"):
                texts.add(sign + repr(value))
    for exponent in (308, 309, 324, 325, 400, 999_999, 1_000_000, 10**9):
        texts |= {f"1e{exponent}", f"1e-{exponent}", f"-9.99e{exponent}", f"1E+{exponent}"}
    texts |= {"nan", "-inf", "inf", "Infinity", "1e", "e5", "--1", "+-1", "1..2", "0x10", "1_000"}
    texts |= {"\u22121e-4", "1e\u22124", "\u00a01", "١٢", "1,5", "1 000", "", " ", "\t"}
    return sorted(texts)


EDGE_TEXTS = _edges()

finite_floats = st.floats(allow_nan=False, allow_infinity=False)
number_texts = st.one_of(
    st.sampled_from(EDGE_TEXTS),
    finite_floats.map(repr),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.builds(
        lambda m, e: f"{m}e{e}",
        st.integers(-999, 999),
        st.integers(-(10**7), 10**7),
    ),
)
junk_texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789eE+-.,; \t\u2212wx()*/", max_size=30),
    st.integers(50, 6000).map(lambda n: "9" * n),
    st.integers(50, 6000).map(lambda n: "x" * n),
)
any_text = st.one_of(number_texts, number_texts, junk_texts)
small_whole = st.integers(-3, 40).map(str)
field_texts = st.one_of(any_text, small_whole)


def _line(cells: list[str], separator: str) -> str:
    return separator.join(cells)


table_lines = st.builds(
    _line,
    st.lists(st.one_of(number_texts, st.sampled_from(["1e-4", "0.85", "x"])), max_size=6),
    st.sampled_from(["\t", ",", ";", " ", "  ", ", ", "\t "]),
)
tables = st.lists(st.one_of(table_lines, st.sampled_from(["#", "eps L+ L-", ""])), max_size=12).map(
    "\n".join
)

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    any_text,
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
