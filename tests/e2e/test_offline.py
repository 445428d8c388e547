"""No network, seen from outside Python: the real window, every panel's work, in its own process.

tests/ui/test_reliability.py patches Python's socket module; a socket that Qt or another C
library opens would pass it by. Here the app runs in a child process that watches its own
``/proc/self/fd`` every millisecond from a thread (no Python hook involved): any ``socket:[N]``
there has its family read (SO_DOMAIN, else ``/proc/self/net/*``) and every one that is not
AF_UNIX (TCP, UDP, raw, netlink…, or one closed before it could be read) fails the test.
Where ``unshare -rn`` works (an unprivileged network namespace, loopback down), the same run
is repeated without any network and must finish the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

CHILD = r"""
import json, os, sys, threading, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
found, seen, stop = [], set(), threading.Event()

def kinds():
    table = {}
    for kind in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6", "udplite", "udplite6",
                 "netlink", "packet", "unix"):
        try:
            with open(f"/proc/self/net/{kind}") as handle:
                lines = handle.read().splitlines()[1:]
        except OSError:
            continue
        column = {"unix": 6, "netlink": 8, "packet": 8}.get(kind, 9)
        for line in lines:
            parts = line.split()
            if len(parts) > column:
                table[parts[column]] = kind
    return table

def family(fd):
    import socket  # only the watcher's own look at a descriptor the app holds
    try:
        probe = socket.socket(fileno=fd)
    except OSError:
        return None
    try:
        return probe.family.name
    finally:
        probe.detach()

def watch():
    while not stop.is_set():
        try:
            names = os.listdir("/proc/self/fd")
        except OSError:
            names = []
        for name in names:
            try:
                target = os.readlink(f"/proc/self/fd/{name}")
            except OSError:
                continue
            if target.startswith("socket:[") and target not in seen:
                seen.add(target)
                kind = family(int(name)) or kinds().get(target[8:-1], "closed before it was read")
                if kind not in ("AF_UNIX", "unix"):
                    found.append(f"{target} {kind}")
        time.sleep(0.001)

thread = threading.Thread(target=watch, daemon=True)
thread.start()
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from fdgui.ui import worker
from fdgui.ui.main_window import MainWindow
window = MainWindow(remember=False)
window.show()

def wait(seconds=120):
    loop = QEventLoop()
    deadline = time.monotonic() + seconds
    def check():
        if not worker._live_jobs or time.monotonic() > deadline:
            loop.quit()
    timer = QTimer(); timer.timeout.connect(check); timer.start(50)
    loop.exec()
    QTimer.singleShot(200, loop.quit); loop.exec()

for key in window.panel_keys():
    window.open_panel(key)
if os.environ.get("OFFLINE_TEST_C_SOCKET") == "1":  # the watcher's own check: libc, not Python
    import ctypes
    libc = ctypes.CDLL(None)
    fd = libc.socket(2, 2, 0)  # AF_INET, SOCK_DGRAM
    time.sleep(0.02)
    libc.close(fd)
window.model("calculator").calculate()
window.model("calculator").paste_table("1e-4\t0.85005\t0.84995\n" * 3000)
for source in ("network", "measured", "expression"):
    window.model("explorer").set_source(source)
    window.model("explorer").sweep()
    wait()
ran = window.model("netcheck").run()
wait()
window.close()
stop.set(); thread.join()
print(json.dumps({"found": found, "sockets_seen": len(seen), "netcheck": bool(ran),
                  "rows": len(window.model("calculator").history)}))
"""


def _run(prefix: list[str], **extra: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    done = subprocess.run(
        [*prefix, sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _unshare_works() -> bool:
    tool = shutil.which("unshare")
    if tool is None:
        return False
    try:
        return (
            subprocess.run([tool, "-rn", "true"], capture_output=True, timeout=10).returncode == 0
        )
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd and net")
def test_the_window_opens_no_network_socket_even_from_c():
    result = _run([])
    assert result["found"] == [], result
    assert result["netcheck"] and result["rows"] == 3001


@pytest.mark.slow
@pytest.mark.skipif(not _unshare_works(), reason="no unprivileged network namespace here")
def test_the_window_does_the_same_work_without_any_network():
    result = _run([shutil.which("unshare") or "unshare", "-rn"])
    assert result["found"] == [], result
    assert result["netcheck"] and result["rows"] == 3001


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd and net")
def test_the_watcher_sees_a_socket_opened_from_c():
    """The check above can fail: a UDP socket made by libc (no Python socket call) is seen."""
    result = _run([], OFFLINE_TEST_C_SOCKET="1")
    assert any("AF_INET" in entry for entry in result["found"]), result
