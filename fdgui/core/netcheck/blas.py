"""One BLAS thread while a check runs (threadpoolctl), re-entrant and shared by threads."""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {"depth": 0, "controller": None, "limits": None}


class single_threaded_blas:
    """Run the check's many small matrix products on one BLAS thread.

    Threaded BLAS on small products spends its time waking threads: on this 2-core
    machine under load a deep check ran 5-8× slower with two BLAS threads than with one.
    One thread also leaves the other core to the window, which must stay responsive.

    The limit is threadpoolctl's ``limit(limits=1, user_api="blas")``, taken when the first
    user enters and given back when the last one leaves: checks may nest (the planner inside
    a check) or run on two threads at once (a plan while a check runs), and a plain
    ``threadpool_limits`` context per user would let the first one out restore the threads
    under the other's feet. The controller (which BLAS libraries are loaded) is found once,
    as numpy's BLAS is loaded before any check runs.

    threadpoolctl (3.6 and later) lets only one Python thread, the first that set a limit
    while it lives, change a pthreads OpenBLAS's process-wide thread count, and silently
    ignores the others. Checks run in whichever worker thread the window starts, and the
    depth count above already arbitrates between them, so the thread that takes or gives
    back the limit first clears that claim (``clear_controlling_thread(force=True)``).
    """

    def __enter__(self) -> single_threaded_blas:
        with _LOCK:
            if _STATE["depth"] == 0:
                if _STATE["controller"] is None:
                    from threadpoolctl import ThreadpoolController

                    _STATE["controller"] = ThreadpoolController()
                _release_openblas_claim()
                _STATE["limits"] = _STATE["controller"].limit(limits=1, user_api="blas")
            _STATE["depth"] += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0 and _STATE["limits"] is not None:
                _release_openblas_claim()
                _STATE["limits"].restore_original_limits()
                _STATE["limits"] = None


def _release_openblas_claim() -> None:
    """Let the current thread set OpenBLAS's thread count (see single_threaded_blas)."""
    import threadpoolctl

    controller = getattr(threadpoolctl, "OpenBLASController", None)
    clear = getattr(controller, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)
