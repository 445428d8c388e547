"""A probe's reply weighed against the memory fdgui may use, before its bytes are read
(review15w H2)."""

from __future__ import annotations

import numpy as np

REPLY_CHECKED = 1 << 20  # replies from this many bytes are weighed against free memory


def _reply_too_large(sizes, op: str) -> str:
    """Words refusing a reply that would not fit in the memory fdgui may use (the share a
    network check may take of what is available), "" when it fits: said before its bytes
    are read, never a machine out of memory (review15w H2: a 3e7-parameter θ0 grew fdgui
    and the probe to 8 GB)."""
    total = sum(size for _, _, size in sizes)
    if total < REPLY_CHECKED:
        return ""
    from fdgui.core.netcheck import settings as memory
    from fdgui.core.numbers.format import byte_size

    available = memory.available_memory_bytes()
    limit = memory.MEMORY_FRACTION * available
    if total <= limit:
        return ""
    count = sum(int(np.prod(shape)) for _, shape, _ in sizes)
    what = "θ0 and its shapes" if op == "load" else f"its answer to {op!r}"
    return (
        f"the probe sent {what}: {count:,} numbers, {byte_size(total)}, but fdgui may use "
        f"{byte_size(limit)} ({memory.MEMORY_FRACTION:.0%} of the {byte_size(available)} of "
        "memory available now); free memory (close other programs) or give the probe a "
        "smaller θ0 (fewer parameters)"
    )
