import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget


@pytest.fixture
def window(qtbot):
    from fdgui.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    from fdgui.probe.spare import SPARE

    SPARE.end()  # a picker's spare (fdgui.probe.spare) outlives no test


def cut_off_texts(root: QWidget) -> list[str]:
    """Visible labels and buttons whose text does not fit the space the layout gave them."""
    problems = []
    for label in root.findChildren(QLabel):
        if (
            not label.isVisibleTo(root)
            or not label.text()
            or (label.pixmap() is not None and not label.pixmap().isNull())
        ):
            continue
        name = label.objectName() or label.text()[:40]
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                problems.append(f"{name!r}: height {label.height()} < {needed}")
        elif "<" not in label.text():  # plain text
            needed = label.fontMetrics().horizontalAdvance(label.text().replace("&", ""))
            if needed > label.contentsRect().width() + 1:
                problems.append(f"{name!r}: width {label.width()} < {needed}")
    for button in root.findChildren(QPushButton):
        if not button.isVisibleTo(root):
            continue
        needed = button.fontMetrics().horizontalAdvance(button.text().replace("&", "")) + 8
        if needed > button.width():
            problems.append(f"button {button.text()!r}: width {button.width()} < {needed}")
    return problems
