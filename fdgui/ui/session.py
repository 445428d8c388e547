"""The window's session: File → New/Open/Save/Save As/Open Recent, the title's unsaved mark,
autosave into the per-user data folder, and restoring it after a crash.

Every panel model's ``state()`` goes into one ``.fdgui.json`` file (fdgui.core.session).
A moment after any change (``AUTOSAVE_MS``), the states are collected on the GUI thread
(cheap: the calculator keeps each row's texts) and turned into JSON and written off the GUI
thread, atomically. A file that cannot be opened changes nothing on screen and is never
written over; a damaged autosave is moved aside as ``.broken``. An unwritable data folder is
said once, in the status bar and on stderr.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from fdgui import __version__
from fdgui.core import session as files

AUTOSAVE_MS = 700
AUTOSAVE_MAX_WAIT_S = 3.0
AUTOSAVING_AGAIN = "Your work is autosaved again"
#: the model signals that may mean a change worth saving
_CHANGE_SIGNALS = (
    "textsChanged",
    "resultChanged",
    "inputErrorChanged",
    "historyChanged",
    "sourceChanged",
    "pinsChanged",
    "readoutChanged",
)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _write_job(
    panels: dict[str, Any], autosave: Path | None, previous: bytes | None
) -> Generator[float, None, tuple[bytes, str]]:
    """Off the GUI thread: the panels as JSON, written to ``autosave`` if they changed since
    ``previous``. Returns (the panels' JSON, "" or why the autosave could not be written)."""
    yield 0.0
    failed: list[str] = []

    def made(key: str, entry: str, value: Any) -> Any:
        try:
            return value()
        except Exception as error:
            failed.append(f"{key} {entry} ({type(error).__name__}: {error})"[:300])
            return _FAILED

    panels = {
        key: {
            entry: made(key, entry, value) if callable(value) else value
            for entry, value in state.items()
        }
        if isinstance(state, dict)
        else state
        for key, state in panels.items()
    }
    panels = {
        key: {e: v for e, v in state.items() if v is not _FAILED}
        if isinstance(state, dict)
        else state
        for key, state in panels.items()
    }
    data = files.dumps_panels(panels)
    problem = ""
    if autosave is not None and data != previous:
        try:
            files.write_atomic(autosave, _assembled(panels, data))
        except OSError as error:
            problem = _write_problem(autosave, error)
    if failed and not problem:  # written without it: said like an unwritable folder
        problem = f"could not write {', '.join(failed)} into the autosave"
    return data, problem


_FAILED = object()  # a part of a panel's state that could not be made


def _assembled(panels: dict[str, Any], data: bytes) -> bytes:
    """The file of ``panels`` (``data``: their JSON). When it would be too large to be read
    back, the network-check report's arrays (heat maps, relative errors) are left out, and
    the report says so when it comes back; SessionTooLarge if even that is too large."""
    try:
        return files.assemble(data, _now(), __version__)
    except files.SessionTooLarge:
        from fdgui.core.netcheck.stored import without_arrays

        netcheck = panels.get("netcheck")
        stored = netcheck.get("report_data") if isinstance(netcheck, dict) else None
        if not isinstance(stored, dict):
            raise
        limit = f"{files.MAX_BYTES // 2**20} MB"
        slim = without_arrays(stored, f"the session would have been larger than {limit}")
        if slim == stored:
            raise
        panels = {**panels, "netcheck": {**netcheck, "report_data": slim}}
        return files.assemble(files.dumps_panels(panels), _now(), __version__)


def _write_problem(path: Path, error: OSError) -> str:
    """Why ``path`` could not be written, in words."""
    if isinstance(error, files.SessionTooLarge):
        return str(error.strerror)
    return f"{path.parent} is not writable ({error.strerror or error})"


class SessionManager(QObject):
    """Owns the current file, the unsaved mark, the autosave and the recent files."""

    titleChanged = Signal()
    message = Signal(str)  # a sentence for the status bar

    def __init__(self, window: Any, autosave: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.path: Path | None = None
        self.autosave_enabled = autosave
        self.last_message = ""  # the last thing said to the person (tests read it)
        self._starting = False  # while the autosave is restored
        self._baseline: bytes | None = None  # the panels' JSON at the last open/save/new
        self._autosaved: bytes | None = None
        self._dirty = False
        self._loading = 0
        self._warned_unwritable = False
        self.autosave_problem = ""  # why autosaving fails now ("" while it works)
        self._writing: Any = None
        self._again = False
        self._pending_since = 0.0
        self._probe_notes: list[str] = []
        self._autosave: Path | None = None  # set when another fdgui holds the usual one
        self._skipped_in: Path | None = None  # the file opened with entries it skipped
        self._report_notes: list[str] = []
        self.open_problems: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self._collect_and_write)

    # --- what changed ------------------------------------------------------------------------
    def watch(self, model: Any) -> None:
        """Save after any change of ``model``."""
        for name in _CHANGE_SIGNALS:
            signal = getattr(model, name, None)
            if signal is not None:
                signal.connect(self.changed)

    def changed(self, *_args: Any) -> None:
        """Autosave ``AUTOSAVE_MS`` after the last change, and at least every
        ``AUTOSAVE_MAX_WAIT_S`` while changes keep coming."""
        if self._loading:
            return
        now = time.monotonic()
        if not self._timer.isActive():
            self._pending_since = now
        elif now - self._pending_since > AUTOSAVE_MAX_WAIT_S:
            return  # let the running timer fire
        self._timer.start()

    def is_dirty(self) -> bool:
        return self._dirty

    def title(self) -> str:
        name = self.path.name if self.path is not None else "Untitled session"
        return f"{name}[*]"

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.titleChanged.emit()

    def flush(self) -> None:
        """Everything now, on this thread: the unsaved mark and the autosave (on quit)."""
        self._timer.stop()
        panels = self.window.collect_states()
        data = files.dumps_panels(panels)
        self._set_dirty(self._baseline is not None and data != self._baseline)
        if self.autosave_enabled and data != self._autosaved:
            self._write_autosave(panels, data)

    def _write_autosave(self, panels: dict[str, Any], data: bytes) -> None:
        path = self.autosave_file()
        try:
            files.write_atomic(path, _assembled(panels, data))
            self._autosaved = data
            self._writable_again()
        except OSError as error:
            self._unwritable(_write_problem(path, error))

    def _collect_and_write(self) -> None:
        if self._writing is not None:  # one write at a time; the next follows it
            self._again = True
            return
        waited = time.monotonic() - self._pending_since
        if self.window.is_reading() and waited < AUTOSAVE_MAX_WAIT_S:
            # a long paste or history being read: save after it, but never wait longer than
            # usual (a saved history of 200,000 rows takes seconds: a crash then lost what was
            # typed meanwhile); the unread rows are saved as they were
            self._timer.start()
            return
        from shiboken6 import isValid

        from fdgui.ui.worker import start_job

        panels = self.window.collect_states(autosave=True)  # slow parts made in the job
        autosave = self.autosave_file() if self.autosave_enabled else None
        job = start_job(_write_job, panels, autosave, self._autosaved)
        self._writing = job

        def returned(value: Any) -> None:
            if not isValid(self):  # the window closed while the job ran
                return
            data, problem = value
            if problem:
                self._unwritable(problem)
            elif autosave is not None:
                self._autosaved = data
                self._writable_again()
            self._set_dirty(self._baseline is not None and data != self._baseline)

        def finished() -> None:
            if not isValid(self):
                return
            self._writing = None
            if self._again:
                self._again = False
                self._timer.start()

        def errored(message: str, _details: str) -> None:
            if not isValid(self):
                return
            self._unwritable(f"the autosave could not be made ({message})"[:400])

        job.returned.connect(returned)
        job.errored.connect(errored)
        job.finished.connect(finished)

    def _unwritable(self, problem: str) -> None:
        if self._warned_unwritable:
            return
        self._warned_unwritable = True
        self.autosave_problem = problem
        self._say(
            f"Your work is not being saved automatically: {problem}. Use File → Save As… "
            "to keep it."
        )
        print(f"fdgui: autosave failed: {problem}", file=sys.stderr)

    def _writable_again(self) -> None:
        """An autosave was written after one failed: say that it works again (once)."""
        if self._warned_unwritable:
            self._warned_unwritable = False
            self.autosave_problem = ""
            self._say(f"{AUTOSAVING_AGAIN}: {self.autosave_file()}.")

    def _say(self, text: str) -> None:
        if self._starting and self.last_message and self.last_message not in text:
            text = f"{text} {self.last_message}"  # nothing said at the start is said over
        self.last_message = text
        self.message.emit(text)

    def probe_named(self, key: str, path: str) -> None:
        """A restored panel had used a probe file: say so, and that it was not run."""
        self._probe_notes.append(f"{path} ({key})")

    def report_kept(self, key: str) -> None:
        self._report_notes.append(key)

    def _take_probe_notes(self) -> str:
        notes, self._probe_notes = self._probe_notes, []
        reports, self._report_notes = self._report_notes, []
        said = ""
        model = self.window._models.get("netcheck")
        if getattr(model, "restored", None) is not None:
            said += " The last network-check report is shown again as it was (not rerun)."
        elif reports:
            said += (
                " The last network-check report was kept as text (this session holds no "
                "more of it): File ▸ Export results writes it; Run check draws the panel again."
            )
        if notes:
            said += (
                f" The session used the probe file {', '.join(notes)}; it was not run: choose "
                "it in the panel to run it again."
            )
        return said

    def mark_clean(self) -> None:
        """The panels as they are now are what the file (or a new session) holds."""
        self._baseline = files.dumps_panels(self.window.collect_states())
        self._set_dirty(False)

    # --- startup -----------------------------------------------------------------------------
    def restore_autosave(self) -> dict[str, Any] | None:
        """The autosaved panel states, or None. A damaged one is moved aside (``.broken``)
        and said; after a crash (the running marker left behind) this is said too."""
        self._starting = True
        try:
            return self._restore_autosave()
        finally:
            self._starting = False

    def _restore_autosave(self) -> dict[str, Any] | None:
        if not _claim_autosave():  # another fdgui runs: never share (nor restore) its file
            self._autosave = files.data_dir() / f"autosave-{os.getpid()}{files.SUFFIX}"
            self._say(
                "Another fdgui window is running and keeps the usual autosave; this one "
                f"autosaves to {self._autosave} instead (File → Open… brings it back)."
            )
            return None
        adopted = _adopt_other_windows_work()
        if adopted:  # said with whatever the start says below
            self._say(
                f"The work of another fdgui window that has closed was kept in {adopted} "
                "(File → Open… brings it back)."
            )
        path = files.autosave_path()
        marker = path.with_name("running")
        crashed = marker.exists()
        try:  # replaced, never opened: whatever is there (even a pipe) cannot block the start
            files.write_atomic(marker, str(os.getpid()).encode("ascii"))
        except OSError as error:
            self._unwritable(f"{marker.parent} is not writable ({error.strerror or error})")
        if not path.exists():
            return None
        try:
            saved = files.read_session(path)
        except files.SessionError as error:
            broken = files.keep_broken(path)
            kept = f" It was kept as {broken}." if broken is not None else ""
            self._say(f"The autosaved session could not be restored: {error}.{kept}")
            return None
        if saved.panels:
            when = f" (saved {saved.saved_at})" if saved.saved_at else ""
            self._say(
                f"fdgui did not close normally last time; your work was restored{when}."
                if crashed
                else "Your work from the last run was restored."
            )
        return saved.panels

    def autosave_file(self) -> Path:
        """Where this window autosaves (its own file when another fdgui holds the usual)."""
        return self._autosave if self._autosave is not None else files.autosave_path()

    def closed_cleanly(self) -> None:
        if self._autosave is not None:  # a second window: the running marker is not its own
            return
        with contextlib.suppress(OSError):
            files.autosave_path().with_name("running").unlink(missing_ok=True)

    # --- files -------------------------------------------------------------------------------
    def open_file(self, path: str | os.PathLike[str]) -> bool:
        """Open a session file; a bad one changes nothing and is said. Returns success."""
        path = Path(path)
        try:
            saved = files.read_session(path)
        except files.SessionError as error:
            self._say(f"Could not open {path.name}: {error}. Nothing was changed.")
            return False
        kept = self.keep_previous(saved.panels)
        if kept is False:
            return False
        kept = self._kept_note(kept)
        panels, ignored = self._without_interpreters(saved.panels)
        problems = self.load(panels)
        self.open_problems = list(problems)  # what of the file was refused (--export-plots)
        from fdgui.ui.session_kept import is_own_file

        own = is_own_file(path)  # a kept copy: never saved into (the rotation replaces it)
        if own:
            kept = (
                f" It is one of fdgui's own kept copies, so it is open as untitled work: "
                f"File → Save As… gives it a name of your own.{kept}"
            )
        self.path = None if own else path.resolve()
        self._skipped_in = self.path if problems else None
        self.window.undo_stack.clear()
        self.mark_clean()
        self.titleChanged.emit()
        if self.autosave_enabled and self.path is not None:  # headless: recent list untouched
            add_recent(self.path)
        notes = self._take_probe_notes()
        if ignored:
            notes += (
                f" The session named a Python for probe files ({'; '.join(ignored)}); it was "
                "not taken (a file never chooses what runs): set it in the panel if you trust it."
            )
        if problems:
            self._say(f"Opened {path.name}; could not restore {', '.join(problems)}.{notes}{kept}")
        else:
            self._say(f"Opened {path.name}.{notes}{kept}")
        self.changed()
        return True

    def keep_previous(self, incoming: Any = None) -> Path | bool | None:
        """Before another session replaces the window's work: if that work is in no file
        (untitled, restored after a crash, or changed since its file was saved), write it
        aside as ``autosave-previous.fdgui.json`` so it survives the autosave of what
        replaces it. Returns that file, None (nothing to keep, or no autosave), or False
        when it could not be written and the person did not agree to lose it (said)."""
        if not self.autosave_enabled:
            return None
        panels = self.window.collect_states()
        data = files.dumps_panels(panels)
        in_file = self.path is not None and data == self._baseline
        if in_file:
            return None
        from fdgui.ui.session_kept import worth_keeping

        if not worth_keeping(self.window, panels, data, incoming):  # already in a file
            return None
        target = files.previous_autosave_path()
        files.rotate_previous()  # what was kept aside before stays too
        try:
            files.write_atomic(target, _assembled(panels, data))
        except OSError as error:
            problem = _write_problem(target, error)
            self._unwritable(problem)
            if self.window.ask_before_closing and _agree_to_discard(self.window, problem):
                return None
            self._say(
                f"Your work could not be kept aside ({problem}) and is in no file, so it was "
                "not replaced: save it with File → Save As… first."
            )
            return False
        return target

    def _without_interpreters(self, panels: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """``panels`` with every ``texts.probe_python`` replaced by what is on screen (the
        interpreter probe files run with is never taken from a file someone may have sent),
        and the ignored ones as "<panel>: <text>"."""
        cleaned: dict[str, Any] = {}
        ignored: list[str] = []
        for key, state in panels.items():
            texts = state.get("texts") if isinstance(state, dict) else None
            if isinstance(texts, dict) and "probe_python" in texts:
                texts = dict(texts)
                named = texts.pop("probe_python")
                model = self.window._models.get(key)
                current = model.text("probe_python") if model is not None else ""
                if current:
                    texts["probe_python"] = current
                if named and named != current:
                    ignored.append(f"{key}: {str(named)[:200]!r}")
                state = {**state, "texts": texts}
            cleaned[key] = state
        return cleaned, ignored

    def _kept_note(self, kept: Path | None) -> str:
        if kept is None:
            return ""
        return f" Your previous work was kept in {kept} (File → Open… brings it back)."

    def load(self, panels: dict[str, Any]) -> list[str]:
        """Restore every panel from ``panels`` (a panel missing there gets its defaults);
        returns what could not be restored, as "<panel>: <entry>"."""
        self._loading += 1
        try:
            return self.window.restore_states(panels)
        finally:
            self._loading -= 1

    def new(self) -> None:
        kept = self.keep_previous()
        if kept is False:
            return
        self._skipped_in = None
        kept = self._kept_note(kept)
        self.load({})
        self.path = None
        self.window.undo_stack.clear()
        self.mark_clean()
        self.titleChanged.emit()
        self._say(f"A new session: every panel is back at its example.{kept}")
        self.changed()

    def save(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Save to ``path`` (or the current file); says and returns False on failure."""
        target = Path(path) if path is not None else self.path
        if target is None:
            return False
        if not target.name.endswith(".json"):
            target = target.with_name(target.name + files.SUFFIX)
        from fdgui.ui.session_kept import is_own_file

        if is_own_file(target):  # the autosave or a kept copy: fdgui replaces and deletes it
            self._say(
                f"Could not save {target}: that is one of fdgui's own autosave files, which "
                "it replaces and deletes. Choose another name. Nothing was written."
            )
            return False
        panels = self.window.collect_states()
        data = files.dumps_panels(panels)
        original = self._keep_original(target)
        try:
            files.write_atomic(target, _assembled(panels, data))
        except OSError as error:
            self._say(f"Could not save {target}: {error.strerror or error}. Nothing was written.")
            return False
        self.path = target.resolve()
        self._baseline = data
        self._set_dirty(False)
        self.titleChanged.emit()
        if self.autosave_enabled:
            add_recent(self.path)
        self._say(f"Saved {target.name}.{original}")
        return True

    def _keep_original(self, target: Path) -> str:
        """Saving over the file just opened, some of whose entries could not be restored:
        the file as it was is copied to ``<name>.orig`` first (those entries would otherwise
        be gone); returns the sentence that says so ("" when nothing was kept)."""
        opened, self._skipped_in = self._skipped_in, None
        if opened is None or target.resolve() != opened:
            self._skipped_in = opened
            return ""
        import shutil

        copy = opened.with_name(opened.name + ".orig")
        try:
            shutil.copy2(opened, copy)
        except OSError:
            return ""
        return f" The entries that could not be restored stay in {copy.name}."


def _agree_to_discard(window: Any, problem: str) -> bool:
    """Ask whether work that cannot be kept aside may be replaced anyway."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.warning(
        window,
        "Your work cannot be kept",
        f"Your current work is in no file and could not be kept aside ({problem}). "
        "Replace it anyway? It will be lost.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


def _adopt_other_windows_work() -> Path | None:
    """A second fdgui autosaved to ``autosave-<pid>``; once that process is gone, its work
    joins the kept copies (``autosave-previous``, rotated) so it is neither lost nor left
    where no window looks. Returns where the last one went (None: there was none)."""
    import re

    kept = None
    for path in sorted(files.data_dir().glob(f"autosave-*{files.SUFFIX}")):
        match = re.fullmatch(rf"autosave-(\d+){re.escape(files.SUFFIX)}", path.name)
        if match is None or _running(int(match.group(1))):
            continue
        target = files.previous_autosave_path()
        files.rotate_previous()
        try:
            os.replace(path, target)
        except OSError:
            continue
        kept = target
    return kept


def _running(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # there os.kill would end it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # another user's, or cannot tell: leave it alone
    return True


# --- one autosave per running fdgui ------------------------------------------------------------
_LOCKS: dict[str, Any] = {}  # data folder → the QLockFile this process holds there


def _claim_autosave() -> bool:
    """Whether this process may use the usual autosave and running marker: it holds (or
    now takes) the data folder's ``instance.lock``. A lock left by a crashed process is
    taken over (QLockFile checks whether its process still runs)."""
    from PySide6.QtCore import QLockFile

    folder = files.data_dir()
    key = str(folder)
    if key in _LOCKS:
        return True
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return True  # nothing can be written there anyway; that is said by the autosave
    lock = QLockFile(str(folder / "instance.lock"))
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    if lock.tryLock(0):
        _LOCKS[key] = lock
        return True
    # False only when another live process holds it; a lock that cannot be made at all
    # (permissions) leaves this fdgui as if it were the only one
    return lock.error() != QLockFile.LockError.LockFailedError


# --- recent files (a small preferences file beside the autosave) -------------------------------
RECENT_LIMIT = 8


def recent_files() -> list[Path]:
    import json
    import stat

    try:
        path = files.preferences_path()
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe would keep the menu waiting
            return []
        data = path.read_bytes()
        if len(data) > 1_000_000:
            return []
        recent = json.loads(data).get("recent", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [Path(p) for p in recent if isinstance(p, str)][:RECENT_LIMIT]


def add_recent(path: Path) -> None:
    import json

    recent = [p for p in recent_files() if p != path]
    recent.insert(0, path)
    data = json.dumps({"recent": [str(p) for p in recent[:RECENT_LIMIT]]}).encode()
    with contextlib.suppress(OSError):  # the autosave says once if the folder is unwritable
        files.write_atomic(files.preferences_path(), data)


def clear_recent() -> None:
    with contextlib.suppress(OSError):
        files.write_atomic(files.preferences_path(), b'{"recent": []}')
