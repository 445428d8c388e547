"""Every packaged file goes through here, so a wheel and a PyInstaller bundle find the same files.

The files live in the top-level ``resources/`` folder, installed as the package
``fdgui.resources`` (see ``[tool.setuptools.package-dir]`` in pyproject.toml).
"""

from __future__ import annotations

import importlib.resources
import pathlib

_PACKAGE = "fdgui.resources"


def resource_path(relative: str) -> pathlib.Path:
    """The path of a packaged file, e.g. ``resource_path("help/formulas.html")``."""
    root = importlib.resources.files(_PACKAGE)
    return pathlib.Path(str(root.joinpath(*relative.split("/"))))


def read_text(relative: str) -> str:
    """The text of a packaged file, decoded as UTF-8."""
    return resource_path(relative).read_text(encoding="utf-8")
