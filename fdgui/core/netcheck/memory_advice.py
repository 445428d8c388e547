"""What a memory refusal advises: only changes that would fit. Each other mode's estimate is
worked out with the same estimate_memory_bytes; a mode that needs as much as the refused
check (sample mode keeps per-parameter arrays too) is never suggested."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

MODE_WORDS = {
    "sample": "check a sample (mode sample)",
    "projection": "check projections (mode projection)",
}


def fitting_advice(settings: Any, model: Any, available: int) -> str:
    """The advice of a refusal: the other modes that fit the memory a check may use, then the
    network's or the machine's own change (smaller layers; free memory)."""
    from fdgui.core.netcheck.settings import MEMORY_FRACTION, estimate_memory_bytes

    limit = MEMORY_FRACTION * available
    fits = [
        words
        for mode, words in MODE_WORDS.items()
        if mode != settings.mode
        and estimate_memory_bytes(replace(settings, mode=mode), model) <= limit
    ]
    last = "use smaller layers" if model is None else "close other programs to free memory"
    return ", or ".join([*fits, last]) if fits else last
