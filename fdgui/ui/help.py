"""Help pages (packaged HTML) and the About box."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fdgui.resource_files import read_text

PAGES = {
    "formulas": ("Formulas and how to read the results", "help/formulas.html"),
    "faq": ("Frequently asked questions", "help/faq.html"),
    "explorer": ("The ε explorer", "help/explorer.html"),
    "netcheck": ("Network check", "help/netcheck.html"),
}


class HelpDialog(QDialog):
    """A non-modal window showing one help page; one instance per page is reused."""

    _open: ClassVar[dict[str, HelpDialog]] = {}

    def __init__(self, parent: QWidget | None, page: str) -> None:
        super().__init__(parent)
        title, path = PAGES[page]
        self.setObjectName(f"help_{page}")
        self.setWindowTitle(f"fdgui help: {title}")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenExternalLinks(False)
        try:
            self.browser.setHtml(read_text(path))
        except OSError as error:
            self.browser.setPlainText(
                f"The help page {path} is missing from this installation: {error}"
            )
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(720, 640)

    @classmethod
    def show_page(cls, parent: QWidget | None, page: str) -> HelpDialog:
        dialog = cls._open.get(page)
        if dialog is None:
            dialog = cls(parent, page)
            cls._open[page] = dialog
            dialog.destroyed.connect(lambda *_: cls._open.pop(page, None))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog


def about_text(version: str) -> str:
    return (
        f"<h3>fdgui {version}</h3>"
        "<p>Finite-difference gradients of neural-network losses: compute them from measured "
        "losses, see how far to trust them, and check a backpropagation gradient against them.</p>"
        "<p>Built with Python, Qt for Python (PySide6), pyqtgraph and NumPy. Works offline.</p>"
    )


def show_about(parent: QWidget | None, version: str) -> None:
    QMessageBox.about(parent, "About fdgui", about_text(version))
