"""Session files: every file written can be read back; odd text and odd files."""

import json
import os

import pytest

from fdgui.core import session as files


def test_a_session_too_large_to_read_back_is_never_written(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 4096)
    path = tmp_path / "big.fdgui.json"
    files.write_session(path, files.Session(panels={"calculator": {"texts": {}}}))
    before = path.read_bytes()
    big = files.Session(panels={"calculator": {"texts": {"note": "x" * 5000}}})
    with pytest.raises(OSError) as refused:
        files.write_session(path, big)
    assert isinstance(refused.value, files.SessionTooLarge)
    assert "4,096 bytes" in refused.value.strerror and "\n" not in refused.value.strerror
    assert path.read_bytes() == before
    files.read_session(path)  # what is there is still readable


def test_a_session_of_exactly_the_limit_is_written_and_read(tmp_path, monkeypatch):
    small = files.dumps(files.Session(panels={"calculator": {"texts": {"note": ""}}}))
    monkeypatch.setattr(files, "MAX_BYTES", len(small) + 10)
    path = tmp_path / "edge.fdgui.json"
    files.write_session(path, files.Session(panels={"calculator": {"texts": {"note": "y" * 10}}}))
    assert os.path.getsize(path) == files.MAX_BYTES
    assert files.read_session(path).panels["calculator"]["texts"]["note"] == "y" * 10


def test_a_lone_surrogate_never_makes_writing_fail():
    data = files.dumps(files.Session(panels={"explorer": {"texts": {"expression": "w\udc80"}}}))
    back = files.loads(data)
    assert back.panels["explorer"]["texts"]["expression"].startswith("w")


def test_a_file_with_a_lone_surrogate_escape_is_refused_in_words(tmp_path):
    doc = {"format": files.FORMAT, "version": 1, "panels": {"explorer": {"texts": {}}}}
    text = json.dumps(doc).replace('"texts": {}', '"texts": {"expression": "w**2\\udc80"}')
    with pytest.raises(files.SessionError, match="not valid Unicode"):
        files.loads(text.encode())
    escaped = '"texts": {"expression": "\\u00e9\\ud83d\\ude00"}'
    fine = json.dumps(doc).replace('"texts": {}', escaped)
    assert files.loads(fine.encode()).panels["explorer"]["texts"]["expression"] == "é😀"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.fdgui.json"
    os.mkfifo(fifo)
    with pytest.raises(files.SessionError, match="not a regular file"):
        files.read_session(fifo)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.fdgui.json"
    path.write_bytes(b"\xef\xbb\xbf" + files.dumps(files.Session(panels={"calculator": {}})))
    assert files.read_session(path).panels == {"calculator": {}}


def test_a_write_keeps_the_files_mode_and_a_new_file_follows_the_umask(tmp_path):
    path = tmp_path / "m.fdgui.json"
    old = os.umask(0o022)
    try:
        files.write_session(path, files.Session())
        assert (os.stat(path).st_mode & 0o777) == 0o644
        os.chmod(path, 0o640)
        files.write_session(path, files.Session(panels={"calculator": {}}))
        assert (os.stat(path).st_mode & 0o777) == 0o640
    finally:
        os.umask(old)


def test_saving_through_a_symbolic_link_writes_its_target(tmp_path):
    target = tmp_path / "real.fdgui.json"
    files.write_session(target, files.Session())
    link = tmp_path / "link.fdgui.json"
    link.symlink_to(target)
    files.write_session(link, files.Session(panels={"calculator": {}}))
    assert link.is_symlink()
    assert files.read_session(target).panels == {"calculator": {}}
