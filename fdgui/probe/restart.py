"""A probe's process restarted (killed from outside, Cancel, a timeout) and loaded the file
again: does the new process compute what the old one did? Its θ0, L(θ0) and gradient at θ0
are compared bit for bit with the old process's (``restarted``); ``ProbeModel`` keeps or
drops everything keyed by its ``cache_key`` on the answer."""

from __future__ import annotations

import os

import numpy as np

from fdgui.probe.client import ProbeError


def same_bits(a, b) -> bool:
    """Whether two floats (or arrays) are the same numbers bit for bit, NaN equal to NaN."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(a.view(np.int64) == b.view(np.int64)))


def same_point(model, reply: dict, arrays) -> bool:
    """Whether a reload's reply describes the tensors and θ0 this model holds."""
    tensors = tuple((str(n), tuple(int(k) for k in shape)) for n, shape in reply["tensors"])
    theta0 = np.asarray(arrays[0], dtype=np.float64)
    return tensors == tuple((t.name, tuple(t.shape)) for t in model._tensors) and (
        theta0.shape == model._theta0.shape
        and bool(np.all((theta0 == model._theta0) | (np.isnan(theta0) & np.isnan(model._theta0))))
    )


def restarted(model, reply: dict, arrays) -> str:
    """After the process restarted and loaded the file again: the note ('' when the new
    process is known to compute what the old one did). Its θ0, L(θ0) and, where the old
    process gave one, its gradient at θ0 are compared bit for bit with the old
    process's: a probe without a seed may give another θ0, or the same θ0 with another
    loss (an unseeded data batch, rev19p C1), and the old process's gradient and
    references must never be read against the new process's losses. L(θ0) alone does
    not tell: a zero-initialised head gives log 10 whatever the batch (rev20p C1, C2),
    while the gradient the panels hold moves with it. Anything but all of these the
    same (or a process that had answered nothing yet) is a new version: every cache
    keyed by ``cache_key`` is dropped, and the note says why."""
    same = same_point(model, reply, arrays)
    loss0, gradient0 = model._loss0, model._gradient
    answered, version = model._answered, model.version
    model._adopt(reply, arrays)
    name = os.path.basename(model.path)
    if not same:
        return (
            f"{name} gave a different θ0 when its process restarted (it is not "
            "reproducible: seed its random numbers); the new θ0 is used"
        )
    if not answered:  # the old process computed nothing a panel holds
        model.version = version
        return ""
    if loss0 is None and gradient0 is None:  # nothing to compare with: dropped
        return (
            f"{name}'s process restarted before its loss or gradient at θ0 was known; "
            "what the old process computed was dropped"
        )
    seed = "it is not reproducible: seed its random numbers, a data batch too"
    if loss0 is not None:
        again = _again(model, {"op": "loss"})
        model._loss0 = float(again[0]["value"])
        if not same_bits(model._loss0, loss0):
            return (
                f"{name} gave a different loss at the same θ0 when its process restarted "
                f"({loss0!r}, now {model._loss0!r}: {seed}); what the old process computed "
                "was dropped"
            )
    if gradient0 is not None:
        gradient = np.array(_again(model, {"op": "gradient"})[1][0], dtype=np.float64)
        if not same_bits(gradient, gradient0):
            moved = int(np.count_nonzero(gradient.view(np.int64) != gradient0.view(np.int64)))
            return (
                f"{name} gave a different gradient at the same θ0 when its process "
                f"restarted ({moved} of {gradient.size} entries: {seed}); what the old "
                "process computed was dropped"
            )
        gradient.setflags(write=False)
        model._gradient = gradient  # the new process's own, the same bits
    model.version = version  # the same θ0, loss and gradient there: nothing changed
    return ""


def _again(model, header: dict):
    """One call at θ0 to the process that just restarted (a second restart meanwhile:
    an error, never a third process compared with nothing)."""
    reply, out = model.process.call(header, [model._theta0])
    if model.process.reloaded is not None:
        model.process.reloaded = None
        raise ProbeError("the probe process ended again while it was restarted: run again")
    return reply, out


def restart_words(ended: list[str]) -> str:
    """'the probe process ended between two calls (killed by SIGKILL) and was restarted
    once; …': how the processes in ``ended`` ended, and why the results stand ('' for
    none). A new process that computed anything else would have stopped the run."""
    if not ended:
        return ""
    times = f"{len(ended)} times" if len(ended) > 1 else "once"
    how = ", ".join(dict.fromkeys(ended))
    return (
        f"the probe process ended between two calls ({how}) and was restarted {times}; the "
        "new process gave the same θ0 and the same loss there, so the run went on"
    )


def take_restarts(model) -> str:
    """``restart_words`` of the processes that ended since the last call (a panel says each
    end once, after the run it happened in)."""
    ended = list(getattr(getattr(model, "process", None), "ended", ()) or ())
    said = getattr(model, "restarts_said", 0)
    model.restarts_said = len(ended)
    return restart_words(ended[said:])
