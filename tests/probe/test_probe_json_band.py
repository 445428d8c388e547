"""A script reading the JSON's worst entries is told what the text and the tensor counts
say (review11p M3): entries of a smooth float32 loss within the dtype's tolerance are in the
"correct" band with status "correct", never "kinks"; a bugged entry's status is "wrong"."""

from __future__ import annotations

import json

from fdgui.core.report.netcheck import render_json
from tests.probe.probe_checks import full_check, write_probe

SOURCE = """
import numpy as np
theta0 = np.linspace(-1, 1, 6)
def loss(t):
    return np.float32((t ** 2).sum())
def true_grad(t):
    return 2 * t
"""


def test_round_off_entries_are_in_the_correct_band(tmp_path):
    data = json.loads(render_json(full_check(write_probe(tmp_path, SOURCE, bug="pass"))))
    assert data["tensors"][0]["band_counts"]["kinks"] == 0
    for entry in data["worst"]:
        assert entry["band"] == "correct" and entry["status"] == "correct", entry


def test_a_bugged_entry_reads_wrong(tmp_path):
    data = json.loads(render_json(full_check(write_probe(tmp_path, SOURCE, bug="g[2] *= 1.5"))))
    worst = data["worst"][0]
    assert worst["index"] == 2 and worst["status"] == "wrong", worst
