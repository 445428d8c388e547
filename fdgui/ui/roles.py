"""Item-data roles the window's tables share beyond Qt's own.

``EXACT_ROLE``: a cell's value as exact text (every digit, never rounded for display), for
copying and exporting a table; a model that does not answer it is copied as displayed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

EXACT_ROLE = int(Qt.ItemDataRole.UserRole) + 101
