"""A file defining both forms (parameters()/gradient and theta0/grad) is read in the richer
form, as documented, and that is said (review18p L7: the richer form was used silently, so a
person checking their ``grad`` got a verdict on their ``gradient``): on the page's
description and as a note of the CLI's."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from fdgui.probe.model import open_probe

BOTH = """
import numpy as np
theta0 = np.array([1.0, 2.0])
def loss(p):
    if isinstance(p, dict):
        return float(np.sum(p["a"] ** 2))
    return float(np.sum(p ** 2))
def grad(t):
    return 2 * t
def parameters():
    return {"a": np.array([1.0, 2.0, 3.0])}
def gradient(p):
    return {"a": 2 * p["a"]}
"""


def test_a_file_with_both_forms_says_which_one_is_read(tmp_path):
    path = tmp_path / "both.py"
    path.write_text(textwrap.dedent(BOTH))
    model = open_probe(str(path), timeout=20)
    try:
        assert model.form == "richer"
        note = model.form_note
        assert "both.py" in note and "theta0" in note and "grad" in note, note
        assert "parameters()" in note, note
    finally:
        model.close()
    from fdgui.ui.probe_source import describe

    plain = tmp_path / "plain.py"
    plain.write_text(textwrap.dedent(BOTH).split("def parameters")[0])
    model = open_probe(str(plain), timeout=20)
    try:
        assert model.form == "minimal" and model.form_note == ""
        assert "richer" not in describe(model)
    finally:
        model.close()
    done = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "netcheck", "--probe", str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "note: both.py defines theta0" in done.stderr, done.stderr
