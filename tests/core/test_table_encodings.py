"""Tables as people save and print them (review10k LOW): a Latin-1 file with an accent in a
comment, Excel's "Unicode Text" (UTF-16 with its mark), values printed as numpy scalars
(numpy ≥ 2 prints ``np.float64(0.25)``) or torch tensors, a no-break space before a comma.
Each is read as its numbers; binary bytes are still refused in words."""

from __future__ import annotations

import pytest

from fdgui.core.calculator.schemes import parse_measurement_table
from fdgui.core.errors import InputError
from fdgui.core.table_file import read_table_text

ROWS = "0.1,0.7173560908995227,0.5646424733950354,0.644217687237691\n"


def test_a_latin1_file_with_an_accent_in_a_comment_is_read(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(("# café ± mesuré\n" + ROWS).encode("latin-1"))
    text = read_table_text(path)
    assert "café" in text
    rows, problems = parse_measurement_table(text)
    assert len(rows) == 1 and not problems


def test_a_utf16_file_with_its_mark_is_read(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(("eps\tL+\tL-\n" + ROWS.replace(",", "\t")).encode("utf-16"))
    rows, problems = parse_measurement_table(read_table_text(path))
    assert len(rows) == 1 and not problems


@pytest.mark.parametrize(
    "data", [b"\x00\xff\x81binary\x00", b"\xff\xfe\x00\x81", b"abc\x1b\x00\xff\xfe"]
)
def test_binary_bytes_are_still_refused(tmp_path, data):
    path = tmp_path / "junk.bin"
    path.write_bytes(data)
    with pytest.raises(InputError, match="not a text file"):
        read_table_text(path)


def test_numpy_scalars_and_torch_tensors_are_read_as_their_numbers():
    text = (
        "1e-3,np.float64(0.2199),np.float64(0.2197),np.float64(0.2198)\n"
        "2e-3, np.float32(0.22), np.float32(0.2196)\n"
        "4e-3,tensor(0.2201, dtype=torch.float64),tensor(0.2195),"
        "tensor(0.2198, grad_fn=<AddBackward0>)\n"
    )
    rows, problems = parse_measurement_table(text)
    assert not problems
    assert [str(row.loss_plus) for row in rows] == ["0.2199", "0.22", "0.2201"]
    assert [None if row.loss is None else str(row.loss) for row in rows] == [
        "0.2198",
        None,
        "0.2198",
    ]
    # a tensor of several values is no single number
    _rows, problems = parse_measurement_table("1e-3,tensor([0.1, 0.2]),0.3\n")
    assert problems


def test_a_no_break_space_before_a_comma_separates_nothing():
    rows, problems = parse_measurement_table("0.5\u00a0,0.1,0.2,0.3\n0.25 , 0.1 , 0.2\n")
    assert not problems and len(rows) == 2
    # a decimal comma among spaces stays refused, with its reason
    _rows, problems = parse_measurement_table("1,5 2,5 3\n")
    assert problems and "decimal comma" in problems[0]
