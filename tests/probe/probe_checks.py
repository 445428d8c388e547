"""What the probe tests share: a probe file written from source text (optionally with a
``grad`` that edits ``true_grad``), a full forward-engine check of it, and the entries a
report fails."""

from __future__ import annotations

import textwrap

from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.model import open_probe


def write_probe(tmp_path, source: str, bug: str | None = None, name: str = "probe.py"):
    """``source`` (dedented) as a probe file; with ``bug``, a ``grad`` that applies that
    one line to ``g = true_grad(t).copy()``."""
    text = textwrap.dedent(source)
    if bug is not None:
        text += f"\ndef grad(t):\n    g = true_grad(t).copy()\n    {bug}\n    return g\n"
    path = tmp_path / name
    path.write_text(text)
    return path


def full_check(path, settings: CheckSettings | None = None):
    """The report of a full check (forward engine) of the probe file at ``path``."""
    model = open_probe(str(path))
    try:
        return run_to_completion(settings or CheckSettings(None, engine="forward"), model=model)
    finally:
        model.close()


def failing(report) -> set[tuple[str, int]]:
    """(tensor, flat index) of the worst entries that fail."""
    return {(entry.tensor, entry.index) for entry in report.worst if entry.failing}


def no_grad_estimates(path):
    """(values, bars, truth) of the no-grad estimate of the probe file at ``path``, every
    tensor flattened in order; the truth from the file's own ``true_grad`` at ``theta0``."""
    import numpy as np

    from fdgui.core.netcheck.numeric import numeric_gradient_report

    model = open_probe(str(path))
    try:
        report = numeric_gradient_report(model, CheckSettings(None, engine="forward"))
    finally:
        model.close()
    space: dict = {}
    exec(path.read_text(), space)
    values = np.concatenate([np.asarray(t.values, float) for t in report.tensors])
    bars = np.concatenate([np.asarray(t.error_bars, float) for t in report.tensors])
    return values, bars, space["true_grad"](space["theta0"])
