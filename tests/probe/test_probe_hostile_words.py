"""Hostile probes name what happened in words (review9m): an exception whose own __str__
raises is reported (its class, the person's line) and the probe process keeps serving; a
hung call's place is the person's line, never the standard library's threading.py of the
worker's progress thread."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.core.errors import InputError
from fdgui.probe.client import _hung_place
from fdgui.probe.model import open_probe

BADSTR = """
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1])
class E(Exception):
    def __str__(self):
        raise ValueError("str fails")
def loss(t):
    if t[0] > 1.0:
        raise E()
    return float(np.sum(np.sin(t)))
"""


def test_an_exception_that_cannot_say_itself_is_reported(tmp_path):
    path = tmp_path / "badstr.py"
    path.write_text(textwrap.dedent(BADSTR))
    model = open_probe(str(path))
    try:
        with pytest.raises(InputError) as caught:
            model.loss(np.array([2.0, 0.0, 0.0]))
        said = str(caught.value)
        assert "E:" in said and "could not be shown" in said and "line 9" in said, said
        # the same process still answers
        assert model.loss(np.array([0.3, -0.7, 1.1])) == pytest.approx(
            np.sum(np.sin([0.3, -0.7, 1.1]))
        )
    finally:
        model.close()


DUMP = """Thread 0x00007f0000000001 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 982 in run
  File "/usr/lib/python3.11/threading.py", line 1045 in _bootstrap_inner

Current thread 0x00007f0000000002 (most recent call first):
  File "{folder}/mine.py", line 5 in loss
  File "/work/fdgui/probe/source.py", line 120 in loss
"""


def test_a_hung_call_names_the_persons_line(tmp_path):
    load = {"path": str(tmp_path / "mine.py")}
    assert _hung_place(DUMP.format(folder=tmp_path), load) == " (in loss, mine.py, line 5)"


def test_the_standard_library_is_nobodys_line(tmp_path):
    only_threads = DUMP.split("\n\nCurrent")[0]
    assert _hung_place(only_threads, {"path": str(tmp_path / "mine.py")}) == ""
    torch_file = "/venv/lib/python3.11/site-packages/torch/nn/module.py"
    venv = only_threads.replace("/usr/lib/python3.11/threading.py", torch_file)
    assert "module.py" in _hung_place(venv, {"path": str(tmp_path / "mine.py")})
