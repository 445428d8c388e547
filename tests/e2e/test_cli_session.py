"""``fdgui-cli calc --session``: writing a session, reading one back, refusing bad files."""

import json

import pytest

from fdgui.cli import main
from fdgui.core import session as files


def test_calc_writes_a_session_the_window_and_the_cli_read_back(tmp_path, capsys):
    path = tmp_path / "run.fdgui.json"
    args = ["calc", "--plus", "0.120008", "--minus", "0.119992", "--eps", "1e-5"]
    # 0.8 ± 0.05 from the typed digits: too coarse to judge 0.79, exit 2 (calc as sweep)
    assert main([*args, "--backprop", "0.79", "--session", str(path)]) == 2
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


def _app(*args, tmp_path):
    import os
    import subprocess
    import sys

    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    environment["FDGUI_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "fdgui", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env=environment,
    )


def test_the_window_opens_a_session_and_computes_it(tmp_path):
    path = tmp_path / "s.fdgui.json"
    main(["calc", "--plus", "1.5", "--minus", "0.5", "--eps", "1", "--session", str(path)])
    out = _app("--session", str(path), "--smoke", tmp_path=tmp_path)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == 0 and result["ok"] and result["gradient"] == "0.5", out.stderr
    bad = tmp_path / "bad.fdgui.json"
    bad.write_bytes(b'{"format": "fdgui-session", "version": 1, "pan')
    out = _app(str(bad), "--smoke", tmp_path=tmp_path)
    assert out.returncode == 2
    assert "not valid JSON" in json.loads(out.stdout.strip().splitlines()[-1])["error"]
    assert bad.read_bytes() == b'{"format": "fdgui-session", "version": 1, "pan'


@pytest.mark.slow
def test_export_plots_writes_every_plot_as_png_svg_and_csv(tmp_path):
    import xml.etree.ElementTree as ElementTree

    path = tmp_path / "s.fdgui.json"
    main(["calc", "--plus", "1.5", "--minus", "0.5", "--eps", "1", "--session", str(path)])
    folder = tmp_path / "plots"
    out = _app("--session", str(path), "--export-plots", str(folder), tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ok"] and len(result["files"]) == 9
    for name in ("calculator", "explorer", "heatmap"):
        assert (folder / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        root = ElementTree.parse(folder / f"{name}.svg").getroot()
        assert any(e.tag.endswith(("path", "polyline")) for e in root.iter())
        lines = (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        header = "tensor,row,column,relative_error" if name == "heatmap" else "plot,series,x,y"
        assert lines[0] == header and len(lines) > 1, name


def test_a_session_sent_as_binary_losses_reports_the_windows_verdict(tmp_path, capsys):
    path = tmp_path / "sent.fdgui.json"
    texts = {"loss_plus": "0.693147182464599609375", "loss_minus": "0.6931462287902832031"}
    texts |= {"epsilon": "0.001", "loss": "", "backprop": ""}
    panels = {"calculator": {"texts": texts, "loss_roundoff": "5.9604644775390625E-8"}}
    files.write_session(path, files.Session(panels=panels))
    assert main(["calc", "--session", str(path), "--json"]) == 0
    with_u = capsys.readouterr().out
    del panels["calculator"]["loss_roundoff"]
    files.write_session(path, files.Session(panels=panels))
    assert main(["calc", "--session", str(path), "--json"]) == 0
    assert capsys.readouterr().out != with_u


@pytest.mark.parametrize(
    "typed", ["1\nError: all good\nfoo", "\u001b[2J\u001b[31mPWNED", "9" * 4000 + "x"]
)
def test_session_errors_are_one_line_without_control_characters(tmp_path, capsys, typed):
    path = tmp_path / "odd.fdgui.json"
    panels = {"calculator": {"texts": {"loss_plus": typed, "loss_minus": "1", "epsilon": "1"}}}
    files.write_session(path, files.Session(panels=panels))
    assert main(["calc", "--session", str(path)]) == 2
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and "\u001b" not in said and len(said) < 400


@pytest.mark.slow
def test_export_plots_draws_the_heat_map_of_a_restored_report(tmp_path, qtbot):
    """--export-plots of a session holding a report exports that report's heat map (it is
    not run again: the fields are changed to another network, and the CSV is the report's)."""
    from fdgui.ui.main_window import MainWindow
    from fdgui.ui.plot_export import heat_map_csv

    window = MainWindow(remember=False)
    qtbot.addWidget(window)
    model = window.model("netcheck")
    for field, text in (("layers", "6,5,5,3"), ("bug", "transpose"), ("seed", "11")):
        model.set_text(field, text)
    assert model.run()
    qtbot.waitUntil(lambda: model.result() is not None and not model.is_busy(), timeout=60000)
    expected = heat_map_csv(model.result())
    path = tmp_path / "checked.fdgui.json"
    assert window.session.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["panels"]["netcheck"]["texts"]["layers"] = "4,3,2"  # a rerun would differ
    path.write_text(json.dumps(document), encoding="utf-8")

    folder = tmp_path / "plots"
    out = _app("--session", str(path), "--export-plots", str(folder), tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (folder / "heatmap.csv").read_text(encoding="utf-8") == expected
    assert (folder / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
