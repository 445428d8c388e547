"""A reload that fails says that the file changed and did not load again, and the reload
after it names what changed since that failed attempt (review18p L4: a probe whose helper
module raised, then was fixed, was reported as "probe.py changed on disk", the probe, not
the helper; a reload failing with a syntax error read as any other failure)."""

from __future__ import annotations

import os
import textwrap

import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe

PROBE = """
import numpy as np
from helper_mod import K
theta0 = np.linspace(-1, 1, 4)
def loss(t):
    return float(K * np.sum(t ** 2))
"""


def write(path, text):
    path.write_text(textwrap.dedent(text))
    stat = os.stat(path)  # a distinct modification time, whatever the clock's tick
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_failed_reload_says_so_and_the_next_names_what_changed(tmp_path):
    write(tmp_path / "helper_mod.py", "K = 1.0\n")
    write(tmp_path / "probe.py", PROBE)
    model = open_probe(str(tmp_path / "probe.py"), timeout=20)
    try:
        write(tmp_path / "helper_mod.py", "K = 1.0\nraise RuntimeError('helper broke')\n")
        with pytest.raises(ProbeError) as caught:
            model.refresh()
        message = str(caught.value)
        assert "helper_mod.py" in message and "changed on disk" in message, message
        assert "helper broke" in message, message
        write(tmp_path / "helper_mod.py", "K = 3.0\n")
        note = model.refresh()
        assert "probe.py changed on disk" not in note, note  # the probe did not change
        assert "probe.py" in note, note
        assert model.loss(model.theta0()) == pytest.approx(3.0 * sum(
            x * x for x in (-1.0, -1.0 / 3, 1.0 / 3, 1.0)))  # fmt: skip
        # the probe itself broken, then fixed: both said of the probe
        write(tmp_path / "probe.py", PROBE + "def oops(:\n")
        with pytest.raises(ProbeError) as caught:
            model.refresh()
        assert "probe.py changed on disk" in str(caught.value), str(caught.value)
        write(tmp_path / "probe.py", PROBE)
        assert "probe.py changed on disk" in model.refresh()
        assert model.refresh() == ""  # nothing changed since: no reload, no note
    finally:
        model.close()
