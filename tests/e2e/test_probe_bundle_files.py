"""A bundled fdgui runs probes through the person's own python3 on fdgui/probe/worker.py,
so that file and what it imports must be plain files in the bundle (review9j HIGH-5). The
specs' probe datas, laid out as the bundle lays them out, run a probe with nothing else of
fdgui on the path."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import spec_common  # noqa: E402


def test_the_probe_datas_alone_run_a_probe(tmp_path, monkeypatch):
    stage = spec_common.stage_sources(tmp_path / "stage")
    datas = spec_common.probe_datas(stage)
    targets = {(Path(source).name, target) for source, target in datas}
    for name in ("worker.py", "frames.py", "source.py", "watch.py", "progress.py"):
        assert (name, "fdgui/probe") in targets
    assert ("__init__.py", "fdgui") in targets and ("__init__.py", "fdgui/probe") in targets
    bundle = tmp_path / "_internal"  # where a one-folder bundle keeps its files
    for source, target in datas:
        (bundle / target).mkdir(parents=True, exist_ok=True)
        shutil.copy(source, bundle / target)
    assert not (bundle / "fdgui" / "core").exists()  # nothing but the probe's own files
    probe = tmp_path / "probe.py"
    probe.write_text(
        textwrap.dedent(
            """
            import numpy as np
            theta0 = np.array([0.5, -1.5])
            def loss(t):
                return float(np.sum(np.sin(t)))
            """
        )
    )
    from fdgui.probe import client
    from fdgui.probe.model import open_probe

    monkeypatch.setattr(client, "WORKER", str(bundle / "fdgui" / "probe" / "worker.py"))
    model = open_probe(str(probe), timeout=30)
    try:
        theta = model.theta0()
        assert np.isclose(model.loss(theta), np.sin(0.5) + np.sin(-1.5))
        assert model.process.process.args[-1] == str(bundle / "fdgui" / "probe" / "worker.py")
    finally:
        model.close()
