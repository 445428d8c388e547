"""Small widget helpers every panel shares: scroll areas, selectable and error labels, and
the label / field / error-label rows of the input forms."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOUR = "#cf222e"
ERROR_BORDER = f"border: 1px solid {ERROR_COLOUR};"


def vertical_scroll(content: QWidget, object_name: str) -> QScrollArea:
    """``content`` in a frameless area that scrolls up and down, never sideways, and is not a
    tab stop of its own: a panel squeezed below its natural height scrolls instead of
    cutting text."""
    scroll = QScrollArea()
    scroll.setObjectName(object_name)
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return scroll


def selectable(label: QLabel) -> QLabel:
    """``label`` with text a person can select with the mouse or the keyboard."""
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return label


def error_label(name: str) -> QLabel:
    """A hidden, wrapping, red label for the message about one field."""
    label = QLabel("")
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what a file held
    label.setWordWrap(True)
    label.setProperty("role", "error")  # coloured by the theme (fdgui.ui.theme.role_styles)
    label.setVisible(False)
    return label


class Fields:
    """The input widgets of one form by field name, each with its error label.

    A widget named ``fooEdit`` or ``fooCombo`` gets an error label named ``fooError``. The
    panel connects the widgets to its model; ``show_error`` draws a model's message.
    """

    def __init__(self) -> None:
        self.widgets: dict[str, QLineEdit | QComboBox] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.combos: dict[str, QComboBox] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.tooltips: dict[str, str] = {}

    def line(
        self,
        field: str,
        name: str,
        tooltip: str,
        placeholder: str = "",
        width: int | None = None,
    ) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setToolTip(tooltip)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        if width:
            edit.setMaximumWidth(width)
        self.edits[field] = edit
        self._add(field, edit, tooltip)
        return edit

    def combo(self, field: str, name: str, tooltip: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tooltip)
        for text, data in items:
            combo.addItem(text, data)
        self.combos[field] = combo
        self._add(field, combo, tooltip)
        return combo

    def _add(self, field: str, widget: QWidget, tooltip: str) -> None:
        self.widgets[field] = widget
        self.tooltips[field] = tooltip
        name = widget.objectName().removesuffix("Edit").removesuffix("Combo")
        self.error_labels[field] = error_label(f"{name}Error")

    def grid_row(self, grid: QGridLayout, row: int, caption: str, field: str) -> int:
        """Caption and widget side by side, the error label below both; the next free row."""
        widget = self.widgets[field]
        label = QLabel(caption)
        label.setBuddy(widget)
        grid.addWidget(label, row, 0)
        grid.addWidget(widget, row, 1)
        grid.addWidget(self.error_labels[field], row + 1, 0, 1, 2)
        return row + 2

    def form_row(self, form: QFormLayout, caption: str, field: str) -> None:
        """A form row: the caption, then the widget with its error label under it."""
        widget = self.widgets[field]
        label = QLabel(caption)
        label.setBuddy(widget)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        column.addWidget(self.error_labels[field])
        form.addRow(label, holder)

    def show_error(self, field: str, message: str, explain_in_tooltip: bool = False) -> bool:
        """Show (or clear, for "") the message about ``field``; False if it has no label."""
        label = self.error_labels.get(field)
        if label is None:
            return False
        label.setText(message)
        label.setVisible(bool(message))
        widget = self.widgets.get(field)
        if widget is not None:
            widget.setStyleSheet(ERROR_BORDER if message else "")
            if explain_in_tooltip:
                tip = self.tooltips[field]
                widget.setToolTip(f"{message}\n\n{tip}" if message else tip)
        return True


CONTENTS_ROWS = 500  # rows a column's width is measured from (Qt's own default is 1000)


class SpreadColumns(QObject):
    """Columns sized to their contents, and any width left over shared out among all of them
    (not all given to the last one): tables use a wide window's space evenly and still scroll
    sideways only when their contents do not fit."""

    def __init__(self, table: QTableView, follow_model: bool = True) -> None:
        """``follow_model``: spread again after rows arrive or go (else call ``spread``)."""
        super().__init__(table)
        self.table = table
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        table.viewport().installEventFilter(self)
        # after rows arrive or go, once per turn of the event loop however many changed
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.spread)
        model = table.model()
        if model is not None and follow_model:
            for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
                signal.connect(self._later.start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize or (
            event.type() == QEvent.Type.Show and self._pending
        ):
            self.spread()
        return False

    _pending = False

    def spread(self) -> None:
        """Size to contents, then widen every column equally to fill the viewport.

        A hidden table waits until it is shown: sizing one measured every row it held
        (20,000 rows pasted into the calculator while the explorer was in front held the
        window for 30–60 s), and a shown one measures only a bounded sample of rows."""
        table, header = self.table, self.table.horizontalHeader()
        count = header.count()
        if count == 0:
            return
        if not table.isVisible():
            self._pending = True
            return
        self._pending = False
        header.setResizeContentsPrecision(CONTENTS_ROWS)
        table.resizeColumnsToContents()
        widths = [header.sectionSize(i) for i in range(count)]
        spare = table.viewport().width() - sum(widths)
        if spare <= 0:
            return
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        extra, remainder = divmod(spare, count)
        for index, width in enumerate(widths):
            header.resizeSection(index, width + extra + (1 if index < remainder else 0))


class PaintWhenSettled(QObject):
    """Holds a costly widget's painting until its size has held for ``turns`` turns of the
    event loop (at most ``most``), then lets it paint once.

    New words beside a plot wrap to new heights a layout request at a time, and each step
    resized the plot: a 100,000-point sweep was painted at 436, 450 and 440 px, four full
    repaints in a row (~25 ms each) with no timer served in between. Forcing the layout
    instead (sending the posted layout requests at once) moved that work into the result's
    own event. Here the layout settles in its own cheap turns, the window's timers run
    between them, and the plot paints at its final size."""

    def __init__(
        self,
        widget: QWidget,
        turns: int = 2,
        most: int = 8,
        before_paint: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(widget)
        self.widget = widget
        self.before_paint = before_paint  # called once the size has settled, before the paint
        self.turns = turns
        self.most = most
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._check)
        self._size = widget.size()
        self._stable = 0
        self._seen = 0

    @property
    def holding(self) -> bool:
        return self._timer.isActive()

    def hold(self) -> None:
        """From now until the size settles the widget does not paint."""
        if self.widget.isVisible():
            self.widget.setUpdatesEnabled(False)
        self._size = self.widget.size()
        self._stable = self._seen = 0
        self._timer.start()

    def _check(self) -> None:
        self._seen += 1
        size = self.widget.size()
        if size == self._size:
            self._stable += 1
        else:
            self._size, self._stable = size, 0
        if self._stable >= self.turns or self._seen >= self.most:
            if self.before_paint is not None:
                self.before_paint()
            self.widget.setUpdatesEnabled(True)  # this asks for one paint of the whole widget
        else:
            self._timer.start()
