"""The probe process keeps freed memory for the next batch (glibc's thresholds, set in its
environment), unless the person set their own values."""

from __future__ import annotations

import json
import textwrap

import pytest

from fdgui.probe.client import KEEP_FREED_MEMORY
from fdgui.probe.model import open_probe

PROBE = """
import json, os
import numpy as np
with open({out!r}, "w") as handle:
    json.dump({{k: os.environ.get(k) for k in {names!r}}}, handle)
theta0 = np.array([0.5, -1.0])
def loss(theta):
    return float(np.sum(theta**2))
"""


def environment_seen(tmp_path) -> dict:
    out = tmp_path / "env.json"
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(PROBE.format(out=str(out), names=sorted(KEEP_FREED_MEMORY))))
    model = open_probe(str(path))
    try:
        return json.loads(out.read_text())
    finally:
        model.close()


def test_the_probe_process_keeps_freed_blocks_for_the_next_batch(tmp_path, monkeypatch):
    for name in KEEP_FREED_MEMORY:
        monkeypatch.delenv(name, raising=False)
    seen = environment_seen(tmp_path)
    assert seen == KEEP_FREED_MEMORY
    # blocks up to tens of MiB (a vmapped batch's activations) come from the heap
    assert int(seen["MALLOC_MMAP_THRESHOLD_"]) >= 16 << 20
    assert int(seen["MALLOC_TRIM_THRESHOLD_"]) >= int(seen["MALLOC_MMAP_THRESHOLD_"])


@pytest.mark.parametrize("name", sorted(KEEP_FREED_MEMORY))
def test_a_persons_own_malloc_setting_wins(tmp_path, monkeypatch, name):
    monkeypatch.setenv(name, "123456")
    assert environment_seen(tmp_path)[name] == "123456"
