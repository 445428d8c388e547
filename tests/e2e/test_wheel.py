"""The wheel: built from a copy of the source, installed into a fresh venv, started there.

This is what `pip install .` gives a person: the icon, the desktop files and the help pages
must be inside the wheel, found through ``fdgui.resource_files`` from site-packages (not
from the source tree), and the installed ``fdgui --smoke`` must work. Dependencies come
from the package index pip is configured with. About 15 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.fdgui.fdgui"
IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "tests"
)


# the installed copy must be what runs: no PYTHONPATH pointing back at the source tree
INSTALLED_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def _bin(venv: Path, name: str) -> Path:
    folder = venv / ("Scripts" if sys.platform.startswith("win") else "bin")
    return folder / (f"{name}.exe" if sys.platform.startswith("win") else name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy, so no build/ leftovers leak in and the tree stays clean."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
         "-w", str(work / "wheels"), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (work / "wheels").glob("fdgui-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=120)
    result = subprocess.run(
        [str(_bin(folder, "python")), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        env=INSTALLED_ENV,  # with the source on PYTHONPATH pip would think fdgui installed
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def test_wheel_carries_icons_desktop_files_and_help_pages(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert f"fdgui/resources/icons/fdgui-{size}.png" in names
    assert "fdgui/resources/fdgui.svg" in names
    assert f"fdgui/resources/{APP_ID}.desktop" in names
    assert f"fdgui/resources/{APP_ID}.metainfo.xml" in names
    help_pages = {n for n in names if n.startswith("fdgui/resources/help/") and n.endswith(".html")}
    source_pages = {
        f"fdgui/resources/help/{p.name}" for p in (ROOT / "resources/help").glob("*.html")
    }
    assert help_pages and help_pages == source_pages
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[gui_scripts]" in text and "fdgui = fdgui.app:main" in text


def test_installed_app_finds_its_files_in_site_packages(venv, tmp_path):
    probe = (
        "from fdgui.resource_files import resource_path, read_text\n"
        "icon = resource_path('icons/fdgui-256.png')\n"
        "page = sorted(resource_path('help').glob('*.html'))[0]\n"
        "print(icon.resolve()); print(icon.is_file()); print(len(page.read_text('utf-8')))\n"
    )
    result = subprocess.run(
        [str(_bin(venv, "python")), "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,  # not the source tree, which would shadow the installed package
        env=INSTALLED_ENV,
    )
    assert result.returncode == 0, result.stderr
    icon, exists, page_length = result.stdout.split()
    assert Path(icon).is_relative_to(venv.resolve()), icon
    assert exists == "True" and int(page_length) > 100


def test_installed_fdgui_smoke_starts_every_panel(venv, tmp_path):
    result = subprocess.run(
        [str(_bin(venv, "fdgui")), "--smoke", "--all-panels"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=dict(INSTALLED_ENV, QT_QPA_PLATFORM="offscreen"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ok"] is True and report["gradient"] == "0.5"
    assert set(report["panels"].values()) == {"ok"}, report


def test_installed_cli_reports_the_version(venv, tmp_path):
    import fdgui

    result = subprocess.run(
        [str(_bin(venv, "fdgui-cli")), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=INSTALLED_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fdgui {fdgui.__version__}"
