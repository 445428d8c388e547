"""Helpers of the `sweep --probe` end-to-end tests: write a probe file, run the CLI on it, and
show what it printed when an assertion fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

CLI = [sys.executable, "-m", "fdgui.cli"]


def sweep_probe(
    path: Path, body: str, index: int = 0, *options: str
) -> subprocess.CompletedProcess:
    """``body`` (indented source) written to ``path``, then ``fdgui-cli sweep --probe``
    (with ``options``, e.g. "--json")."""
    path.write_text(textwrap.dedent(body))
    return subprocess.run(
        [*CLI, "sweep", "--probe", str(path), "--index", str(index), *options],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def shown(out: subprocess.CompletedProcess) -> str:
    """The ends of what the CLI printed, for an assertion's message."""
    return out.stdout[-2500:] + out.stderr[-2000:]
