"""A probe file as a Model: every panel and command checks it like any other source.

``ProbeModel`` holds a ``ProbeProcess`` (the person's code runs there, never here) and
implements the Model protocol over it: the tensors, θ0 and the gradient come from the
file's ``load`` reply, ``losses`` sends only what differs from θ0 (the check's points move
one entry, or one tensor along a direction) so a chunk of perturbed points costs a few
numbers each on the wire, not a whole θ.

``open_probe(path)`` is the one way to make one: it is called only after a person named the
file (the CLI's ``--probe``, the window's file dialog), never by a session or a drop.
``refresh()`` reloads a file that changed on disk since it was loaded and says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from fdgui.core.errors import InputError
from fdgui.core.models.base import ModelBase, TensorInfo
from fdgui.core.numbers.precision import unit_roundoff
from fdgui.probe.client import DEFAULT_TIMEOUT, ProbeError, ProbeProcess
from fdgui.probe.entries import parse_entry
from fdgui.probe.precision import (
    PROBE_SCALES,
    coarser,
    confirmed,
    decided,
    held_to_the_end,
    precision_of_all,
    precision_of_one,
    probe_points,
)

DENSE_SHARE = 0.25  # a point changing more than this share of θ is sent whole
# a sweep's request whose every point raised, one of them within this share of max(1, |w|)
# of w, is the person's failure (at large ε only: those ε are left out, with a note)
NEAR_W = 1e-2
REQUEST_BYTES = 64 << 20  # bytes of points one request carries (one whole point at least)
PATH_ULPS = 16  # losses and loss may differ by this many units of round-off of L …
PATH_SCATTER = 8  # … plus this many times the largest scatter of repeats of L(θ0)
PATH_FANS = 8  # … plus this many times the round-off both paths show along a line near θ0


PRECISION_TRIES = 3  # restarts while the loss precision is learned before that is said


class PlanInterrupted(ProbeError):
    """The cost planner's call refused because a run was started (see ``planning``)."""


class ProbeRestarted(ProbeError):
    """The process restarted during a run and the new one computes something else (another
    θ0, or another loss at θ0): the run's answers cannot be put together; it runs again."""


@dataclass(frozen=True)
class Signature:
    """What identifies a file's version: its modification time, size and content hash."""

    mtime: float
    size: int
    digest: str


def _same_bits(a, b) -> bool:
    """Whether two floats (or arrays) are the same numbers bit for bit, NaN equal to NaN."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(a.view(np.int64) == b.view(np.int64)))


def signature(path: str) -> Signature:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        stat = os.stat(path)
    except OSError as error:
        raise InputError("probe", f"cannot read {path}: {error.strerror or error}") from None
    return Signature(stat.st_mtime, stat.st_size, hashlib.sha256(data).hexdigest())


class ProbeModel(ModelBase):
    """A person's probe file, run in its own process."""

    kind = "probe"
    gradient_method = "probe"
    gradient_note = "the probe's own gradient"
    may_be_noisy = True  # the forward engine measures the loss's noise at θ0
    gradient_cached = True  # gradient() at θ0 is computed once (the planner relies on it)
    reexamine = True

    def __init__(
        self,
        path: str,
        python: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        process: ProbeProcess | None = None,
    ) -> None:
        """``process``: one the caller made (and may kill while this loads: Cancel)."""
        self.path = os.path.abspath(path)
        if not os.path.isfile(self.path):
            raise InputError("probe", f"{self.path} is not a file")
        self.process = process if process is not None else ProbeProcess(python, timeout)
        self.version = 0
        self.note = ""
        self._stopped = False
        self._closed = False  # close(): for good — no call starts its process again
        self._plan_thread: int | None = None
        self._plan_interrupted = False
        self._load_error: ProbeError | None = None
        # (error, traceback, w − the points where it happened, points asked): losses_along
        self._failures: list[tuple[str, str, np.ndarray, int]] = []
        try:
            self._load()
        except BaseException:
            self.process.close()  # a file that does not load leaves no process behind
            raise

    # ---------------------------------------------------------------- loading
    def _load(self) -> None:
        current = signature(self.path)
        self.signature: Signature | None = None  # until the file has loaded (see refresh)
        self.tried = current  # the version of the last load, loaded or not (see refresh)
        self._reported = "float64"  # the coarsest loss dtype the worker has reported
        request = {"op": "load", "path": self.path}
        self.process.load_request = request
        try:
            reply, arrays = self._call(request)
        except ProbeError as error:
            self.process.load_request = None
            self.process.close()  # no half-loaded worker answers "no probe file is loaded"
            self._load_error = error
            raise
        self._adopt(reply, arrays)
        self.signature = current

    def _adopt(self, reply: dict, arrays) -> None:
        """Take the tensors, θ0 and what the file defines from a ``load`` reply; forget the
        gradient and precision learned from an earlier one."""
        self._tensors = tuple(
            TensorInfo(str(name), tuple(int(n) for n in shape)) for name, shape in reply["tensors"]
        )
        self._theta0 = np.array(arrays[0], dtype=np.float64)
        self._theta0.setflags(write=False)
        self._has_gradient = bool(reply["has_gradient"])
        self.batched = bool(reply["batched"])
        self.form = str(reply["form"])
        self.unused = [str(name) for name in reply.get("unused", ())]
        self.python_version = str(reply.get("python", ""))
        self._gradient: np.ndarray | None = None
        self._precision: str | None = None
        # L(θ0) as this process gave it (``loss``), and whether it answered anything since it
        # loaded: what a restart's new process is compared with (``_restarted``)
        self._loss0: float | None = None
        self._answered = False
        self.version += 1

    @property
    def form_note(self) -> str:
        """'' or what the file defines that the form it is read in does not use."""
        if not self.unused:
            return ""
        shown = [f"{name}()" if name == "parameters" else name for name in self.unused]
        read = {"minimal": "the minimal form (theta0, loss, grad)",
                "richer": "the richer form (parameters(), loss, gradient)",
                "object": "its probe object"}.get(self.form, self.form)  # fmt: skip
        return (f"{os.path.basename(self.path)} defines {' and '.join(shown)}, which "
                f"{read}, the form it is read in, does not use")  # fmt: skip

    def _same_point(self, reply: dict, arrays) -> bool:
        """Whether a reload's reply describes the tensors and θ0 this model holds."""
        tensors = tuple((str(n), tuple(int(k) for k in shape)) for n, shape in reply["tensors"])
        theta0 = np.asarray(arrays[0], dtype=np.float64)
        return tensors == tuple((t.name, tuple(t.shape)) for t in self._tensors) and (
            theta0.shape == self._theta0.shape
            and bool(np.all((theta0 == self._theta0) | (np.isnan(theta0) & np.isnan(self._theta0))))
        )

    def _restarted(self, reply: dict, arrays) -> str:
        """After the process restarted and loaded the file again: the note ('' when the new
        process is known to compute what the old one did). Its θ0 and L(θ0) are compared
        with the old process's: a probe without a seed may give another θ0, or the same θ0
        with another loss (an unseeded data batch, rev19p C1), and the old process's
        gradient and references must never be read against the new process's losses.
        Anything but the same θ0 and the same L(θ0) bit for bit (or a process that had
        answered nothing yet) is a new version: every cache keyed by ``cache_key`` is
        dropped, and the note says why."""
        same = self._same_point(reply, arrays)
        loss0, answered, version = self._loss0, self._answered, self.version
        self._adopt(reply, arrays)
        name = os.path.basename(self.path)
        if not same:
            return (
                f"{name} gave a different θ0 when its process restarted (it is not "
                "reproducible: seed its random numbers); the new θ0 is used"
            )
        if not answered:  # the old process computed nothing a panel holds
            self.version = version
            return ""
        again = self._loss0_again()
        if loss0 is not None and _same_bits(again, loss0):
            self.version = version  # the same θ0 and the same loss there: nothing changed
            return ""
        if loss0 is None:  # nothing to compare with: what the old process gave is dropped
            return (
                f"{name}'s process restarted before its loss at θ0 was known; what the old "
                "process computed was dropped"
            )
        return (
            f"{name} gave a different loss at the same θ0 when its process restarted "
            f"({loss0!r}, now {again!r}: it is not reproducible, seed its random numbers, "
            "a data batch too); what the old process computed was dropped"
        )

    def _loss0_again(self) -> float:
        """L(θ0) from the process that just restarted (a second restart meanwhile: an error,
        never a third process compared with nothing)."""
        reply, _ = self.process.call({"op": "loss"}, [self._theta0])
        if self.process.reloaded is not None:
            self.process.reloaded = None
            raise ProbeError("the probe process ended again while it was restarted: run again")
        self._loss0 = float(reply["value"])
        return self._loss0

    def refresh(self) -> str:
        """Reload the file if it changed on disk, or if its process ended (Cancel, a
        timeout, a crash) — in a fresh process; returns the note saying what changed, or
        ''. Call it before each run (it also ends a Cancel's stop)."""
        self._stopped = self._closed
        self._failures = []
        try:
            current = signature(self.path)
        except InputError:
            raise ProbeError(f"{self.path} is gone or unreadable") from None
        same = current.digest == self.tried.digest  # as loaded (or as its load failed)
        # a module the probe imports changed: the live process still runs its old code
        modules = self.process.changed_modules() if same else []
        if same and not modules and self.signature is not None:
            self.note = ""
            if not self.process.alive and self.process.load_request is not None:
                reply, arrays = self._call(self.process.load_request)  # a fresh process
                self.note = self._restarted(reply, arrays)
                switched, self.process.switched = self.process.switched, ""
                if switched and not self.note:  # the person named another Python
                    self.note = f"{os.path.basename(self.path)} now runs in {switched}"
            return self.note
        what = os.path.basename(self.path)
        if modules:
            names = ", ".join(sorted({os.path.basename(p) for p in modules}))
            what = f"{names} (imported by {what})"
        # the last load failed and neither the file nor a module it had loaded changed
        # since (a module it failed in, a missing one supplied): loaded again, as such
        changed = modules or not same
        self.process.close()
        try:
            self._load()
        except ProbeError as error:  # the run's error says it was the new version's
            said = f"{what} changed on disk and did not load" if changed else (
                f"{what} did not load again")  # fmt: skip
            raise ProbeError(f"{said}: {error.message}", error.details) from None
        self.note = (f"{what} changed on disk and was reloaded" if changed
                     else f"{what} was loaded again (its last load had failed)")  # fmt: skip
        return self.note

    def close(self) -> None:
        """End the process for good: a call still queued behind it (another panel's, a
        cursor's) fails "closed" instead of starting a process for a file no longer chosen
        (ui15x: a call after a new pick restarted the closed probe)."""
        self._closed = self._stopped = True
        self.process.close()

    def stop(self) -> None:
        """Cancel: end the probe process now. Calls fail ('stopped') until ``resume()`` (or
        ``refresh()``, which every run starts with): a cancelled job's next call must not
        start the process again."""
        self._stopped = True
        self.process.kill()

    def resume(self) -> None:
        self._stopped = self._closed

    @contextlib.contextmanager
    def planning(self):
        """While the cost planner runs on this thread: ``interrupt_planning`` (Run pressed)
        makes its next call raise PlanInterrupted, so a run waits for one call at most."""
        self._plan_thread, self._plan_interrupted = threading.get_ident(), False
        try:
            yield
        finally:
            self._plan_thread, self._plan_interrupted = None, False

    def interrupt_planning(self) -> None:
        self._plan_interrupted = self._plan_thread is not None

    def _call(self, header: dict, arrays=()):
        if self._plan_interrupted and threading.get_ident() == self._plan_thread:
            raise PlanInterrupted("the cost measurement gave way to a run")
        if self._closed:
            raise ProbeError(f"{os.path.basename(self.path)} was closed (another file was chosen)")
        if self._stopped:
            raise ProbeError("the probe was stopped")
        if self.signature is None and header.get("op") != "load":  # its last load failed
            error = self._load_error
            raise ProbeError(
                f"{os.path.basename(self.path)} did not load: {error.message}", error.details
            )
        reply, out = self.process.call(header, arrays)
        reloaded, self.process.reloaded = self.process.reloaded, None
        if reloaded is not None and header.get("op") != "load":
            note = self._restarted(*reloaded)
            if note:  # the run holds answers from another θ0 or another loss
                raise ProbeRestarted(note + ": run again")
        if header.get("op") != "load":
            self._answered = True
        self._reported = coarser(self._reported, reply.get("loss_dtype"))
        return reply, out

    # ---------------------------------------------------------------- precision
    def loss_precision(self) -> str:
        """The float format the loss is computed in ('float64', 'float32', …), from the
        dtype its values come back in and from the values themselves (``probe.precision``):
        the engines set ε, round-off and tolerances from it. Learned once per load, at
        points moved by the float64 check's own step (larger ones only while the loss has
        not changed enough to tell; an error there ends the search, never the run). Also
        checks that ``losses`` computes what ``loss`` does (``check_paths``). A process
        that died between two of these calls and was restarted forgot it: learned again
        (review13p H1: the forgotten None was read as a format named 'None')."""
        for _ in range(PRECISION_TRIES):
            if self._precision is not None:
                return self._precision
            self._learn_precision()
        if self._precision is None:
            raise ProbeError(
                "the probe process was restarted each time its loss's float format was "
                f"being measured ({PRECISION_TRIES} times): is something ending it?"
            )
        return self._precision

    def _learn_precision(self) -> None:
        """``loss_precision``'s measurement, once (``_precision`` is None after it when the
        process was restarted meanwhile)."""
        if self._precision is None:
            theta = self._theta0
            offsets = self.offsets()
            loss0 = self.loss(theta)
            values, first = [loss0], None
            batched: list[float] = []  # what ``losses`` gave: the check evaluates with it
            found = None
            for number, scale in enumerate(PROBE_SCALES):
                points = probe_points(theta, offsets, scale)
                if number == 0:
                    points = np.concatenate([theta[None, :], theta[None, :], points])
                try:
                    got = self.losses(points)
                except ProbeError as error:
                    if (self._stopped or number == 0 or not self.process.alive
                            or isinstance(error, ProbeRestarted)):  # fmt: skip
                        raise  # a stop, a kill or a crash is said, never absorbed
                    break  # undefined this far from θ0: the search ends here
                if number == 0:
                    first = (points[2], got[:3])
                values += list(got)
                batched += list(got)
                found = decided(values)
                if found is not None and not held_to_the_end(found, self._reported):
                    break  # (a reading the dtype does not declare waits for every step)
            if found is None:  # the loss never changed enough: its one value decides
                found = precision_of_one(loss0) or precision_of_all(values) or "float64"
            # a batched path coarser than ``loss`` (a float32 fast path): the check's
            # losses carry its round-off, and the two paths agree within it
            found = coarser(found, decided(batched))
            if decided(values) is not None:  # near 0 few values look coarse: confirmed?
                found = confirmed(found, values, self._reported)
            self._precision = coarser(found, self._reported)
            if first is not None:
                self._check_paths(loss0, *first)

    @property
    def precision_known(self) -> bool:
        """Whether ``loss_precision`` has been learned (the planner counts its calls)."""
        return self._precision is not None

    def _check_paths(self, loss0: float, moved: np.ndarray, batch: np.ndarray) -> None:
        """InputError when the file's ``losses`` disagrees with its ``loss`` at θ0 or at a
        point near it by more than round-off and the loss's own scatter (the check would
        otherwise measure the slope of one and compare it with the other's gradient).
        ``batch``: losses at θ0, θ0 and ``moved``. A noisy loss (per call or per batch) is
        evaluated again before anything is said: its differences then scatter."""
        u = unit_roundoff(self._precision or "float64")
        single = [loss0, self.loss(moved)]
        rounding = PATH_ULPS * u * max(1.0, abs(loss0))
        measured = 0.0  # the round-off both paths show near θ0 (measured before a refusal)

        def apart(scatter: float, at_theta0: float, batched0: float) -> str:
            allowed = rounding + PATH_SCATTER * scatter + PATH_FANS * measured
            for where, a, b in (
                ("θ0", at_theta0, batched0),
                ("a point near θ0", single[1], batch[2]),
            ):
                if np.isfinite(a) and np.isfinite(b) and abs(a - b) > allowed:
                    return (
                        f"at {where}: losses gives {float(b)!r}, loss gives {float(a)!r}, "
                        f"{abs(float(a) - float(b)):.2g} apart where {allowed:.2g} is allowed "
                        f"({PATH_ULPS:g} units of {self._precision or 'float64'}'s round-off "
                        "at |L|, the round-off both paths show near θ0, and the loss's own "
                        "scatter between repeats)"
                    )
            return ""

        scatter = abs(batch[0] - batch[1]) if np.isfinite(batch[:2]).all() else 0.0
        if not apart(scatter, loss0, batch[0]):
            return
        # repeats at θ0 and at the moved point: a loss may be noisy only where some tensor
        # has moved (noise added when b differs from θ0), so its scatter is measured there too
        again = self.losses(np.stack([self._theta0, self._theta0, moved, moved]))
        loss_again = self.loss(self._theta0)
        moved_again = self.loss(moved)
        repeats = np.array([loss0, loss_again, *batch, *again, *single, moved_again])
        if not np.isfinite(repeats).all():
            return
        scatter = max(scatter, abs(loss0 - loss_again), abs(batch[0] - again[0]),
                      abs(again[0] - again[1]), abs(again[2] - again[3]),
                      abs(single[1] - moved_again), abs(batch[2] - again[2]))  # fmt: skip
        # a loss summing many terms rounds differently in another order (BLAS against
        # np.sum) by what each path's round-off is, which the parameter count does not
        # tell: 20,000 data terms and 3 parameters were 5.7e-12 apart on L = 1643 (review9i
        # H1). Each path's round-off is measured along a line near θ0 (``path_roundoff``)
        measured = self._path_roundoff()
        found = apart(scatter, loss0, batch[0])
        if not found:
            return
        name = os.path.basename(self.path)
        if not self.batched:  # one function, ``loss``, called twice at the same point
            raise InputError(
                "probe",
                f"{name}: loss gives different values at the same point {found}; the "
                "check needs a loss that repeats its value (or whose noise shows at θ0 "
                "as well, where it is measured)",
            )
        raise InputError(
            "probe",
            f"{name}: losses(batch) and loss disagree {found}. "
            "They must compute the same loss; fix losses (or remove "
            "it) before checking",
        )

    def _path_roundoff(self) -> float:
        """The round-off of ``losses`` plus that of ``loss`` (the quieter fan's residual after
        a cubic, ``fan_residuals``) along one random line through θ0 whose points are
        u^(1/3)/8·max(1, |w|) apart: what two honest paths of the same loss may differ by."""
        from fdgui.core.numbers.precision import recommended_epsilon
        from fdgui.core.numbers.quadratic import fan_offsets, fan_residuals

        theta = np.asarray(self._theta0, dtype=np.float64)
        signs = np.where(np.random.default_rng(29).random(theta.size) < 0.5, -1.0, 1.0)
        spacing = recommended_epsilon(self._precision or "float64", 0.0) / 8
        line = spacing * signs * np.maximum(1.0, np.abs(theta))
        offsets = fan_offsets()
        batched = self.losses_on_lines(line[None, :], offsets[None, :])  # a θ on the wire
        single = [self.loss(theta + offset * line) for offset in offsets]  # one at a time
        total = 0.0
        for values in (batched, single):
            with np.errstate(all="ignore"):
                found = [r for r in fan_residuals(np.asarray(values, dtype=np.float64))
                         if r is not None and math.isfinite(r)]  # fmt: skip
            total += min(found, default=0.0)
        return total

    # ---------------------------------------------------------------- description
    @property
    def loaded(self) -> bool:
        """False after a reload that failed (its calls then repeat that error)."""
        return self.signature is not None

    @property
    def label(self) -> str:
        return f"probe {os.path.basename(self.path)}"

    @property
    def tensors(self) -> tuple[TensorInfo, ...]:
        return self._tensors

    @property
    def has_gradient(self) -> bool:
        return self._has_gradient

    @property
    def smooth(self) -> bool:
        return False  # nothing is known about the user's loss: kinks are looked for

    @property
    def cache_key(self) -> Any:
        digest = self.signature.digest if self.signature is not None else None
        return (self.kind, self.path, digest, self.version, id(self))

    @property
    def evaluations_made(self) -> int:
        """Loss values the probe's processes gave so far (the check's setup included)."""
        return int(self.process.evaluations)

    def set_timeout(self, seconds: float) -> None:
        self.process.timeout = float(seconds)

    # ---------------------------------------------------------------- evaluation
    def theta0(self) -> np.ndarray:
        return self._theta0.copy()

    def loss(self, theta: np.ndarray, dtype: str = "float64") -> float:
        self._float64_only(dtype)
        theta = np.asarray(theta, dtype=np.float64).ravel()
        reply, _ = self._call({"op": "loss"}, [theta])
        value = float(reply["value"])
        if self._loss0 is None and _same_bits(theta, self._theta0):
            self._loss0 = value  # what a restarted process must give again (_restarted)
        return value

    def losses(self, thetas: np.ndarray, dtype: str = "float64") -> np.ndarray:
        self._float64_only(dtype)
        thetas = np.atleast_2d(np.asarray(thetas, dtype=np.float64))
        count = thetas.shape[0]
        if count == 0:
            return np.zeros(0)
        if thetas.shape[1] != self._theta0.size:
            raise InputError("model", f"{thetas.shape[1]} values where θ has {self._theta0.size}")
        return self._points(thetas)

    def _points(self, thetas: np.ndarray) -> np.ndarray:
        """L at each row of ``thetas``, sent as ``points`` requests: a row that differs from
        θ0 in a few entries (DENSE_SHARE of θ at most) as those entries, a repeat of a row
        sent whole in the same request as a reference to it, any other row whole; a request
        carries REQUEST_BYTES at most (one whole row at least), and the process builds the
        points from them a bounded batch at a time. Neither side holds all the points'
        copies at once (review12p H1: 39 whole points at 5e7 parameters were 16 GB in
        fdgui's process, as much again in the probe's)."""
        theta0 = self._theta0
        size = theta0.size
        own = theta0.view(np.int64)  # bits: -0.0 is sent as -0.0
        out: list[np.ndarray] = []
        bases: list[np.ndarray] = []
        base_of: list[int] = []
        rows: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        first, weight = 0, 0

        def send(stop: int) -> None:
            count = stop - first
            if not count:
                return
            columns_sent = np.concatenate(columns) if columns else np.zeros(0, np.int64)
            row_numbers = np.concatenate(rows) if rows else np.zeros(0, np.int64)
            arrays = [
                np.stack(bases) if bases else np.zeros((0, size)),
                np.asarray(base_of, dtype=np.int64),
                row_numbers,
                columns_sent,
                thetas[first + row_numbers, columns_sent],
            ]
            _, got = self._call({"op": "points", "count": count}, arrays)
            out.append(np.array(got[0], dtype=np.float64))

        for k in range(thetas.shape[0]):
            row = thetas[k]
            bits = row.view(np.int64)
            changed = np.flatnonzero(bits != own)
            whole = changed.size > DENSE_SHARE * size
            match = -1
            if whole:
                match = next((j for j, base in enumerate(bases)
                              if np.array_equal(base.view(np.int64), bits)), -1)  # fmt: skip
            cost = (8 * size if whole and match < 0 else 0) + (0 if whole else 24 * changed.size)
            if k > first and weight + cost > REQUEST_BYTES:
                send(k)
                first, weight = k, 0
                bases, base_of, rows, columns = [], [], [], []
                if whole:
                    match = -1
            weight += cost
            if whole:
                if match < 0:
                    bases.append(row)
                    match = len(bases) - 1
                base_of.append(match)
                continue
            base_of.append(-1)
            rows.append(np.full(changed.size, k - first, dtype=np.int64))
            columns.append(changed.astype(np.int64))
        send(thetas.shape[0])
        return np.concatenate(out) if out else np.zeros(0)

    def losses_on_lines(
        self, directions: np.ndarray, steps: np.ndarray, dtype: str = "float64"
    ) -> np.ndarray:
        """L at θ0 + steps[i, j]·directions[i], row-major (what ``losses`` gives for those
        points, computed as numpy computes ``theta + step * direction``): one direction and
        its steps per request, the points built in the probe's process one batch at a time,
        so lines through all of θ cost a direction each on the wire, not a whole θ per
        point."""
        self._float64_only(dtype)
        directions = np.atleast_2d(np.asarray(directions, dtype=np.float64))
        steps = np.asarray(steps, dtype=np.float64).reshape(directions.shape[0], -1)
        if directions.shape[1] != self._theta0.size:
            raise InputError(
                "model", f"{directions.shape[1]} values where θ has {self._theta0.size}"
            )
        found = []
        for line in range(directions.shape[0]):
            _, out = self._call({"op": "lines"}, [directions[line : line + 1],
                                                  steps[line : line + 1]])  # fmt: skip
            found.append(np.array(out[0], dtype=np.float64))
        return np.concatenate(found) if found else np.zeros(0)

    def losses_changed(self, where: np.ndarray, values: np.ndarray) -> np.ndarray:
        """L at points that are θ0 with entry ``where[k]`` set to ``values[k]`` (float64):
        the forward engine's points, sent as these two numbers each."""
        where = np.asarray(where, dtype=np.int64).ravel()
        values = np.asarray(values, dtype=np.float64).ravel()
        rows = np.arange(where.size, dtype=np.int64)
        _, out = self._call({"op": "changed", "count": where.size}, [rows, where, values])
        return np.array(out[0], dtype=np.float64)

    def losses_along(self, index: int, values: np.ndarray, dtype: str = "float64") -> np.ndarray:
        """L with entry ``index`` set to each value (the explorer's sweep). Where the
        person's loss raises (``math.log`` of a negative number at w − ε for a large ε) the
        loss is NaN there, as a loss that returns NaN: that ε is unusable, the sweep goes
        on, and ``failure_note`` says which error at which ε (review12p M5)."""
        self._float64_only(dtype)
        values = np.asarray(values, dtype=np.float64).ravel()
        rows = np.arange(values.size, dtype=np.int64)
        columns = np.full(values.size, int(index), dtype=np.int64)
        header = {"op": "points", "count": values.size, "tolerate": True}
        bases = np.zeros((0, self._theta0.size))
        reply, out = self._call(header, [bases, np.full(values.size, -1), rows, columns, values])
        found = np.array(out[0], dtype=np.float64)
        failed = [int(k) for k in reply.get("failed", ()) if 0 <= int(k) < values.size]
        w = float(self._theta0[int(index)])
        near = np.abs(values - w) <= NEAR_W * max(1.0, abs(w))
        if failed and len(failed) == values.size and np.any(near):
            # it raised at every point, near w too: the person's code fails here, which is
            # said at once, never read as "no loss at these ε" (review9l HIGH-1)
            raise ProbeError(str(reply.get("failure", "the loss raised")),
                             str(reply.get("failure_traceback", "")))  # fmt: skip
        if failed:
            found[failed] = np.nan
            moved = values[failed] - w
            self._failures.append(
                (str(reply.get("failure", "")), str(reply.get("failure_traceback", "")),
                 moved, values.size)
            )  # fmt: skip
        return found

    @property
    def failure_note(self) -> str:
        """'' or what the sweeps since the last ``refresh`` met: the person's loss raised at
        some w ± ε (the first error, where, and how many points)."""
        if not self._failures:
            return ""
        error = (self._failures[0][0] or "an exception").replace(
            self.path, os.path.basename(self.path)
        )
        moved = np.concatenate([entry[2] for entry in self._failures])
        total = sum(entry[3] for entry in self._failures)
        sides = []
        for sign, name in ((-1.0, "w − ε"), (1.0, "w + ε")):
            steps = np.abs(moved[np.sign(moved) == sign])
            if steps.size:
                low, high = float(steps.min()), float(steps.max())
                span = f"ε = {low:.3g}" if low == high else f"ε from {low:.3g} to {high:.3g}"
                sides.append(f"at {name} for {span}")
        if np.any(moved == 0):
            sides.append("at w itself")
        return (
            f"the loss raised {error} {' and '.join(sides)} ({moved.size:,} of {total:,} "
            "points): those ε are left out, as where a loss is not finite"
        )

    @property
    def failure_details(self) -> str:
        return self._failures[0][1] if self._failures else ""

    def gradient(self, theta: np.ndarray | None = None) -> np.ndarray:
        if not self._has_gradient:
            raise InputError(
                "probe",
                f"{os.path.basename(self.path)} defines no grad (or gradient): there is no "
                "gradient to check; the network check gives its numeric gradient with error "
                "bars",
            )
        if theta is None:
            if self._gradient is None:
                _, out = self._call({"op": "gradient"}, [self._theta0])
                self._gradient = np.array(out[0], dtype=np.float64)
                self._gradient.setflags(write=False)
            return self._gradient.copy()
        theta = np.asarray(theta, dtype=np.float64).ravel()
        _, out = self._call({"op": "gradient"}, [theta])
        return np.array(out[0], dtype=np.float64)

    def _float64_only(self, dtype: str) -> None:
        if dtype != "float64":
            raise InputError(
                "dtype", f"{self.label} evaluates its loss in its own precision: use float64"
            )

    # ---------------------------------------------------------------- entries
    def parse_entry(self, tensor: str | None, index_text: str) -> int:
        """The flat position of ``index_text`` in ``tensor``: a flat index (``37``) or a
        multi-index (``3, 7`` or ``[3, 7]``, or ``W1[3, 7]`` naming the tensor too)."""
        return parse_entry(self, tensor, index_text)


def open_probe(
    path: str,
    python: str | None = None,
    timeout: float | None = None,
    process: ProbeProcess | None = None,
) -> ProbeModel:
    """Start a probe process for the file a person picked and load it (ProbeError/InputError
    in words otherwise). ``process``: see ProbeModel."""
    if timeout is not None and not (timeout > 0):
        raise InputError("timeout", f"{timeout!r} is not a positive number of seconds")
    return ProbeModel(path, python, DEFAULT_TIMEOUT if timeout is None else timeout, process)
