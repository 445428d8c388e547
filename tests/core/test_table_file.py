"""The table reader is bounded: /dev/zero, an endless pipe or a huge file is refused in words
(exit 2 in the CLI), never read whole into memory."""

import io
import os
import subprocess
import sys

import pytest

from fdgui.core.errors import InputError
from fdgui.core.table_file import MAX_TABLE_BYTES, read_table_text


class _Endless(io.RawIOBase):
    """An endless pipe: as many bytes as asked for, forever."""

    def readinto(self, buffer):
        buffer[:] = b"1" * len(buffer)
        return len(buffer)

    def readable(self):
        return True


def test_a_small_table_is_read_with_its_bom_removed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeff1e-4,1,0\n".encode())
    assert read_table_text(path) == "1e-4,1,0\n"


def test_an_endless_pipe_is_refused_after_the_cap():
    with pytest.raises(InputError) as caught:
        read_table_text("-", stdin=io.BufferedReader(_Endless()))
    assert caught.value.field == "table" and "MB" in caught.value.message


def test_a_file_over_the_cap_is_refused(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(MAX_TABLE_BYTES + 10)  # sparse: no disk used
    with pytest.raises(InputError, match="larger than"):
        read_table_text(path, "rows")


def test_binary_bytes_are_refused_in_words(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(InputError, match="not a text file"):
        read_table_text(path)
    assert "\ufffd" in read_table_text(path, strict=False)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_cli_table_from_dev_zero_exits_2_in_words():
    done = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "sweep", "--table", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "larger than" in done.stderr and "Traceback" not in done.stderr
