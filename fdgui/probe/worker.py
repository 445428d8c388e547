"""The probe process: loads a person's probe file and answers the window's requests.

Run as a script by any Python with numpy (``python .../fdgui/probe/worker.py``): the window's
interpreter by default, or the person's own (with their torch or JAX). It talks over its
standard input and output in ``frames`` messages; before any user code runs, the protocol's
output is moved to a private descriptor and the user's ``print`` (Python's and C's) goes to
standard error, which the window drains and caps, so nothing the user writes can corrupt
the protocol. User exceptions (``sys.exit`` included) come back as the user's traceback.

Requests (header ``op``): ``load`` {path}; ``loss`` [θ]; ``losses`` [θ rows];
``changed`` {count} [rows, columns, values] (points that are θ0 with a few entries set);
``points`` {count, tolerate} [bases, base_of, rows, columns, values] (point k: base
``base_of[k]``, a row of ``bases`` or θ0 for −1, with a few entries set: repeats of a point
and points near θ0 cost a few numbers each); ``lines`` {tolerate} [directions, steps]
(θ0 + steps[i, j]·directions[i]); ``gradient`` [θ]; ``warm`` (a spare's head start, before
any file: ``_warm``). ``points`` and ``lines`` build their
points here, a bounded batch at a time; with ``tolerate`` a point where the loss raises is
NaN and the reply lists them (``failed``, the first one's ``failure``).
Every reply: ``ok``, ``seq`` (the request's: the window refuses a reply
out of turn), ``user_seconds`` (time inside the user's code) and
``cpu_seconds`` (the process's CPU time: benchmarks on a busy machine compare CPU times);
``modules`` when the person's modules were loaded since the last reply ([path, mtime_ns,
size] each, ``watch.ModuleFiles``: the window reloads the probe when one changes on disk).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
import traceback


def _entries_not_finite(count: int) -> str:
    """'1 entry that is not finite', '3 entries that are not finite'."""
    if count == 1:
        return "1 entry that is not finite"
    return f"{count:,} entries that are not finite"


def _protocol_streams():
    """Private copies of stdin/stdout for the protocol; fd 1 → stderr, fd 0 → /dev/null."""
    protocol_in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=1 << 16)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return protocol_in, protocol_out


def _no_protocol_in_children(protocol_in, protocol_out) -> int:
    """A process the probe forks gets /dev/null for the protocol's descriptors: a child that
    returns into this loop (a probe that forked and did not ``os._exit``) can neither read
    the window's requests nor write replies, and ``main`` ends it (its pid is not the
    worker's). Returns the worker's pid."""
    worker = os.getpid()

    def in_child() -> None:
        null = os.open(os.devnull, os.O_RDWR)
        for stream in (protocol_in, protocol_out):
            with contextlib.suppress(OSError, ValueError):
                os.dup2(null, stream.fileno())
        os.close(null)

    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=in_child)
    return worker


def _import_path() -> None:
    """Import this copy of fdgui's probe modules (even where another fdgui is installed),
    then leave its folder last on the path so ``from fdgui.probe import torch_probe`` works
    in an interpreter without fdgui; this script's own folder comes off the path."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") not in (here, root)]
    sys.path.insert(0, root)
    import fdgui.probe.frames
    import fdgui.probe.progress
    import fdgui.probe.source
    import fdgui.probe.watch  # noqa: F401

    sys.path.remove(root)
    sys.path.append(root)


_INTERNAL = {os.path.abspath(__file__)}
# fdgui's own frames between the worker and the person's code (the helpers' calls included)
_NOT_THE_USERS = (
    os.path.join("fdgui", "probe", "source.py"),
    os.path.join("fdgui", "probe", "torch_helper.py"),
    os.path.join("fdgui", "probe", "jax_helper.py"),
    "<frozen runpy>",
    "runpy.py",
)
_USER_FOLDER = ""  # the probe file's folder (set at load)


def _said(error: BaseException) -> str:
    """str(error), or a note when the person's exception cannot say itself (its own
    ``__str__`` raised): the worker reports it and goes on."""
    try:
        return str(error)
    except BaseException as inner:  # their __str__, whatever it raises
        return f"(its message could not be shown: its __str__ raised {type(inner).__name__})"


def _exception_only(error: BaseException) -> list[str]:
    try:
        return traceback.format_exception_only(type(error), error)
    except BaseException:  # as _said
        return [f"{type(error).__name__}: {_said(error)}\n"]


def _user_traceback(error: BaseException) -> tuple[str, str]:
    """(one-line summary naming the user's file and line, the user's traceback)."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if os.path.abspath(frame.filename) not in _INTERNAL
        and not frame.filename.endswith(_NOT_THE_USERS)
    ]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    lines += _exception_only(error)
    text = "".join(lines)
    if isinstance(error, SystemExit):
        summary = f"the probe called sys.exit({error.code!r})"
    elif isinstance(error, SyntaxError) and error.filename:  # its place is added once below
        summary = f"{type(error).__name__}: {error.msg}"
    else:
        message = _said(error).strip().splitlines()
        summary = f"{type(error).__name__}: {message[0] if message else ''}".rstrip(": ")
    place = None
    if isinstance(error, SyntaxError) and error.filename:
        place = (error.filename, error.lineno)
    elif frames:
        # the deepest frame in the person's own files (the probe's folder), not numpy's
        own = [f for f in frames if _USER_FOLDER and os.path.abspath(f.filename).startswith(
            _USER_FOLDER + os.sep)]  # fmt: skip
        deepest = (own or frames)[-1]
        place = (deepest.filename, deepest.lineno)
    if place is not None:
        summary += f" ({place[0]}, line {place[1]})"
    return summary, text


def _failures(reply: dict, source, tolerate: bool) -> None:
    """A tolerant request's points where the person's loss raised: their numbers and the
    first one's exception (its summary and traceback)."""
    failures = getattr(source, "failures", []) if tolerate else []
    if not failures:
        return
    from fdgui.probe import frames

    summary, text = _user_traceback(failures[0][1])
    reply["failed"] = [int(k) for k, _ in failures]
    reply["failure"] = frames.capped(summary, 500)
    reply["failure_traceback"] = frames.capped(text)


_WARMED: dict = {}  # what a spare's head start imported (``_warm``), compared after a load
# environment variables torch and the libraries it loads read as they start (its own, OpenMP,
# MKL/oneDNN, BLAS, CUDA, the loader's); a change to others (JAX sets TF_CPP_MIN_LOG_LEVEL as
# it imports) does not send a file to a fresh process
TORCH_READS = ("TORCH", "PYTORCH", "OMP_", "GOMP", "KMP_", "MKL", "DNNL", "ONEDNN",
               "OPENBLAS", "BLIS", "CUDA", "CUBLAS", "CUDNN", "NCCL", "NVIDIA", "HIP", "ROCM",
               "LD_", "ATEN", "TRITON", "PYTHON")  # fmt: skip


def _torch_environ() -> dict:
    return {k: v for k, v in os.environ.items() if k.upper().startswith(TORCH_READS)}


def _warm() -> dict:
    """A spare process's head start (``fdgui.probe.spare``), asked before any file is picked:
    where this interpreter has torch, import it and what its first vmap imports lazily
    (symbolic shapes: sympy, mpmath; 0.5 s); nothing of the person's runs. The environment
    and torch's place are kept: a file that changes what a fresh ``import torch`` would have
    met is loaded again in a fresh process (``_warm_differs``)."""
    import importlib.util

    before = set(sys.modules)
    try:
        if importlib.util.find_spec("torch") is None:
            return {"torch": False}
        import torch
        import torch.func
        import torch.fx.experimental.symbolic_shapes  # noqa: F401

        import fdgui.probe.torch_helper  # noqa: F401
    except BaseException as error:  # a broken torch: the pick gets a fresh process
        return {"torch": False, "failed": f"{type(error).__name__}: {_said(error)}"[:300]}
    _WARMED.update(environ=_torch_environ(), modules=_files_of(set(sys.modules) - before))
    return {"torch": True}


def _files_of(names: set[str]) -> dict[str, str]:
    """The file each top-level module among ``names`` was imported from (the head start's:
    torch, sympy, mpmath, typing_extensions, …), for those imported from a file."""
    files = {}
    for top in {name.partition(".")[0] for name in names}:
        origin = getattr(sys.modules.get(top), "__file__", None)
        if origin and not top.startswith("__") and os.path.isfile(origin):  # not __mp_main__
            files[top] = os.path.abspath(origin)
    return files


def _warm_differs() -> str:
    """After a load in a warmed process: why a fresh process would have imported what the
    head start imported otherwise ("" when it would not): the file changed the environment
    torch reads (``TORCH_READS``), or put another module ahead on the path of any the head
    start imported (a torch.py, sympy.py or mpmath/ of the person's folder: review18p M2)."""
    if not _WARMED:
        return ""
    environ = _torch_environ()
    if environ != _WARMED["environ"]:
        keys = sorted(k for k in {**environ, **_WARMED["environ"]}
                      if environ.get(k) != _WARMED["environ"].get(k))  # fmt: skip
        return f"it set {', '.join(keys[:3])}, which torch reads as it starts"
    from importlib.machinery import PathFinder

    for top, file in _WARMED["modules"].items():
        try:
            spec = PathFinder.find_spec(top, sys.path)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        if not origin or os.path.abspath(origin) != file:
            return f"its path finds another {top} than the one imported ahead of it"
    return ""


def _exit_now() -> None:
    """End the process now, what it printed flushed first."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def main() -> int:
    protocol_in, protocol_out = _protocol_streams()
    worker = _no_protocol_in_children(protocol_in, protocol_out)
    import faulthandler

    faulthandler.enable()  # a crash in C code prints the Python stack to stderr (the details)
    _import_path()
    import numpy as np

    from fdgui.probe import frames
    from fdgui.probe.progress import Progress
    from fdgui.probe.source import ResultError, Source
    from fdgui.probe.watch import ModuleFiles, fresh_user_imports

    _INTERNAL.add(os.path.abspath(frames.__file__))
    fresh_user_imports()
    watched = ModuleFiles()  # the person's module files, reported as they are loaded
    progress = Progress(protocol_out, frames.write_message)  # beats while evaluating
    if hasattr(faulthandler, "register") and hasattr(signal, "SIGUSR1"):
        # the window's timeout asks for the stack of the hung call before it kills
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    source = None
    while True:
        try:
            header, arrays = frames.read_message(protocol_in)
        except EOFError:  # the window closed the probe: end now, even if a thread of the
            _exit_now()  # person's (not a daemon) would keep the interpreter waiting
        progress.begin(header, sum(array.nbytes for array in arrays))
        op = header.get("op")
        reply: dict = {"ok": True}
        out: list = []
        try:
            if op == "load":
                global _USER_FOLDER
                _USER_FOLDER = os.path.dirname(os.path.abspath(header["path"]))
                sys.path.insert(0, _USER_FOLDER)
                os.chdir(_USER_FOLDER)  # its relative paths (data files) are its folder's
                source = Source(header["path"], progress)
                theta = source.theta0
                if theta.size == 0:
                    source = None
                    raise ResultError("the probe has no parameters: θ0 is empty")
                if not np.all(np.isfinite(theta)):
                    bad = int(np.flatnonzero(~np.isfinite(theta))[0])
                    source = None
                    raise ResultError(
                        f"θ0 has {_entries_not_finite(int(np.sum(~np.isfinite(theta))))} "
                        f"(the first: entry {bad}, {theta[bad]}); the point to check "
                        "must be finite"
                    )
                gradient_ok = source._gradient_fn is not None
                reply.update(
                    tensors=[[name, list(shape)] for name, shape in source.names],
                    named=source.named,
                    form=source.form,
                    unused=source.unused,
                    has_gradient=gradient_ok,
                    batched=source.batched,
                    python=sys.version.split()[0],
                )
                differs = _warm_differs()
                if differs:
                    reply["warm_differs"] = differs  # the window loads it in a fresh process
                out = [theta]
            elif op == "warm":
                reply.update(_warm())
            elif source is None:
                raise ResultError("no probe file is loaded")
            elif op == "loss":
                reply["value"] = source.loss(arrays[0])
            elif op == "losses":
                out = [source.losses(np.array(arrays[0], dtype=np.float64))]
            elif op == "changed":
                rows, columns, values = arrays
                out = [source.losses_changed(int(header["count"]), rows, columns, values)]
            elif op == "points":
                bases, base_of, rows, columns, values = arrays
                tolerate = bool(header.get("tolerate"))
                out = [source.losses_points(int(header["count"]), bases, base_of, rows,
                                            columns, values, tolerate)]  # fmt: skip
                _failures(reply, source, tolerate)
            elif op == "lines":
                directions, steps = arrays
                tolerate = bool(header.get("tolerate"))
                out = [source.losses_lines(directions, steps, tolerate)]
                _failures(reply, source, tolerate)
            elif op == "gradient":
                gradient = source.gradient(arrays[0])
                if gradient is None:
                    raise ResultError("the probe defines no gradient")
                out = [gradient]
            else:
                raise ResultError(f"unknown request {op!r}")
        except ResultError as error:
            reply = {"ok": False, "kind": "result", "message": str(error), "traceback": ""}
        except BaseException as error:  # the user's code: exceptions, sys.exit, recursion
            summary, text = _user_traceback(error)
            summary, text = frames.capped(summary, 500), frames.capped(text)
            reply = {"ok": False, "kind": "exception", "message": summary, "traceback": text}
            out = []
        if os.getpid() != worker:  # a fork's child came back here: it never answers
            os._exit(0)
        reply["seq"] = header.get("seq")  # the window refuses a reply out of turn
        if source is not None and reply.get("ok"):
            reply["loss_dtype"] = source.loss_dtype
        loaded = watched.new()
        if loaded:
            reply["modules"] = loaded
        reply["user_seconds"] = source.user_seconds if source is not None else 0.0
        reply["cpu_seconds"] = time.process_time()  # this process's CPU time so far
        try:
            progress.reply(reply, out)
        except (BrokenPipeError, OSError):
            _exit_now()  # the window went away


if __name__ == "__main__":
    sys.exit(main())
