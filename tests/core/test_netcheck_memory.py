"""The network check's memory bill: estimated honestly, limits respected, a shortage in words.

The estimate is compared with the peak a real check reaches (tracemalloc in a fresh process,
which numpy reports its buffers to; ru_maxrss agreed within 2% and read 0 under heavy load),
and a process limited with ``ulimit -v`` is refused before it starts, not killed mid-way.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from fdgui import cli
from fdgui.core.netcheck import settings as netcheck_settings

MEASURE = r"""
import json, resource, sys, tracemalloc
from fdgui.core.requests import check_request
from fdgui.core.netcheck import run_to_completion
from fdgui.core.netcheck.settings import estimate_memory_bytes
tracemalloc.start()  # numpy reports its buffers to tracemalloc: a peak that does not depend
settings = check_request({"layers": sys.argv[1], "mode": sys.argv[2]})  # on paging or load
run_to_completion(settings)
print(json.dumps({"estimate": estimate_memory_bytes(settings),
                  "peak": tracemalloc.get_traced_memory()[1]}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["full", "projection"])
def test_the_estimate_bounds_the_measured_peak(mode):
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "2000,1000,10", mode],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    estimate, peak = figures["estimate"] / 1e6, figures["peak"] / 1e6
    print(f"\n{mode}: estimate {estimate:.0f} MB, peak {peak:.0f} MB")
    # never below what the check takes; for the full check (the one that grows with every
    # parameter) not so far above that checks are refused idly
    assert figures["peak"] <= figures["estimate"], figures
    if mode == "full":
        assert figures["estimate"] <= 2.5 * figures["peak"], figures


def _limit_address_space(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def test_a_check_beyond_ulimit_is_refused_before_it_starts():
    done = subprocess.run(
        [sys.executable, "-m", "fdgui.cli", "netcheck", "--layers", "5000,5000,10"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_address_space(3_000_000 * 1024),
        env=dict(os.environ),
    )
    assert done.returncode == 2, done.stderr
    assert "--layers" in done.stderr and "GB of memory" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr


def test_the_process_limit_counts_what_is_mapped_already(monkeypatch):
    monkeypatch.setattr(netcheck_settings, "_mapped_bytes", lambda: 2 * 2**30)
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (3 * 2**30, resource.RLIM_INFINITY))
    assert netcheck_settings._process_limit_bytes() == 2**30
    assert netcheck_settings.available_memory_bytes() <= 2**30


def test_running_out_of_memory_anyway_is_exit_3_in_words(monkeypatch, capsys):
    import fdgui.core.netcheck as netcheck

    def exhausted(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(netcheck, "run_to_completion", exhausted)
    assert cli.main(["netcheck", "--layers", "4,3,2"]) == 3
    err = capsys.readouterr().err
    assert "out of memory" in err and "Traceback" not in err
