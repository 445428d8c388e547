"""Import table… finds each file's loss format anew (review10m MEDIUM-3: after a float32
file, a float64 file was read as float32 without a word, its bar ± 0.1 instead of 1e-7);
a format the person chose is kept."""

from __future__ import annotations

import numpy as np

from fdgui.ui.explorer.model import ExplorerModel


def _file(tmp_path, name: str, dtype) -> str:
    lines = ["eps,L+,L-"]
    w = dtype(0.3)
    for epsilon in np.logspace(-1, -4, 10):
        e = dtype(epsilon)
        step = float(w + e) - float(w)
        f = lambda x: np.sin(dtype(3) * x) + np.exp(x)  # noqa: E731
        lines.append(f"{step!r},{float(f(w + e))!r},{float(f(w - e))!r}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_each_file_gets_its_own_format_unless_the_person_chose_one(qtbot, tmp_path):
    from fdgui.ui.explorer.panel import ExplorerPanel

    model = ExplorerModel()
    panel = ExplorerPanel(None, model)
    qtbot.addWidget(panel)
    single, double = _file(tmp_path, "f32.csv", np.float32), _file(tmp_path, "f64.csv", np.float64)
    assert panel.import_table_file(single)
    assert model.text("table_dtype") == "float32" and "float32 number" in model.import_note
    assert panel.import_table_file(double)
    assert model.text("table_dtype") == "float64"
    assert "float64" in model.import_note and "float64" in panel.rows_label.text()
    assert panel.import_table_file(single)
    assert model.text("table_dtype") == "float32"
    model.set_text("table_dtype", "float16")  # the person's choice: kept for the next file
    assert panel.import_table_file(double)
    assert model.text("table_dtype") == "float16" and model.import_note == ""
