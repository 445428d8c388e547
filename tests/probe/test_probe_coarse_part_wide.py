"""A float16 *sum* inside a float64 loss: its treads outlast every step the check takes.

PARTW·Σ tanh²(1.3·θ) summed in float16 moves the loss in steps of PARTW·2^-7 (the sum is
about 13) and is frozen along an entry over spans wider than the short sweep's ε and the
coarse-part survey's grids, so the small steps measure the float64 rest alone while the
honest gradient holds the part's slope too: an honest gradient was "Fail … Wrong at every ε
… a bug" (review20n C1, 9 of 11 honest probes). Before an entry is called wrong, the loss is
surveyed along it out to (and past) the check's widest step (``coarse_wide``): a tread there
that the wide steps cannot see through leaves the entry open — "Too coarse to judge (no ε
moves the coarser part)", Inconclusive, never a pass. A bug the wide steps resolve still
fails, at its own entry.
"""

from __future__ import annotations

from fdgui.core.report.exporters import export
from tests.probe.probe_checks import failing, full_check, write_probe

SUM_IN_FLOAT16 = """
import numpy as np
rng = np.random.default_rng(1)
theta0 = rng.uniform(-1.0, 1.0, 32)
def loss(t):
    t = np.asarray(t, dtype=np.float64)
    part = (np.tanh(np.float16(1.3) * t.astype(np.float16)) ** 2).sum(dtype=np.float16)
    return float(0.5 * np.sum(t**2) + np.sum(np.sin(t)) + 1e-2 * np.float64(part))
def grad(t):
    t = np.asarray(t, dtype=np.float64)
    th = np.tanh(1.3 * t)
    g = t + np.cos(t) + 1e-2 * 2.6 * th * (1 - th**2)
    g[{entry}] *= 1 + {bug!r}
    return g
"""


def _check(tmp_path, entry=0, bug=0.0):
    source = SUM_IN_FLOAT16.format(entry=entry, bug=bug)
    return full_check(write_probe(tmp_path, source, name=f"sum16_{entry}_{bug:g}.py"))


def test_an_honest_gradient_beside_a_float16_sum_is_never_called_wrong(tmp_path):
    report = _check(tmp_path)
    text = export(report, "text")
    # (main: "Fail: 5 of 32 … theta[26] … Wrong at every ε … a bug")
    assert sum(tensor.failures for tensor in report.tensors) == 0, text
    assert report.verdict == "fail" and report.inconclusive, text  # open, never a pass
    assert "no ε moves the coarser part" in text, text
    assert 5e-5 < report.coarse_step < 1e-3, text  # the part's step, 1e-2·2^-7, is named


def test_a_bug_the_wide_steps_resolve_still_fails_at_its_entry(tmp_path):
    report = _check(tmp_path, entry=26, bug=0.1)  # 10 % of g = 1.08 (0.108; the part's ± 0.02)
    text = export(report, "text")
    assert report.verdict == "fail" and not report.inconclusive, text
    assert failing(report) == {("theta", 26)}, text


# float16 sums over blocks of 8 entries, 320 entries: more than CONFIRMED_LIMIT (256) of them
# first counted as confirmed wrong, before this look opened them; later chunks then had no
# second look and their small steps' "wrong" stood (rev21n C1: Fail, 64 of 320 here)
BLOCK_SUMS = """
import numpy as np
rng = np.random.default_rng(4)
theta0 = rng.uniform(-1.0, 1.0, 320)
A, B = rng.uniform(0.5, 2.0, 320), rng.normal(size=320)
def loss(t):
    t = np.asarray(t, dtype=np.float64)
    u = (np.tanh(1.3 * t) ** 2).astype(np.float16).reshape(-1, 8)
    return float(0.5 * np.sum(A * t * t) + B @ t) + 1e-2 * float(
        np.sum(u.sum(axis=1, dtype=np.float16), dtype=np.float64))
def grad(t):
    t = np.asarray(t, dtype=np.float64)
    th = np.tanh(1.3 * t)
    g = A * t + B + 1e-2 * 2.6 * th * (1.0 - th * th)
    g[{entry}] *= 1 + {bug!r}
    return g
"""


def test_more_open_entries_than_the_second_looks_budget_stay_open(tmp_path):
    honest = full_check(write_probe(tmp_path, BLOCK_SUMS.format(entry=5, bug=0.0)))
    assert honest.verdict != "pass" and honest.inconclusive, honest.worst[:2]
    bugged = full_check(write_probe(tmp_path, BLOCK_SUMS.format(entry=5, bug=1.0), name="b.py"))
    assert bugged.verdict == "fail" and not bugged.inconclusive
    assert failing(bugged) == {("theta", 5)}
