"""Helpers of the `sweep --probe` end-to-end tests: write a probe file, run the CLI on it, and
show what it printed when an assertion fails.

``run_cli`` runs ``fdgui.cli.main`` in the test's own process (what the console script
``fdgui-cli`` calls), with stdout and stderr captured as a process's would be: the same exit
status, the same text. Each separate ``python -m fdgui.cli`` paid an interpreter start and
fdgui's imports, about 0.6 CPU-s, more than a small probe sweep itself (the probe still runs
in its own worker process, as it does from the CLI). ``FDGUI_TEST_CLI_PROCESS=1`` runs every
call as its own process again. The process boundary itself (the console script, exit codes
through ``sys.exit``, output to real pipes) stays covered by the e2e files that start
``python -m fdgui.cli`` themselves (test_cli_probe.py, test_cli_sweep.py, test_cli_calc.py,
test_cli_netcheck.py, ...)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

CLI = [sys.executable, "-m", "fdgui.cli"]


def _in_process() -> bool:
    return os.environ.get("FDGUI_TEST_CLI_PROCESS") != "1"


def _stream() -> io.TextIOWrapper:
    """A captured stream like a pipe's: UTF-8 bytes underneath, text on top."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    data = stream.buffer.getvalue().decode("utf-8", errors="replace")  # type: ignore[attr-defined]
    return data.replace("\r\n", "\n")  # as subprocess's text mode reads it


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``fdgui-cli`` with ``args``: its exit status, stdout and stderr."""
    if not _in_process():
        command = [*CLI, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    from fdgui.cli import main

    out, err = _stream(), _stream()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        try:
            code = main(list(args))
        except SystemExit as ended:  # argparse's usage errors (exit 2), --help, --version
            code = ended.code if isinstance(ended.code, int) else (0 if ended.code is None else 1)
            if ended.code is not None and not isinstance(ended.code, int):
                print(ended.code, file=sys.stderr)
    finally:
        sys.stdout, sys.stderr = saved
    return subprocess.CompletedProcess([*CLI, *args], code, _text(out), _text(err))


def sweep_probe(
    path: Path, body: str, index: int = 0, *options: str
) -> subprocess.CompletedProcess:
    """``body`` (indented source) written to ``path``, then ``fdgui-cli sweep --probe``
    (with ``options``, e.g. "--json")."""
    path.write_text(textwrap.dedent(body))
    return run_cli("sweep", "--probe", str(path), "--index", str(index), *options)


def shown(out: subprocess.CompletedProcess) -> str:
    """The ends of what the CLI printed, for an assertion's message."""
    return out.stdout[-2500:] + out.stderr[-2000:]
