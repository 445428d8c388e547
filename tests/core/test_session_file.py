"""Session files: the schema's checks, atomic writes, damaged files refused and untouched."""

import json
import os
from pathlib import Path

import pytest

from fdgui.core import session as files


def _valid(panels=None) -> bytes:
    return files.dumps(files.Session(panels=panels or {"calculator": {"texts": {"epsilon": "1"}}}))


def test_a_session_round_trips(tmp_path):
    panels = {
        "calculator": {
            "texts": {"loss_plus": "0.120008", "epsilon": "1e-5"},
            "history": files.encode_table(["0.00001\t0.120008\t0.119992\t"]),
        },
        "explorer": {"source": "network", "cursor_epsilon": 1e-3, "pins": []},
    }
    path = tmp_path / "a.fdgui.json"
    files.write_session(path, files.Session(panels=panels, saved_at="now", app_version="9"))
    back = files.read_session(path)
    assert back.panels == panels and back.saved_at == "now" and back.app_version == "9"
    rows, count = files.table_rows(back.panels["calculator"]["history"])
    assert count == 1
    assert files.row_cells(files.split_rows(rows)[0]) == {
        "epsilon": "0.00001",
        "loss_plus": "0.120008",
        "loss_minus": "0.119992",
        "loss": "",
    }


def _huge_integer_file() -> bytes:
    return _valid().replace(b'"version":1', b'"version":' + b"9" * 5000)


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("truncated", _valid()[:40], "not valid JSON"),
        ("empty", b"", "is empty"),
        ("binary", b"\xff\xfe\x00garbage", "not a text file"),
        ("foreign", b'{"name": "something else", "panels": {}}', "not an fdgui session"),
        ("a list", b"[1, 2, 3]", "not an fdgui session"),
        ("newer", _valid().replace(b'"version":1', b'"version":7'), "newer fdgui"),
        ("no version", _valid().replace(b'"version":1', b'"version":"1"'), "no valid version"),
        ("wrong types", _valid().replace(b'{"calculator"', b'{"calculator":5,"x"'), "panel"),
        ("huge integer", _huge_integer_file(), "not valid JSON"),
        ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_bad_file_is_refused_in_words_and_left_untouched(tmp_path, name, content, said):
    path = tmp_path / f"{name}.fdgui.json"
    path.write_bytes(content)
    before = os.stat(path)
    with pytest.raises(files.SessionError) as refused:
        files.read_session(path)
    assert said in str(refused.value)
    assert "\n" not in str(refused.value)
    assert path.read_bytes() == content
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.fdgui.json"
    with path.open("wb") as handle:
        handle.write(_valid()[:-1] + b',"padding":"')
        handle.write(b"x" * (50 * 2**20))
        handle.write(b'"}')
    size = path.stat().st_size
    limit = r"more than the 33,554,432 bytes \(32 MB\)"
    with pytest.raises(files.SessionError, match=limit) as said:
        files.read_session(path)
    assert f"{size:,} bytes" in str(said.value)
    assert path.stat().st_size == size


def test_missing_and_folder_paths_are_refused(tmp_path):
    with pytest.raises(files.SessionError, match="does not exist"):
        files.read_session(tmp_path / "nothing.fdgui.json")
    with pytest.raises(files.SessionError, match="folder"):
        files.read_session(tmp_path)


def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path):
    path = tmp_path / "s.fdgui.json"
    files.write_atomic(path, b"old")
    files.write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.fdgui.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "s.fdgui.json"
    files.write_atomic(path, b"old")

    def failing_fsync(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        files.write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.fdgui.json"]


def test_an_unwritable_folder_raises_oserror(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError):
        files.write_atomic(blocker / "s.fdgui.json", b"data")


def test_a_damaged_file_is_kept_beside_as_broken(tmp_path):
    path = tmp_path / "autosave.fdgui.json"
    path.write_bytes(b"{garbage")
    kept = files.keep_broken(path)
    assert kept == tmp_path / "autosave.fdgui.json.broken"
    assert kept.read_bytes() == b"{garbage" and not path.exists()


def test_rows_that_are_not_plain_cells_are_kept_and_named_later():
    assert files.row_line(["1", "2", "3", ""]) == "1\t2\t3\t"
    odd = files.row_line({"epsilon": 5})
    assert json.loads(odd) == {"epsilon": 5}
    assert files.row_cells(odd) is None
    assert files.row_cells("1\t2") is None
    with pytest.raises(files.SessionError):
        files.table_rows({"columns": ["a"], "text": ""})
    with pytest.raises(files.SessionError):
        files.table_rows(5)
    assert files.table_rows({"columns": list(files.HISTORY_COLUMNS), "text": ""}) == ("", 0)


def test_data_dir_follows_the_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FDGUI_DATA_DIR", str(tmp_path / "d"))
    assert files.autosave_path() == Path(tmp_path / "d" / "autosave.fdgui.json")
    monkeypatch.delenv("FDGUI_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    if os.name == "posix" and os.uname().sysname == "Linux":
        assert files.data_dir() == tmp_path / "x" / "fdgui"
