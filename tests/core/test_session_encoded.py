"""A history already encoded as JSON (the autosave keeps it while the rows do not change) is
written byte for byte as the plain dict would be, whatever its characters."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.core import session as files

# every code point, lone surrogates included (a pasted half character), and the ones JSON
# escapes: quotes, backslashes, control characters
_cells = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_cells, max_size=30), other=_cells)
def test_an_encoded_table_writes_the_same_bytes_as_its_dict(lines, other):
    plain = {"calculator": {"texts": {"a": other}, "history": files.encode_table(lines)}}
    encoded = {"calculator": {"texts": {"a": other}, "history": files.encode_table_json(lines)}}
    assert files.dumps_panels(encoded) == files.dumps_panels(plain)


def test_a_long_text_is_encoded_in_pieces_exactly(monkeypatch):
    # pieces of 7 characters: every escape and every multi-byte character lands on a border
    monkeypatch.setattr(files, "_ENCODE_PIECE", 7)
    text = 'a"\\\n\t\x00é€😀\ud800b' * 50
    assert files.encoded_string(text) == json.dumps(text, ensure_ascii=False)


def test_a_user_string_that_looks_like_a_placeholder_stays_as_typed():
    panels = {"x": {"t": "fdgui-encoded-0", "h": files.encode_table_json(["1\t2\t3\t"])}}
    data = json.loads(files.dumps_panels(panels))
    assert data == {"x": {"t": "fdgui-encoded-0", "h": files.encode_table(["1\t2\t3\t"])}}
