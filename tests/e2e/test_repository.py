"""Rules about the repository itself, made executable."""

import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 700


def _tracked(*patterns: str) -> list[pathlib.Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (an unpacked wheel or bundle has no repository rules)")
    return [ROOT / name for name in out.split()]


def test_nothing_refers_to_files_outside_the_repository():
    # the design brief and stack notes a clone does not have (written apart so this file
    # does not match itself)
    outside = ("../" + "shared", "QT-" + "NOTES", "shared " + "QT", "DESIGN" + ".md")
    offenders = [
        str(path.relative_to(ROOT))
        for path in _tracked()
        if path.is_file()
        and path.suffix in {".py", ".md", ".toml", ".html", ".txt", ".spec", ".cfg", ""}
        and any(mark in path.read_text(encoding="utf-8", errors="replace") for mark in outside)
    ]
    assert not offenders


def test_no_module_is_longer_than_the_limit():
    long = {
        str(path.relative_to(ROOT)): count
        for path in _tracked("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        and "tests" not in path.relative_to(ROOT).parts[:1]
    }
    assert not long, f"split these by role: {long}"


def test_the_readme_links_the_architecture_map():
    assert (ROOT / "docs" / "ARCHITECTURE.md").is_file()
    assert "docs/ARCHITECTURE.md" in (ROOT / "README.md").read_text(encoding="utf-8")
