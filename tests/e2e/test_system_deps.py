"""scripts/system-deps: the X11 list covers what Qt's xcb plugin links (checked with ldd),
and a package manager held busy by another process is waited for, then optional packages
are left out in words instead of failing ``make test``."""

from __future__ import annotations

import fcntl
import os
import pathlib
import re
import shutil
import subprocess
import threading

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-deps"


def _listed_packages() -> set[str]:
    text = SCRIPT.read_text(encoding="utf-8")
    return set(re.findall(r"\b(lib[a-z0-9.+-]+|fonts-[a-z-]+)\b", text))


def _package_of_soname(library: str) -> str:
    """The Debian package of a shared library not installed here, by the policy's naming
    rule: libxcb-icccm.so.4 → libxcb-icccm4, libxkbcommon-x11.so.0 → libxkbcommon-x11-0
    (a hyphen when the name ends in a digit), lower case."""
    name, _, version = library.partition(".so.")
    version = version.split(".")[0]
    return (name + ("-" if name[-1].isdigit() else "") + version).lower()


def test_the_naming_rule_names_known_packages():
    assert _package_of_soname("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert _package_of_soname("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert _package_of_soname("libX11-xcb.so.1") == "libx11-xcb1"
    assert _package_of_soname("libxcb-util.so.1") == "libxcb-util1"


def _xcb_files() -> list[pathlib.Path]:
    import PySide6

    qt = pathlib.Path(PySide6.__file__).parent / "Qt"
    files = [qt / "plugins" / "platforms" / "libqxcb.so", *qt.glob("lib/libQt6XcbQpa.so*")]
    files += sorted((qt / "plugins" / "xcbglintegrations").glob("*.so"))
    return [f for f in files if f.is_file()]


@pytest.mark.skipif(not shutil.which("ldd") or not shutil.which("dpkg"), reason="needs ldd, dpkg")
def test_the_x11_list_covers_what_the_xcb_plugin_links():
    files = _xcb_files()
    if not files:
        pytest.skip("this PySide6 has no xcb platform plugin")
    libraries: set[str] = set()
    absent: set[str] = set()
    for path in files:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            name = line.split()[0] if line.split() else ""
            # the X11 side: what a machine with only the offscreen libraries lacks
            if re.match(r"lib(xcb|X11|xkbcommon-x11|Xau|Xdmcp|GLX)", name, re.IGNORECASE):
                libraries.add(name)
                if "not found" in line:  # not installed here (`make run` installs them)
                    absent.add(name)
    packages = {_package_of_soname(library) for library in absent}
    for library in sorted(libraries - absent):
        owner = subprocess.run(["dpkg", "-S", f"*/{library}"], capture_output=True, text=True)
        if owner.returncode == 0:
            packages.add(owner.stdout.split(":")[0])
    assert packages, libraries
    # libxau6 and libxdmcp6 come with libxcb1 (its dependencies); the rest must be listed
    missing = packages - _listed_packages() - {"libxau6", "libxdmcp6"}
    assert not missing, f"scripts/system-deps --x11 lacks {sorted(missing)}"


def _fake_tools(folder: pathlib.Path) -> pathlib.Path:
    """dpkg that knows every package but fake-*, apt-get that only writes what it was asked."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    (bin_dir / "dpkg").write_text(
        '#!/bin/sh\ncase "$2" in fake-*|${FAKE_MISSING:-none}) exit 1;; esac\nexit 0\n'
    )
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> "{folder}/apt.log"\nexit 0\n')
    for tool in ("dpkg", "apt-get"):
        (bin_dir / tool).chmod(0o755)
    return bin_dir


def _run(folder: pathlib.Path, *args: str, wait: int, missing: str = "none"):
    env = dict(
        os.environ,
        PATH=f"{_fake_tools(folder)}:{os.environ['PATH']}",
        SYSTEM_DEPS_LOCKS=str(folder / "lock"),
        SYSTEM_DEPS_LOCK_WAIT=str(wait),
        FAKE_MISSING=missing,
    )
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def held_lock(tmp_path):
    handle = (tmp_path / "lock").open("a")
    fcntl.lockf(handle, fcntl.LOCK_EX)
    yield handle
    handle.close()


as_root = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("python3"), reason="the script installs only as root"
)


@as_root
def test_a_busy_package_manager_leaves_optional_packages_out_in_words(tmp_path, held_lock):
    done = _run(tmp_path, "--optional", "fake-validator", wait=2)
    assert done.returncode == 0, done.stderr
    assert "waiting up to 2 s" in done.stderr
    assert "going on without the optional packages fake-validator" in done.stderr
    assert not (tmp_path / "apt.log").exists()


@as_root
def test_the_lock_is_waited_for_and_then_the_packages_installed(tmp_path, held_lock):
    threading.Timer(1.5, held_lock.close).start()
    done = _run(tmp_path, "--optional", "fake-validator", wait=30)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "apt.log").read_text()
    assert "install" in log and "fake-validator" in log


@as_root
def test_needed_packages_behind_a_busy_lock_fail_in_words(tmp_path, held_lock):
    done = _run(tmp_path, "--optional", "fake-validator", wait=2, missing="libegl1")
    assert done.returncode == 1
    assert "cannot install libegl1" in done.stderr and "sudo apt-get install" in done.stderr
