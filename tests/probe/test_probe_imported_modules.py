"""A kept-alive probe process must not answer with the old code of a module the probe
imports after that module changed on disk (review9j CRITICAL-1): ``refresh`` (which every run
starts with) reloads the probe in a fresh process, with the "changed on disk" note."""

from __future__ import annotations

import os
import textwrap

import numpy as np

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe

PROBE = """
import numpy as np
from mylayer import loss, grad
theta0 = np.linspace(-1, 1, 6)
"""

LAYER = """
import numpy as np
def loss(t):
    return float(np.sum(np.sin(t)))
def grad(t):
    return {factor} * np.cos(t)
"""


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    stat = os.stat(path)  # a distinct modification time, whatever the clock's tick
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def check(model):
    model.refresh()
    return run_to_completion(CheckSettings(None, engine="forward"), model=model)


def test_fixing_an_imported_module_is_seen_by_the_next_run(tmp_path):
    write(tmp_path / "mylayer.py", LAYER.format(factor="2"))
    write(tmp_path / "probe.py", PROBE)
    model = open_probe(str(tmp_path / "probe.py"), timeout=20)
    try:
        assert not check(model).passed  # grad = 2 cos: a bug
        write(tmp_path / "mylayer.py", LAYER.format(factor="1"))
        note = model.refresh()
        assert "mylayer.py" in note and "changed on disk" in note
        assert check(model).passed
        # and the converse: a bug brought in keeps no stale pass
        write(tmp_path / "mylayer.py", LAYER.format(factor="1.05"))
        assert not check(model).passed
        assert model.refresh() == ""  # nothing changed since: no reload, no note
    finally:
        model.close()


def test_modules_in_subfolders_elsewhere_and_imported_late_are_watched(tmp_path):
    """A package under the probe's folder, a module on a folder the probe put on the path
    itself, and a module first imported inside loss (after the load)."""
    other = tmp_path / "elsewhere"
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "scale.py", "FACTOR = 1.0\n")
    write(other / "shift.py", "SHIFT = 0.0\n")
    write(tmp_path / "late.py", "EXTRA = 0.0\n")
    write(
        tmp_path / "probe.py",
        f"""
        import sys
        sys.path.insert(0, {str(other)!r})
        import numpy as np
        from pkg.scale import FACTOR
        from shift import SHIFT
        theta0 = np.array([0.3, -0.2])
        def loss(t):
            from late import EXTRA
            return float(FACTOR * np.sum(t ** 2) + SHIFT + EXTRA)
        """,
    )
    model = open_probe(str(tmp_path / "probe.py"), timeout=20)
    try:
        theta = model.theta0()
        base = model.loss(theta)
        assert np.isclose(base, 0.13)
        for path, text, expected in (
            (tmp_path / "pkg" / "scale.py", "FACTOR = 2.0\n", 0.26),
            (other / "shift.py", "SHIFT = 1.0\n", 1.26),
            (tmp_path / "late.py", "EXTRA = 1.0\n", 2.26),
        ):
            write(path, text)
            note = model.refresh()
            assert path.name in note and "changed on disk" in note, (path, note)
            assert np.isclose(model.loss(theta), expected), path
    finally:
        model.close()


def test_the_interpreters_own_modules_are_not_watched(tmp_path):
    """Only the person's code: numpy's and the standard library's files (and fdgui's own
    worker modules) are never reported, so a run does not stat thousands of files."""
    write(tmp_path / "mylayer.py", LAYER.format(factor="1"))
    write(tmp_path / "probe.py", PROBE + "import json, numpy.linalg\n")
    model = open_probe(str(tmp_path / "probe.py"), timeout=20)
    try:
        watched = set(model.process.modules)
        assert str(tmp_path / "mylayer.py") in watched
        assert not any(
            os.sep + "numpy" + os.sep in p or p.endswith("json" + os.sep + "__init__.py")
            for p in watched
        ), watched
        assert not any(os.sep.join(("fdgui", "probe")) in p for p in watched), watched
    finally:
        model.close()


def test_a_same_length_rewrite_at_once_is_not_read_from_a_stale_cache(tmp_path, monkeypatch):
    """``2 *`` → ``3 *`` within the second the module was last written in, which is also the
    second its cached bytecode was written in: the same size and the same recorded second,
    which Python alone would trust. (The second is put a minute ahead so the load, on a busy
    machine, surely ends within it; each rewrite keeps it, a nanosecond clock apart.)"""
    import time

    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)  # a person's usual setting
    layer = tmp_path / "mylayer.py"
    second = (int(time.time()) + 60) * 10**9
    layer.write_text(textwrap.dedent(LAYER.format(factor="2")))
    os.utime(layer, ns=(second, second))
    write(tmp_path / "probe.py", PROBE)
    model = open_probe(str(tmp_path / "probe.py"), timeout=20)
    try:
        theta = model.theta0()
        assert np.allclose(model.gradient(), 2 * np.cos(theta))
        assert list((tmp_path / "__pycache__").glob("mylayer*.pyc"))  # the cache is there
        for step, factor in enumerate("345", start=1):
            layer.write_text(textwrap.dedent(LAYER.format(factor=factor)))
            os.utime(layer, ns=(second + 1000 * step, second + 1000 * step))
            assert "changed on disk" in model.refresh()
            assert np.allclose(model.gradient(), int(factor) * np.cos(theta)), factor
    finally:
        model.close()
