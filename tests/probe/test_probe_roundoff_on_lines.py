"""The round-off measurement of a probe check sends lines through θ0 (a direction and its
steps), built into whole points one at a time in the probe's process, rather than building
~100 whole copies of θ in fdgui's own (review12p H1, review13p H2: a 4e6-parameter check
peaked at 3 GB). The points, and so the measurement and the report, are the same."""

from __future__ import annotations

import textwrap

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.netcheck.forward import ForwardEngine
from fdgui.probe.model import ProbeModel, open_probe

PROBE = """
import numpy as np
rng = np.random.default_rng(3)
theta0 = rng.normal(size=40)
def loss(t):
    return float(np.sum(np.sin(t) * t) + 1e3)
def grad(t):
    return np.cos(t) * t + np.sin(t)
"""


def _check(tmp_path, monkeypatch, along: bool):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(PROBE))
    calls = []
    original = ProbeModel.losses_on_lines

    def spy(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        if not along:  # the fans' whole points built here, as before
            patched.setattr(ForwardEngine, "_line_losses", lambda engine: engine._losses)
        patched.setattr(ProbeModel, "losses_on_lines", spy)
        model = open_probe(str(path), timeout=30)
        try:
            report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        finally:
            model.close()
    return report, len(calls)


def test_the_roundoff_lines_reach_the_probe_and_measure_the_same(tmp_path, monkeypatch):
    dense, dense_calls = _check(tmp_path, monkeypatch, along=False)
    lines, line_calls = _check(tmp_path, monkeypatch, along=True)
    assert line_calls > dense_calls  # the round-off fans went as lines
    assert lines.verdict == dense.verdict == "pass"
    assert [t.max_relative_error for t in lines.tensors] == [
        t.max_relative_error for t in dense.tensors
    ]
