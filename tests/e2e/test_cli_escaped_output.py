"""Everything fdgui-cli prints from outside data (a file's cells, a path) is escaped: no raw
control character reaches the terminal, on stderr or stdout, at any exit status; a long path
is shortened like any echoed value; a file in a path's way is named alike for every option."""

from __future__ import annotations

import json

import pytest

from fdgui.cli import main
from fdgui.commands.output import escape

RAW = ["\x1b", "\x00", "\x07", "\r", "\x7f", "\x9b", "\u2028", "\ufeff"]


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _clean(text: str) -> bool:
    return all(character not in text for character in RAW)


def test_a_table_s_control_characters_are_escaped_in_its_warnings(capsys, tmp_path):
    table = tmp_path / "esc.csv"
    table.write_bytes(
        b"1e-4,0.85005,0.84995\n1e-3,0.8\x1b[2J05,0.8495\n2e-3,0.851,0.849\n"
        b"3e-3,0.8\x0015,0.8\x0785\n4e-3,0.8\xc2\x9b2J,1\n"
    )
    status, out, err = _run(capsys, "sweep", "--table", str(table))
    assert status == 0 and "skipped line 2" in err and "skipped line 5" in err
    assert _clean(err) and _clean(out)
    assert "\\x1b[2J" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--expr", "sin(w)", "--points", "10", "--csv", "nodir/\x1b[2J\x9bx.csv"],
        ["sweep", "--probe", "nodir/\x1b[2J.py"],
        ["netcheck", "--probe", "nodir/\x1b[2J\x07.py"],
        ["sweep", "--table", "nodir/\x1b[2J.csv"],
    ],
)
def test_paths_are_escaped_in_refusals(capsys, argv):
    status, _, err = _run(capsys, *argv)
    assert status == 2 and _clean(err) and len(err.strip().splitlines()) == 1
    assert "\\x1b[2J" in err


def test_json_output_stays_valid_with_escaped_characters():
    text = json.dumps({"a": "x\x7f\x9b\u2028\U000e0001y"}, ensure_ascii=False)
    escaped = escape(text, json=True)
    assert _clean(escaped) and "\U000e0001" not in escaped
    assert json.loads(escaped) == json.loads(text)
    assert escape("plain\ttext\n") == "plain\ttext\n"


def test_a_long_csv_path_is_shortened_and_a_file_in_its_way_named(capsys, tmp_path):
    status, _, err = _run(
        capsys, "sweep", "--expr", "sin(w)", "--points", "10", "--csv", "nodir/" + "x" * 10_000
    )
    assert status == 2 and len(err.strip()) <= 350 and "…" in err
    notes = tmp_path / "notes.txt"
    notes.write_text("a note")
    status, _, err = _run(
        capsys, "sweep", "--expr", "sin(w)", "--points", "10", "--csv", f"{notes}/x.csv"
    )
    assert status == 2 and f"{notes} is a file, not a folder" in err
