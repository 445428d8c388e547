"""One entry's round-off or scale never lets a bug in another entry agree (review11n C3,
H1, H2).

C3: a loss Σ θ² + C·θ[j] (C = 1e9) is 3.6e8, so the first window of every entry is atol
0.5 — a quarter of a gradient of 2 — and a 30 % bug agreed (exit 0), though its own
differences at a few ε resolve it to 1e-3. H1/H2: one entry whose loss is not finite (or
has a pole) a hair from θ0 made the round-off measured along the tensor's lines 1e5 times
too wide for every other entry, where a 1 % or 30 % bug then "agreed". The honest twins
must never fail.
"""

from __future__ import annotations

import pytest

from fdgui.core.report.netcheck import verdict_in_words
from tests.probe.probe_checks import failing, full_check, write_probe

LARGE_TERM = """
import numpy as np
theta0 = np.random.default_rng({seed}).uniform(0.1, 1.0, 8)
def loss(t):
    return float(np.sum(t ** 2) + {coefficient} * t[{big}])
def true_grad(t):
    g = 2 * np.asarray(t, float); g[{big}] += {coefficient}; return g
"""

NAN_BESIDE = """
import numpy as np
theta0 = np.random.default_rng({seed}).uniform(0.1, 1.0, 8)
C = theta0[{big}] - 1e-9
def loss(t):
    return float(np.sum(t ** 2) + np.log(t[{big}] - C))
def true_grad(t):
    g = 2 * np.asarray(t, float); g[{big}] += 1 / (t[{big}] - C); return g
"""

POLE = """
import numpy as np
theta0 = np.random.default_rng({seed}).uniform(0.1, 1.0, 8)
C = theta0 - 0.5
C[{big}] = theta0[{big}] - 5e-8
def loss(t):
    return float(np.sum(1.0 / (t - C)))
def true_grad(t):
    return -1.0 / (np.asarray(t, float) - C) ** 2
"""


@pytest.mark.parametrize(
    ("source", "seed", "big", "bugged", "factor"),
    [
        (LARGE_TERM.replace("{coefficient}", "1e9"), 1, 2, 5, 1.3),
        (LARGE_TERM.replace("{coefficient}", "3e9"), 2, 0, 6, 1.1),
        (LARGE_TERM.replace("{coefficient}", "1e9"), 3, 4, 1, 1.02),
        (NAN_BESIDE, 4, 2, 5, 1.01),
        (POLE, 5, 7, 3, 1.3),
        (POLE, 6, 1, 4, 1.05),
    ],
)
def test_a_bug_beside_a_wide_entry_fails_at_its_entry(tmp_path, source, seed, big, bugged,
                                                       factor):  # fmt: skip
    text = source.replace("{seed}", str(seed)).replace("{big}", str(big))
    path = write_probe(tmp_path, text, f"g[{bugged}] *= {factor}")
    report = full_check(path)
    assert report.verdict == "fail" and not report.inconclusive, verdict_in_words(report)
    assert ("theta", bugged) in failing(report), verdict_in_words(report)


@pytest.mark.parametrize(
    ("source", "seed", "big"),
    [
        (LARGE_TERM.replace("{coefficient}", "1e9"), 1, 2),
        (LARGE_TERM.replace("{coefficient}", "3e9"), 2, 0),
        (NAN_BESIDE, 4, 2),
        (POLE, 5, 7),
    ],
)
def test_the_honest_twins_never_fail(tmp_path, source, seed, big):
    text = source.replace("{seed}", str(seed)).replace("{big}", str(big))
    report = full_check(write_probe(tmp_path, text, "pass"))
    assert not failing(report), verdict_in_words(report)
    assert report.verdict == "pass" or report.inconclusive, verdict_in_words(report)
