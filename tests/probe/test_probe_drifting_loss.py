"""A loss that drifts a little with every call (a counter, a running statistic, a cache that
shifts the value): its central differences at the first ε carry the drift between L+ and
L− over 2ε, the noise measure widens the window by it, and a 0.1 % bug passed "only
loosely" with exit 0 while the ε sweep of the same entry, at larger steps, called it wrong
(review17p M1). The wider steps see that entry's slope beyond two bars of its gradient;
where the checks that would call it wrong cannot tell a bug from the drift (its two sides,
a pair lower, the scatter), the entry is left open and the check is Inconclusive — never a
pass. The honest twin keeps passing (loosely), never fails."""

from __future__ import annotations

from fdgui.core.report.exporters import export
from tests.probe.probe_checks import full_check, write_probe

DRIFT = """
import numpy as np
theta0 = np.linspace(-1, 1, 8)
CALLS = [0]
def loss(t):
    CALLS[0] += 1
    return float(np.sum(np.sin(t) * t) + 0.5 * np.sum(t**2)) + {step!r} * CALLS[0]
def grad(t):
    g = np.cos(t) * t + np.sin(t) + t
    g[2] *= 1 + {bug!r}
    return g
"""


def _check(tmp_path, bug, step=1e-9):
    path = write_probe(tmp_path, DRIFT.format(bug=bug, step=step), name=f"drift_{bug:g}.py")
    return full_check(path)


def test_a_drifting_loss_does_not_pass_a_bug_its_wider_steps_resolve(tmp_path):
    report = _check(tmp_path, 1e-3)
    text = export(report, "text")
    assert report.noise_sigma > 0, text
    assert report.verdict == "fail", text  # Inconclusive or Fail: never a pass
    named = {
        entry.index for entry in report.worst if entry.note in ("noise-open",) or entry.failing
    }
    assert 2 in named, text


def test_the_honest_drifting_loss_never_fails(tmp_path):
    report = _check(tmp_path, 0.0)
    text = export(report, "text")
    assert report.noise_sigma > 0, text
    assert report.verdict == "pass", text


def test_the_tensor_status_of_a_noise_open_entry_does_not_say_first_epsilon_only():
    """The window's tensor line for open entries read "disagree clearly at the first ε", which
    a noise-open entry (agreeing there within the noise's window) does not."""
    from types import SimpleNamespace

    from fdgui.core.report.netcheck_open import open_tensor_words

    words = open_tensor_words(SimpleNamespace(unresolved=1, checked=8))
    assert "wider steps" in words and "cannot pass" in words, words
