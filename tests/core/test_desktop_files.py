"""The Linux desktop entry, the AppStream metadata and the icon set in resources/.

Debian's validators run when they are installed (`apt-get install desktop-file-utils
appstream`); the consistency checks between the files and pyproject.toml always run.
"""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import fdgui

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
APP_ID = "io.github.fdgui.fdgui"
DESKTOP = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_validates():
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Hints are advice; errors and warnings are not allowed.
    assert "error:" not in output and "warning:" not in output, output


def test_metainfo_validates():
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (Debian: appstream)")
    result = subprocess.run(
        [tool, "validate", "--no-net", "--pedantic", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_starts_the_installed_gui_command_with_the_app_icon():
    entry = _desktop_entry()
    gui_scripts = _pyproject()["project"]["gui-scripts"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] in gui_scripts
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert "Science" in entry["Categories"].split(";")


def test_metainfo_names_the_same_app_desktop_file_binaries_and_version():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.find("icon").text == _desktop_entry()["Icon"]
    project = _pyproject()["project"]
    declared = set(project["gui-scripts"]) | set(project["scripts"])
    assert {b.text for b in root.iter("binary")} == declared
    assert root.find("releases/release").get("version") == fdgui.__version__
    assert root.findtext("project_license") == project["license"]["text"]


def test_the_app_tells_qt_its_desktop_file_name():
    # Wayland compositors match a window to its .desktop entry (and so its icon) by this id.
    assert f'setDesktopFileName("{APP_ID}")' in (ROOT / "fdgui" / "app.py").read_text("utf-8")


def test_package_data_ships_the_desktop_files_and_icons():
    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["fdgui.resources"]
    for name in (DESKTOP.name, METAINFO.name, "fdgui.svg"):
        assert any(Path(name).match(pattern) for pattern in patterns), name
    assert "icons/*" in patterns


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_has_its_size_and_stays_small(size):
    path = RESOURCES / "icons" / f"fdgui-{size}.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, bit_depth, colour_type = struct.unpack(">IIBB", data[16:26])
    assert (width, height) == (size, size)
    assert (bit_depth, colour_type) == (8, 6)  # 8-bit RGBA: transparent rounded corners
    assert len(data) < 100_000


def test_icon_svg_is_square_and_self_contained():
    root = ET.parse(RESOURCES / "fdgui.svg").getroot()
    assert root.get("viewBox") == "0 0 64 64"
    text = (RESOURCES / "fdgui.svg").read_text("utf-8")
    assert "href" not in text  # no linked images or fonts: renders the same everywhere
    assert "<text" not in text  # glyphs would depend on installed fonts
