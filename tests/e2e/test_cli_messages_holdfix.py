"""CLI messages name the option at fault, echo values as typed, never pass control
characters to the terminal, and every help lists exit status 3."""

import subprocess
import sys

import pytest

from fdgui.core.numbers.parsing import one_line
from tests.e2e.probe_cli import run_cli


def _cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


@pytest.mark.parametrize("typed", ["1_000", "99999999999999999999"])
def test_netcheck_eps_is_echoed_as_typed(typed):
    done = _cli("netcheck", "--eps", typed)
    assert done.returncode == 2
    assert f"--eps: {typed} is too large" in done.stderr


# `python -m fdgui.cli` with the allowance for loading a probe (60 s) lowered to 1 s, as
# tests/probe/test_probe_load_allowance.py does in-process: the same stop, message and exit
# status as a load past 60 s, without waiting a minute for it
_QUICK_LOAD_CLI = (
    "import runpy, fdgui.probe.client as c; c.FIRST_CALL_ALLOWANCE = 1.0; "
    "runpy.run_module('fdgui.cli', run_name='__main__', alter_sys=True)"
)


def test_probe_failures_name_timeout_and_python(tmp_path):
    probe = tmp_path / "p.py"
    probe.write_text("import time\ntime.sleep(60)\n")
    slow = subprocess.run(
        [sys.executable, "-c", _QUICK_LOAD_CLI, "netcheck", "--probe", str(probe),
         "--timeout", "0.2"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert slow.returncode == 2 and "--timeout:" in slow.stderr
    assert "loading the file" in slow.stderr and "longer than 1 s" in slow.stderr, slow.stderr
    false = _cli("netcheck", "--probe", str(probe), "--python", "/bin/false")
    assert false.returncode == 2 and "--python:" in false.stderr


def test_control_characters_are_never_echoed_raw():
    done = _cli("calc", "--plus", "1\x1b[2J\ufeff", "--minus", "0", "--eps", "1e-3")
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\ufeff" not in done.stderr
    assert "\\x1b[2J" in done.stderr
    assert one_line("a\x07b\u200ec") == "a\\x07b\\u200ec"


@pytest.mark.parametrize("command", ["calc", "sweep", "netcheck"])
def test_every_help_lists_exit_status_3(command):
    done = _cli(command, "--help")
    assert done.returncode == 0 and "3" in done.stdout.split("xit status")[-1]
