"""Correct float32 torch relu nets are never called wrong (the loose ladder's kinks).

A float64 check of a float32 loss estimates every loosely agreeing entry again at steps of
2ε…16ε (``loose_verdict``). In a relu net many entries have a kink within those steps (a
first-layer weight moves a unit's pre-activation for every example in the batch), and a
kink shifts the central differences by up to half its slope change: correct entries were
called wrong by two to eight bars ("Wrong (estimate's bar)"). Nets of shapes and batches
other than the ones the fault was traced on, each correct: none may fail. (Entries with a
kink within ε itself may stay open: the check may be inconclusive, never a fail.)
"""

from __future__ import annotations

import pytest

from tests.probe.probe_checks import failing, full_check

RELU32 = """
import torch
from fdgui.probe import torch_probe
torch.manual_seed({seed})
net = torch.nn.Sequential(
    torch.nn.Linear({n0}, {n1}), torch.nn.ReLU(),
    torch.nn.Linear({n1}, {n2}), torch.nn.ReLU(),
    torch.nn.Linear({n2}, {n3}),
)
x, y = torch.randn({batch}, {n0}), torch.randint(0, {n3}, ({batch},))
probe = torch_probe(net, torch.nn.functional.cross_entropy, (x, y), dtype=torch.float32)
"""


@pytest.mark.parametrize(
    ("seed", "sizes", "batch"),
    [(11, (7, 12, 9, 4), 24), (13, (5, 20, 6, 3), 40), (14, (5, 20, 6, 3), 40),
     (15, (12, 8, 8, 5), 16)],
)  # fmt: skip
def test_a_correct_float32_relu_net_is_never_wrong(tmp_path, seed, sizes, batch):
    pytest.importorskip("torch", reason="the model is a torch module")
    n0, n1, n2, n3 = sizes
    path = tmp_path / "probe.py"
    path.write_text(RELU32.format(seed=seed, n0=n0, n1=n1, n2=n2, n3=n3, batch=batch))
    report = full_check(path)
    assert not failing(report), report.worst[:3]
    assert report.verdict == "pass" or report.inconclusive, report.worst[:3]
