"""A probe process killed from outside between two runs, in the window: the next run starts
a new process (the file loaded again) and says so in the status line, in both panels. A
new process that computes the same θ0, loss and gradient keeps the results ('… so the run
went on'); one that computes another loss at the same θ0 (an unseeded data batch) says
that instead, and nothing the old process computed is read against the new one's losses."""

from __future__ import annotations

import os
import signal

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.probe.probe_checks import BATCH_PROBE

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


def _probe(tmp_path, monkeypatch, seed: str):
    path = tmp_path / "mine.py"
    path.write_text(BATCH_PROBE.replace("SEED", seed))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


# (the batch's seed, what the status line says after the kill): the same process computed
# again, said as a restart; another loss at θ0, said instead
RESTARTS = [
    ("3", "ended between two calls (killed by SIGKILL) and was restarted once; the new "
     "process gave the same θ0 and the same loss there"),
    ("os.getpid()", "different loss at the same θ0"),
]  # fmt: skip


def _kill(model) -> None:
    worker = model.process.process
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


@pytest.mark.parametrize(("seed", "said"), RESTARTS)
def test_the_network_check_says_a_restart_and_its_result_stands(
    qtbot, window, tmp_path, monkeypatch, seed, said
):
    _probe(tmp_path, monkeypatch, seed)
    panel = window.open_panel("netcheck")
    model = panel.model
    panel.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.settings is not None and model.settings.spec is None
                    and not model.is_busy(), timeout=20_000)  # fmt: skip
    with qtbot.waitSignal(model.resultChanged, timeout=30_000) as blocker:
        panel.run_button.click()
    assert blocker.args[0].passed
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=20_000)
    messages: list[str] = []
    model.statusMessage.connect(messages.append)
    _kill(model.probe.model)
    with qtbot.waitSignal(model.resultChanged, timeout=30_000) as blocker:
        panel.run_button.click()
    assert blocker.args[0].passed, blocker.args[0].worst[:2]
    qtbot.waitUntil(lambda: any(said in m for m in messages), timeout=5_000)
    assert not any("ended between" in m for m in messages) or seed == "3", messages


@pytest.mark.parametrize(("seed", "said"), RESTARTS)
def test_the_explorer_says_a_restart_and_its_diagnosis_stands(
    qtbot, window, tmp_path, monkeypatch, seed, said
):
    _probe(tmp_path, monkeypatch, seed)
    explorer = window.open_panel("explorer")
    model = explorer.model
    explorer.inputs.probe_page.choose_button.click()
    qtbot.waitUntil(lambda: model.source() == "probe" and model.result() is not None
                    and not model.is_busy(), timeout=20_000)  # fmt: skip
    assert model.diagnosis().kind == "correct"
    # the cursor's values are measured after the sweep: a new sweep stops that measurement
    # (its process ended by the window itself, a restart nobody need be told of)
    qtbot.waitUntil(lambda: not model.measuring(), timeout=20_000)
    messages: list[str] = []
    model.statusMessage.connect(messages.append)
    _kill(model.probe.model)
    model.set_text("probe_index", "2")
    model.sweep()
    qtbot.waitUntil(lambda: not model.is_busy() and "[2]" in model.objective().label,
                    timeout=20_000)  # fmt: skip
    assert model.diagnosis().kind == "correct", model.diagnosis().kind
    assert any(said in m for m in messages), [m for m in messages if "Sweeping" not in m]
