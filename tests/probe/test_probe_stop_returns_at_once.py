"""Cancel never waits for the killed probe process to die (review15w M1): ``stop()`` is
called on the GUI thread (Esc, Cancel); a process that takes long to go (gigabytes to
unmap, a read stuck on a network file system) is reaped off that thread, and the next call
starts a new process instead of talking to the dying one."""

from __future__ import annotations

import threading
import time

import numpy as np

from fdgui.probe.model import open_probe

SOURCE = """
import numpy as np
theta0 = np.linspace(-1.0, 1.0, 4)

def loss(t):
    return float(np.sum(np.sin(t)))
"""

DYING = 1.5  # seconds the killed process "takes" to end


def _slow_to_die(popen, waited: list[str]) -> None:
    """Make ``popen`` look alive for DYING seconds after it was killed, and its ``wait``
    take that long (recording the thread that waits)."""
    real_wait, real_poll = popen.wait, popen.poll
    killed: list[float] = []
    real_send = popen.send_signal

    def left() -> float:
        return DYING - (time.monotonic() - killed[0]) if killed else 0.0

    def poll():
        return None if killed and left() > 0 else real_poll()

    def wait(timeout=None):
        waited.append(threading.current_thread().name)
        if killed and left() > 0:
            time.sleep(left() if timeout is None else min(timeout, left()))
        return real_wait(timeout)

    def send_signal(sig):
        killed.append(time.monotonic())
        return real_send(sig)

    popen.poll, popen.wait, popen.send_signal = poll, wait, send_signal
    import fdgui.probe.client as client

    real_kill_group = client._kill_group

    def kill_group(process):
        if process is popen and not killed:
            killed.append(time.monotonic())
        return real_kill_group(process)

    client._kill_group = kill_group
    popen._restore = lambda: setattr(client, "_kill_group", real_kill_group)


def test_stop_returns_at_once_and_the_next_call_starts_a_new_process(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(SOURCE)
    model = open_probe(str(path))
    try:
        theta = np.asarray(model.theta0(), dtype=float)
        assert np.isfinite(model.loss(theta))
        old = model.process.process
        waited: list[str] = []
        _slow_to_die(old, waited)
        try:
            start = time.perf_counter()
            model.stop()  # what Esc does, on the GUI thread
            took = time.perf_counter() - start
            assert took < 0.3, f"stop() waited {took:.2f} s for the killed process"
            assert threading.current_thread().name not in waited, waited
            model.resume()
            start = time.perf_counter()
            assert np.isfinite(model.loss(theta))  # a new process, not the dying one
            assert model.process.process is not old
            assert time.perf_counter() - start < DYING + 5
        finally:
            old._restore()
    finally:
        model.close()
