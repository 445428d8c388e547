"""A probe file as a source in a panel: the model-side holder and the widgets of its page.

``ProbeHolder`` (owned by a panel model) opens the file a person picked — the file dialog's
answer is the only way in, never a saved session or a drop — in a worker job (starting the
process and importing torch takes a second or two: the spare process started as the dialog
opened, ``prepare_pick``, has done that meanwhile), keeps the ``ProbeModel``, stops it on
Cancel and closes it with the panel. ``ProbePage`` is the page of widgets: the Choose button,
the full path, what the file holds, the timeout and interpreter fields, and a read-only panel
with the user's traceback when the probe fails.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Generator
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fdgui.core import requests
from fdgui.core.errors import InputError
from fdgui.ui.widgets import Fields, selectable


def parse_timeout(text: str) -> float:
    return requests.probe_timeout(text)


def _open_job(path: str, process: Any) -> Generator[Any, None, Any]:
    from fdgui.probe.model import open_probe

    yield 0.0, f"starting {os.path.basename(path)}"
    if hasattr(process, "fit_for"):  # the picker's spare (fdgui.probe.spare)
        process.fit_for(path)
    return open_probe(path, process.python, process.timeout, process)


def describe(model: Any) -> str:
    """'4 tensors, 1,994 parameters (W1 3×4, …); its gradient: yes' for the page."""
    shapes = ", ".join(
        f"{t.name} {'×'.join(str(n) for n in t.shape) or 'scalar'}" for t in model.tensors[:6]
    )
    more = "…" if len(model.tensors) > 6 else ""
    gradient = "its own gradient" if model.has_gradient else "no gradient (numeric only)"
    batched = "batched losses" if model.batched else "one loss at a time"
    form_note = getattr(model, "form_note", "")  # both forms in one file (review18p L7)
    return (
        (f"Note: {form_note}. " if form_note else "")
        + f"{len(model.tensors)} tensor{'s' if len(model.tensors) != 1 else ''}, "
        f"{model.parameter_count:,} parameters ({shapes}{more}); {gradient}; {batched}; "
        f"Python {model.python_version}"
    )


_HOLDERS: weakref.WeakSet = weakref.WeakSet()  # every panel's holder (a probe may be shared)


class ProbeHolder(QObject):
    """The probe a panel works on (see the module's docstring)."""

    loaded = Signal(object)  # the ProbeModel
    released = Signal(object)  # the ProbeModel a new pick replaced (its panel's job is left)
    failed = Signal(str, str)  # message, details (the user's traceback and output)
    openingChanged = Signal(bool)  # a picked file is being opened (Cancel can stop it)

    def __init__(self, owner: Any) -> None:
        super().__init__(owner)
        self._owner = owner  # the PanelModel: its jobs, its texts
        self.model: Any = None
        self._owned = False
        self.opening = False
        _HOLDERS.add(self)
        self._opening: Any = None  # the ProbeProcess of the pick being opened
        self._pick = 0  # the latest pick: an older one's answer is dropped
        app = QCoreApplication.instance()
        if app is not None:  # a closing app waits for no probe (nor starts one again)
            app.aboutToQuit.connect(self._quitting)

    def _quitting(self) -> None:
        from fdgui.probe.spare import SPARE

        SPARE.end()
        self.stop_opening()
        if self.model is not None:
            self.model.stop()  # its calls fail "stopped" from now on: no restart

    def open(self, path: str, timeout_text: str, python_text: str) -> bool:
        """Open ``path`` (the person's pick) in a worker job; False if a field is wrong."""
        try:
            timeout = parse_timeout(timeout_text)
        except InputError as error:
            self._owner.inputErrorChanged.emit(error.field, error.message)
            return False
        self._owner.inputErrorChanged.emit("probe_timeout", "")
        from fdgui.probe.client import ProbeProcess
        from fdgui.probe.spare import SPARE

        self.stop_opening()  # a newer pick replaces one still opening (its process ends)
        python = python_text.strip() or None
        process = SPARE.take(python, timeout) or ProbeProcess(python, timeout)
        self._pick += 1
        pick = self._pick

        def done() -> bool:
            """Whether this is still the latest pick (and it is no longer opening)."""
            if pick != self._pick:
                return False
            self._set_opening(None)
            return True

        def returned(model: Any) -> None:
            if not done():
                _close_later(model)  # a pick the person left for another
            elif process.cancelled:  # Cancel came as it finished loading
                _close_later(model)
                self.failed.emit("the probe was stopped", "")
            else:
                self.adopt(model, owned=True)

        def errored(message: str, details: str) -> None:
            if done():
                self.failed.emit(message, details if _is_user_details(details) else "")

        def aborted() -> None:
            done()

        self._set_opening(process)
        self.release()  # the pick replaces the probe in force now, whatever its outcome
        # a background job: a sweep or check refused meanwhile ("choose a probe file")
        # must not cancel the opening (Cancel does: ``stop_opening``)
        self._owner.start_job(
            _open_job,
            path,
            process,
            busy=False,
            returned=returned,
            errored=errored,
            aborted=aborted,
        )
        return True

    def prepare_pick(self) -> None:
        """The file dialog opens: a spare probe process starts (off the GUI thread) for the
        Python in the field, with a head start where it has torch; the pick takes it. No
        file of the person's runs before the pick (``fdgui.probe.spare``)."""
        from fdgui.probe.spare import SPARE

        SPARE.prepare(self._owner.text("probe_python").strip() or None)

    def _set_opening(self, process: Any) -> None:
        was, self._opening = self.opening, process
        self.opening = process is not None
        if was != self.opening:
            self.openingChanged.emit(self.opening)

    def use_python(self, text: str) -> None:
        """Before a run: the Python typed now is the one the probe runs in (another one
        restarts it there on this run, with a note; one that cannot start is the run's
        error). Never the old interpreter silently."""
        if self.model is not None:
            self.model.process.use_python(text.strip() or None)

    def stop_opening(self) -> bool:
        """Cancel: end the process of a file still opening (a module-level loop, a slow
        import); its job then fails with "the probe was stopped". False if none was."""
        if self._opening is None:
            return False
        self._opening.cancel()
        return True

    def release(self) -> None:
        """A pick replaces the probe in force at once: a pick that then fails or is
        cancelled leaves none in force (never the old file's verdicts under the new file's
        name). The panel leaves its job on the old one (``released``); the old one is closed
        off the GUI thread (a hung loss is killed there, never waited for here)."""
        if self.model is not None:
            self.released.emit(self.model)
            self.close()

    def adopt(self, model: Any, owned: bool = False) -> None:
        """Work on ``model`` (another panel's probe: shared, not closed here)."""
        if model is self.model:
            return
        self.close()
        self.model, self._owned = model, owned
        self.loaded.emit(model)

    def set_timeout(self, text: str) -> None:
        if self.model is not None:
            with contextlib.suppress(InputError):  # shown by timeout_errors before a run
                self.model.set_timeout(parse_timeout(text))

    def timeout_errors(self, text: str) -> dict[str, str]:
        """{} when ``text`` is a timeout the probe can use (and the probe then uses it),
        else {"probe_timeout": what is wrong, in words}: a run or sweep is refused until
        it is fixed (the process keeps its last valid timeout meanwhile)."""
        try:
            seconds = parse_timeout(text)
        except InputError as error:
            return {error.field: error.message}
        if self.model is not None:
            self.model.set_timeout(seconds)
        return {}

    def stop(self, model: Any = None) -> None:
        """Cancel: end the probe's process now (the next call starts a new one) — unless
        another panel's job runs on the same probe (a shared process: the explorer on the
        check's probe): this panel's job is then only left (its results dropped), and the
        other run goes on (review9j MED-4). ``model``: the probe the job used (default: the
        one in force); one no longer in force is left alone (a newer pick closed it, or it
        is another panel's), so a pick's new probe is never stopped by the old job's Cancel."""
        model = self.model if model is None else model
        if model is not None and model is self.model and not self._shared_and_busy():
            model.stop()

    def _shared_and_busy(self) -> bool:
        return any(
            holder is not self and holder.model is self.model and holder._owner.is_busy()
            for holder in list(_HOLDERS)
        )

    def close(self) -> None:
        """Leave the probe; one this panel opened is closed off the GUI thread, unless
        another panel works on it too (it is then that panel's to close)."""
        model, owned, self.model = self.model, self._owned, None
        if model is None or not owned:
            return
        heir = next((h for h in list(_HOLDERS) if h is not self and h.model is model), None)
        if heir is not None:
            heir._owned = True
            return
        _close_later(model)


def _close_later(model: Any) -> None:
    """Close a probe off the GUI thread (its process may be busy in the person's code)."""
    import threading

    threading.Thread(target=model.close, name="probe-close", daemon=True).start()


def _is_user_details(details: str) -> bool:
    """Details from a ProbeError (the user's traceback or output), not fdgui's own stack."""
    return "fdgui/ui/worker.py" not in details


class ProbePage(QWidget):
    """The probe source's widgets; ``fields`` gets probe_timeout and probe_python (and the
    panel's own fields, e.g. the explorer's tensor and index, go in ``extra_grid``)."""

    def __init__(
        self, fields: Fields, parent: QWidget | None = None, field_names: bool = False
    ) -> None:
        """``field_names``: widgets named after their field (``probe_timeoutEdit``, the
        network check's convention) rather than in camel case (``probeTimeoutEdit``)."""
        super().__init__(parent)
        self.setObjectName("probePage")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.choose_button = QPushButton("Open &a probe file…")
        self.choose_button.setObjectName("chooseProbeButton")
        self.choose_button.setToolTip(
            "A Python file defining theta0 and loss(theta) (optionally grad, names), or "
            "parameters()/loss/gradient, or probe = torch_probe(...) / jax_probe(...). It runs "
            "in its own process only once you pick it here."
        )
        column.addWidget(self.choose_button)
        self.path_label = selectable(QLabel("No probe file chosen."))
        self.path_label.setObjectName("probePathLabel")
        self.path_label.setWordWrap(True)
        column.addWidget(self.path_label)
        self.info_label = QLabel("")
        self.info_label.setObjectName("probeInfoLabel")
        self.info_label.setWordWrap(True)
        self.info_label.setStyleSheet("color: #555;")
        column.addWidget(self.info_label)
        self.extra_grid = QGridLayout()
        self.extra_grid.setContentsMargins(0, 0, 0, 0)
        self.extra_grid.setColumnStretch(1, 1)
        column.addLayout(self.extra_grid)
        fields.line(
            "probe_timeout",
            "probe_timeoutEdit" if field_names else "probeTimeoutEdit",
            "Seconds each loss evaluation of the probe may take; past it the probe's process "
            "is stopped (an endless loop never freezes the window). Loading the file and its "
            "first gradient (imports, a JIT compile) may take 60 s, or this if longer",
        )
        fields.line(
            "probe_python",
            "probe_pythonEdit" if field_names else "probePythonEdit",
            "The Python that runs the probe (empty: the one running fdgui); e.g. your own "
            "environment's, with torch or JAX",
            placeholder="this Python",
        )
        self.settings_grid = QGridLayout()
        self.settings_grid.setContentsMargins(0, 0, 0, 0)
        self.settings_grid.setColumnStretch(1, 1)
        row = fields.grid_row(self.settings_grid, 0, "Time&out (s):", "probe_timeout")
        fields.grid_row(self.settings_grid, row, "P&ython:", "probe_python")
        column.addLayout(self.settings_grid)
        self.error_title = QLabel("")
        self.error_title.setObjectName("probeErrorTitle")
        self.error_title.setWordWrap(True)
        self.error_title.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error_view = QPlainTextEdit()
        self.error_view.setObjectName("probeErrorView")
        self.error_view.setReadOnly(True)
        self.error_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.error_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.error_view.setMinimumHeight(90)
        self.error_view.setToolTip("The probe's own traceback and what it printed")
        column.addWidget(self.error_title)
        column.addWidget(self.error_view, 1)
        self._opening_path = ""  # the file being opened (show_opening), until it loads or fails
        self.show_failure("", "")

    def pick(self, parent: QWidget | None = None) -> str:
        """The file dialog: the person's consent to run the file (its path, or '')."""
        path, _ = QFileDialog.getOpenFileName(
            parent or self, "Choose a probe file", "", "Python files (*.py);;All files (*)"
        )
        return path

    def show_opening(self, path: str) -> None:
        self._opening_path = path  # until it loads or fails (see show_failure)
        self.path_label.setText(f"Starting {path} …")
        self.info_label.setText("")
        self.show_failure("", "")

    def show_loaded(self, model: Any) -> None:
        self._opening_path = ""
        self.path_label.setText(model.path)
        twice = getattr(getattr(model, "process", None), "load_note", "")  # review18p L1
        self.info_label.setText(f"{twice}. {describe(model)}" if twice else describe(model))
        self.show_failure("", "")

    def show_note(self, note: str) -> None:
        """A reload's note: on the page (until the next load) and in the status bar."""
        if note:
            self.info_label.setText(f"{note}. {self.info_label.text()}")
            self._note = f"{note}. "  # until a failure: then not of the version in force
            window = self.window()
            if isinstance(window, QMainWindow):
                from fdgui.core.numbers.parsing import visible

                window.statusBar().showMessage(visible(f"{note}."), 10_000)

    def show_failure(self, message: str, details: str) -> None:
        """A failure of the probe in force (a run's), or of the file being opened: then no
        probe is in force, and the path says the file did not load."""
        stopped = message == "the probe was stopped"  # Cancel: asked for, not a failure
        opening = self._opening_path if message else ""
        note, self._note = getattr(self, "_note", ""), ""
        if message and note and self.info_label.text().startswith(note):  # an earlier
            self.info_label.setText(self.info_label.text()[len(note) :])  # reload's (L4)
        if opening:
            self._opening_path = ""
            self.path_label.setText(
                f"{opening} was not loaded (stopped while opening)."
                if stopped
                else f"{opening} did not load."
            )
        self.error_title.setText(
            ("Stopped while opening; choose the file again to run it." if opening
             else "Stopped. The next run starts the probe again.")
            if stopped
            else f"The probe failed: {message}"
            if message
            else ""
        )  # fmt: skip
        self.error_title.setStyleSheet(
            "color: #555;" if stopped else "color: #b00020; font-weight: bold;"
        )
        self.error_title.setVisible(bool(message))
        from fdgui.probe.frames import capped

        self.error_view.setPlainText(capped(details))  # megabytes would stall the window
        self.error_view.setVisible(bool(details))
