"""Which entry of a probe's parameters a person typed: a flat index (``37``: inside the tensor
picked, or through all parameters in order when none is), a multi-index (``3, 7``, ``[3, 7]``,
``W1[3, 7]`` naming the tensor too) or the forms Python prints and indexes with (``(9,)``,
``W1(3, 7)``, ``[3][7]``). A bracketed index names one entry only with one index per axis:
numpy's ``W1[3]`` on a 2-D tensor is a row, so it is refused rather than read as a flat 3."""

from __future__ import annotations

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase


def parse_entry(model: ModelBase, tensor: str | None, index_text: str) -> int:
    """Flat position of an entry given as a flat index or a multi-index (see above)."""
    text = str(index_text).strip()
    named = ""  # a tensor named in the index itself (W1[3, 7])
    # as Python prints or indexes it: (9,) and W1(3, 7) (a tuple), [3][7] (one axis a time)
    opener = "[" if "[" in text else "(" if text.endswith(")") else ""
    if opener:
        closer = "]" if opener == "[" else ")"
        head, _, rest = text.partition(opener)
        if not rest.endswith(closer):
            raise InputError("index", f"{text!r}: a multi-index ends with {closer}")
        named = head.strip()
        text = rest[:-1].replace("][", ",")
    if named:
        names = [t.name for t in model.tensors]
        if named not in names:  # said where it was typed (review15w L3)
            listed = ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
            raise InputError("index", f"{named!r} is not a tensor of this probe ({listed})")
        tensor = named
    picked = bool(named) or (tensor is not None and bool(str(tensor).strip()))
    if not picked:
        tensor = model.tensors[0].name
    info = model.tensor(str(tensor).strip())
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise InputError("index", "type an index, e.g. 0 or 3, 7")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise InputError("index", f"{text!r} is not a whole number or a multi-index") from None
    if len(numbers) == 1 and len(info.shape) != 1 and not opener:
        if not picked:  # no tensor named: a flat index through theta0, every tensor in order
            return _flat_in_all(model, numbers[0])
        flat = numbers[0]
    else:
        if len(numbers) != len(info.shape):
            given = "1 index was" if len(numbers) == 1 else f"{len(numbers)} indices were"
            short = (  # numpy's W1[3] is a slice of W1, not one entry (review17p M2)
                f" (in numpy that is a slice, not one entry: give {len(info.shape)})"
                if len(numbers) < len(info.shape)
                else ""
            )
            raise InputError(
                "index",
                f"{info.name} has {len(info.shape)} axes {info.shape}; {given} given{short}",
            )
        for axis, (n, size) in enumerate(zip(numbers, info.shape, strict=True)):
            if not 0 <= n < size:
                raise InputError(
                    "index", f"index {n} on axis {axis} is outside 0…{size - 1} for {info.name}"
                )
        flat = int(np.ravel_multi_index(tuple(numbers), info.shape)) if info.shape else 0
    return model.flat_index(info.name, flat)


def _flat_in_all(model: ModelBase, flat: int) -> int:
    """A flat index into all the probe's parameters (theta0's order)."""
    count = model.offsets()[-1]
    if not 0 <= flat < count:
        raise InputError(
            "index", f"{flat} is outside 0…{count - 1} (a flat index into all {count} parameters)"
        )
    return flat
