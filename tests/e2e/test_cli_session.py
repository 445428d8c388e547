"""``fdgui-cli calc --session``: writing a session, reading one back, refusing bad files."""

import json

import pytest

from fdgui.cli import main
from fdgui.core import session as files


def test_calc_writes_a_session_the_window_and_the_cli_read_back(tmp_path, capsys):
    path = tmp_path / "run.fdgui.json"
    args = ["calc", "--plus", "0.120008", "--minus", "0.119992", "--eps", "1e-5"]
    assert main([*args, "--backprop", "0.79", "--session", str(path)]) in (0, 1)
    first = capsys.readouterr().out
    assert (
        main(["calc", "--plus", "1.5", "--minus", "0.5", "--eps", "1", "--session", str(path)]) == 0
    )
    capsys.readouterr()
    saved = files.read_session(path)
    calculator = saved.panels["calculator"]
    assert calculator["texts"]["loss_plus"] == "1.5"
    rows, count = files.table_rows(calculator["history"])
    assert count == 2
    assert files.row_cells(files.split_rows(rows)[0])["loss_plus"] == "0.120008"
    assert saved.saved_at
    # reading it back: the report of the saved inputs (the last calculation)
    assert main(["calc", "--session", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"]["loss_plus"] == "1.5"
    assert "0.8" in first  # the first report was printed as usual


@pytest.mark.parametrize(
    "content",
    [b'{"format": "fdgui-session", "version": 1, "panels": {"calc', b"\x00\x01", b"{}", b""],
)
def test_a_bad_session_exits_2_with_one_line_and_is_left_untouched(tmp_path, capsys, content):
    path = tmp_path / "bad.fdgui.json"
    path.write_bytes(content)
    assert main(["calc", "--session", str(path)]) == 2
    said = capsys.readouterr().err.strip()
    assert said.startswith("fdgui-cli calc: --session:") and "\n" not in said
    assert main(["calc", "--plus", "1", "--minus", "0", "--eps", "1", "--session", str(path)]) == 2
    assert "left untouched" in capsys.readouterr().err
    assert path.read_bytes() == content


def test_a_session_without_calculator_inputs_is_refused(tmp_path, capsys):
    path = tmp_path / "empty.fdgui.json"
    files.write_session(path, files.Session(panels={"explorer": {}}))
    assert main(["calc", "--session", str(path)]) == 2
    assert "no calculator inputs" in capsys.readouterr().err
    files.write_session(
        path, files.Session(panels={"calculator": {"texts": {"loss_plus": "x", "loss_minus": "0"}}})
    )
    assert main(["calc", "--session", str(path)]) == 2
    assert "is not valid" in capsys.readouterr().err


def test_the_losses_are_still_required_without_a_session(capsys):
    assert main(["calc", "--plus", "1"]) == 2
    assert "--minus, --eps" in capsys.readouterr().err
