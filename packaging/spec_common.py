"""What both PyInstaller specs share: staged sources, hidden imports, excludes and pruning.

The specs (``fdgui.spec``, ``fdgui-onefile.spec``) import this module; ``packaging/build``
runs them. Nothing here runs at the app's run time.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "fdgui"
APP_ID = "io.github.fdgui.fdgui"
LAUNCHER = ROOT / "packaging" / "fdgui_launcher.py"

# Qt modules the app never imports. QtOpenGL and QtOpenGLWidgets stay: pyqtgraph imports
# them, and a bundle without them crashes on start (measured with PyInstaller 6).
QT_UNUSED = [
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtAxContainer",
    "QtBluetooth",
    "QtCanvasPainter",
    "QtCharts",
    "QtConcurrent",
    "QtDataVisualization",
    "QtDBus",
    "QtDesigner",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHelp",
    "QtHttpServer",
    "QtLabsStyleKit",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetwork",
    "QtNetworkAuth",
    "QtNfc",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtPrintSupport",
    "QtQml",
    "QtQmlFeatures",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtSvgWidgets",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
]

# Python packages that are in a developer's venv but never in the app: test tools, the
# optional peers used by benchmarks, torch (the network check runs on numpy), other Qt
# bindings that pyqtgraph would otherwise consider.
PY_UNUSED = [
    "tkinter",
    "_tkinter",
    # torch and JAX serve probe files, which run in a Python of the person's own (a probe
    # process), never inside the bundle: without these two lines they add about 350 MB.
    "torch",
    "jax",
    "jaxlib",
    "scipy",
    "numdifftools",
    "sympy",
    "pandas",
    "matplotlib",
    "IPython",
    "pytest",
    "_pytest",  # pytest's own package (the name above is only its front): with pygments,
    "pluggy",  # which it pulls in for coloured tracebacks, about 2.5 MB nothing at run
    "pygments",  # time imports (the test tools are installed beside the app in a venv)
    "iniconfig",
    "pytestqt",
    "hypothesis",
    "PIL",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "pyqtgraph.examples",
    "pyqtgraph.opengl",
    "pyqtgraph.jupyter",
    "setuptools",
    "pkg_resources",
    # TLS and OpenSSL's hashes: nothing in fdgui talks to a network. hashlib falls back to
    # Python's own implementations. Saves libssl and libcrypto (about 5.5 MB).
    "ssl",
    "_ssl",
    "_hashlib",
    # Interactive line editing (pdb, the REPL) and the East Asian legacy codecs: about 2 MB.
    "readline",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_multibytecodec",
    # asyncio: nothing in fdgui, pyqtgraph or numpy imports it at run time (checked with
    # python -X importtime over --smoke --all-panels): about 0.6 MB with its C module.
    "asyncio",
    "_asyncio",
]

# Data files nobody reads: pyqtgraph's own application icon (about 1 MB), used only when
# pyqtgraph creates the QApplication itself, which fdgui does.
DATA_UNUSED = ("pyqtgraph/icons/peegee/*",)

# Taken from the system instead of the bundle. D-Bus is on every Linux desktop, and the
# bundled copy drags in libsystemd, libgcrypt, libgpg-error, liblz4 and libcap (2.9 MB).
SYSTEM_LIBRARIES = ("libdbus-1.so.3",)

EXCLUDES = [f"PySide6.{name}" for name in QT_UNUSED] + PY_UNUSED

# Qt plugins kept, as globs over paths relative to PySide6/Qt/plugins. Everything else goes.
# platforms: xcb (X11 and XWayland), wayland, offscreen (tests, headless), minimal.
# platformthemes: the portal theme only; the GTK one pulls in GTK and about 10 MB of libraries.
QT_PLUGINS_KEPT = (
    "platforms/libqxcb.so",
    "platforms/libqwayland*.so",
    "platforms/libqoffscreen.so",
    "platforms/libqminimal.so",
    "platforms/qwindows.dll",
    "platforms/qoffscreen.dll",
    "platforms/qminimal.dll",
    "platforms/libqcocoa.dylib",
    "platforms/libqoffscreen.dylib",
    "platforms/libqminimal.dylib",
    "platformthemes/libqxdgdesktopportal.so",
    "platforminputcontexts/*",
    "xcbglintegrations/*",
    "wayland-shell-integration/*",
    "wayland-decoration-client/*",
    "wayland-graphics-integration-client/*",
    "iconengines/*",
    "imageformats/*qsvg*",
    "imageformats/*qico*",
    "styles/*",
)


def stage_sources(work: Path) -> Path:
    """Lay the packages out as the wheel does, under work/stage, and return that folder.

    pyproject.toml maps ``fdgui.resources`` to the top-level ``resources/`` folder. A plain
    source checkout has no ``fdgui/resources``, so PyInstaller could not find that package
    there. Staging reads the mapping from pyproject.toml instead of repeating it.
    """
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools_config = config["tool"]["setuptools"]
    package_dirs = setuptools_config.get("package-dir", {})
    stage = work / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in sorted(setuptools_config["packages"], key=lambda name: name.count(".")):
        source = ROOT / package_dirs.get(package, package.replace(".", "/"))
        target = stage / package.replace(".", "/")
        shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)
    return stage


def resource_datas(stage: Path) -> list[tuple[str, str]]:
    """Every non-Python file of the staged resources tree, kept at fdgui/resources/..."""
    resources = stage / "fdgui" / "resources"
    datas = []
    for path in sorted(resources.rglob("*")):
        if path.is_file() and path.suffix not in {".py", ".pyc"}:
            target = PurePosixPath("fdgui/resources") / path.parent.relative_to(resources)
            datas.append((str(path), str(target)))
    return datas


# The probe process is a separate Python (the person's own, with their torch or JAX): it runs
# worker.py as a file and imports these next to it, so they ship as source, not only as bytecode
# inside the bundle's archive (which a foreign interpreter cannot read).
PROBE_SOURCES = (
    "fdgui/__init__.py",
    "fdgui/probe/__init__.py",
    "fdgui/probe/worker.py",
    "fdgui/probe/frames.py",
    "fdgui/probe/source.py",
    "fdgui/probe/progress.py",
    "fdgui/probe/watch.py",
    "fdgui/probe/torch_helper.py",
    "fdgui/probe/jax_helper.py",
)


def probe_datas(stage: Path) -> list[tuple[str, str]]:
    """The probe worker's own files, as source at fdgui/probe/... (see PROBE_SOURCES)."""
    return [(str(stage / name), str(PurePosixPath(name).parent)) for name in PROBE_SOURCES]


def _qt_relative(dest: str, part: str) -> str | None:
    """The path below Qt's plugins/ or translations/ folder, or None if dest is elsewhere.

    PySide6 keeps them in PySide6/Qt/ on Linux and macOS and directly in PySide6/ on Windows.
    """
    dest = dest.replace("\\", "/")
    for marker in (f"PySide6/Qt/{part}/", f"PySide6/{part}/"):
        if dest.startswith(marker) or f"/{marker}" in dest:
            return dest.split(marker, 1)[1]
    return None


def drop_unused_qt_files(toc: list[tuple[str, str, str]]) -> tuple[list, list[str]]:
    """Remove Qt translations (the app ships none) and plugins not in QT_PLUGINS_KEPT."""
    kept, dropped = [], []
    for entry in toc:
        dest = entry[0]
        if _qt_relative(dest, "translations") is not None:
            dropped.append(dest)
            continue
        plugin = _qt_relative(dest, "plugins")
        if plugin is not None and not any(fnmatch.fnmatch(plugin, g) for g in QT_PLUGINS_KEPT):
            dropped.append(dest)
            continue
        kept.append(entry)
    return kept, dropped


def _needed(path: str) -> list[str]:
    """DT_NEEDED sonames of an ELF file (empty if readelf is missing or it is no ELF)."""
    try:
        out = subprocess.run(
            ["readelf", "-d", path], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return []
    names = []
    for line in out.splitlines():
        if "(NEEDED)" in line and "[" in line:
            names.append(line.rsplit("[", 1)[1].rstrip("]"))
    return names


def _is_plain_library(dest: str) -> bool:
    """A shared library that is only loaded because another binary needs it."""
    name = PurePosixPath(dest).name
    if "/plugins/" in dest or "lib-dynload/" in dest:
        return False
    if (".abi3.so" in name and not name.startswith("lib")) or ".cpython-" in name:
        return False  # Python extension modules are imported by name
    return name.startswith("lib") and ".so" in name and not name.startswith("libpython")


def drop_unreachable_libraries(binaries: list) -> tuple[list, list[str]]:
    """Linux: drop libraries that no kept binary needs any more (after plugins went).

    Roots are Python extensions, Qt plugins and libpython; a library stays when a chain of
    DT_NEEDED entries leads to it from a root. SYSTEM_LIBRARIES go too, and what only they
    needed.
    """
    if not sys.platform.startswith("linux") or shutil.which("readelf") is None:
        return binaries, []
    system = [e for e in binaries if PurePosixPath(e[0]).name in SYSTEM_LIBRARIES]
    binaries = [e for e in binaries if e not in system]
    by_name: dict[str, list] = {}
    for entry in binaries:
        by_name.setdefault(PurePosixPath(entry[0]).name, []).append(entry)
    reachable: set[str] = set()
    queue = [e for e in binaries if not _is_plain_library(e[0])]
    seen_sources: set[str] = set()
    while queue:
        entry = queue.pop()
        source = entry[1]
        if source in seen_sources or not os.path.isfile(source):
            continue
        seen_sources.add(source)
        for soname in _needed(source):
            if soname in by_name and soname not in reachable:
                reachable.add(soname)
                queue.extend(by_name[soname])
    kept, dropped = [], []
    for entry in binaries:
        name = PurePosixPath(entry[0]).name
        if _is_plain_library(entry[0]) and name not in reachable:
            dropped.append(entry[0])
        else:
            kept.append(entry)
    return kept, [e[0] for e in system] + dropped


def drop_unused_data(datas: list) -> tuple[list, list[str]]:
    """Remove the DATA_UNUSED files."""
    kept, dropped = [], []
    for entry in datas:
        dest = entry[0].replace("\\", "/")
        if any(fnmatch.fnmatch(dest, pattern) for pattern in DATA_UNUSED):
            dropped.append(dest)
        else:
            kept.append(entry)
    return kept, dropped


def strip_selected(binaries: list, work: Path) -> list:
    """Strip libpython's symbols into a copy (saves about 17 MB on Linux).

    ``strip=True`` in the spec would strip every library, and that breaks numpy's bundled
    OpenBLAS; libpython is the one large library shipped with its symbols.
    """
    strip = shutil.which("strip")
    if not sys.platform.startswith("linux") or strip is None:
        return binaries
    out = []
    for dest, source, kind in binaries:
        if PurePosixPath(dest).name.startswith("libpython") and os.path.isfile(source):
            copy = work / "stripped" / PurePosixPath(dest).name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            subprocess.run([strip, "--strip-unneeded", str(copy)], check=True)
            source = str(copy)
        out.append((dest, source, kind))
    return out


def trim_icu(binaries: list, work: Path) -> list:
    """Swap Qt's ICU data library for a trimmed one (see icu_trim.py); about 28 MB less.

    Set FDGUI_FULL_ICU=1 to keep the original.
    """
    if os.environ.get("FDGUI_FULL_ICU") == "1":
        print("fdgui spec: FDGUI_FULL_ICU=1, keeping the full ICU data")
        return binaries
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import icu_trim
    finally:
        sys.path.pop(0)
    out = []
    for dest, source, kind in binaries:
        name = PurePosixPath(dest).name
        if name.startswith("libicudata.so") and kind == "BINARY" and os.path.isfile(source):
            trimmed = icu_trim.trim(Path(source), work / "icu")
            source = str(trimmed) if trimmed else source
        out.append((dest, source, kind))
    return out


def slim(analysis, work: Path) -> None:
    """Apply every size cut to a finished Analysis, and say what went."""
    binaries, dropped_plugins = drop_unused_qt_files(list(analysis.binaries))
    datas, dropped_data = drop_unused_qt_files(list(analysis.datas))
    datas, dropped_unused = drop_unused_data(datas)
    dropped_data += dropped_unused
    binaries, dropped_libs = drop_unreachable_libraries(binaries)
    binaries = strip_selected(binaries, work)
    binaries = trim_icu(binaries, work)
    analysis.binaries = binaries
    analysis.datas = datas
    report = work / "slimmed.txt"
    report.write_text(
        "\n".join(
            [
                "# dropped Qt plugins and translations",
                *dropped_plugins,
                *dropped_data,
                "# dropped libraries nothing kept needs",
                *dropped_libs,
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"fdgui spec: dropped {len(dropped_plugins) + len(dropped_data)} Qt plugin/translation "
        f"files and {len(dropped_libs)} unneeded libraries (list in {report})"
    )


def link_cli(folder: Path, executable: str = APP_NAME) -> Path | None:
    """Put an ``fdgui-cli`` link to the bundle's executable beside it (not on Windows).

    The launcher runs the command-line tool when it is started under that name.
    """
    if sys.platform.startswith("win"):
        return None
    link = folder / f"{APP_NAME}-cli"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(executable)
    return link


def icon_file(work: Path) -> str | None:
    """The icon PyInstaller sets on the executable: .ico on Windows, .icns on macOS."""
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import make_icons
    finally:
        sys.path.pop(0)
    path = make_icons.icon_for_platform(work / "icon")
    return str(path) if path else None
