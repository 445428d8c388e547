"""PyInstaller bundles (marked ``packaging``) and the helpers the specs use.

The one-folder build runs in the default suite (about 25 s here): it is built into a
temporary folder, outside the source tree, and its ``--smoke --all-panels`` must report
every panel working. The one-file build takes about 45 s more and runs only with
FDGUI_TEST_ONEFILE=1. ``pytest -m "not packaging"`` leaves all bundle builds out.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import icu_trim  # noqa: E402
import make_icons  # noqa: E402
import spec_common  # noqa: E402

sys.path.pop(0)

PYSIDE_LIB = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"
SIZE_GOAL_BYTES = 150 * 10**6


def _run_build(variant: str, tmp_path: Path) -> dict:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: pip install -e '.[packaging]'")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build"),
            variant,
            "--json",
            "--python",
            sys.executable,
            "--dist",
            str(tmp_path / "dist"),
            "--work",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=480,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _smoke(executable: Path, *flags: str) -> dict:
    result = subprocess.run(
        [str(executable), "--smoke", *flags],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the bundles ---------------------------------------------------------------------------


@pytest.mark.packaging
@pytest.mark.slow
def test_one_folder_bundle_starts_every_panel_and_carries_its_resources(tmp_path):
    built = _run_build("onefolder", tmp_path)
    bundle = Path(built["path"])
    assert bundle == tmp_path / "dist" / "fdgui"
    executable = bundle / ("fdgui.exe" if sys.platform.startswith("win") else "fdgui")

    report = _smoke(executable, "--all-panels")
    assert report["ok"] is True
    assert report["gradient"] == "0.5"
    assert report["panels"] and set(report["panels"].values()) == {"ok"}, report

    resources = bundle / "_internal" / "fdgui" / "resources"
    for size in make_icons.PNG_SIZES:
        assert (resources / "icons" / f"fdgui-{size}.png").is_file()
    assert list((resources / "help").glob("*.html"))
    assert list(bundle.rglob("_ml_dtypes_ext*")), "ml_dtypes (bfloat16) is imported lazily"
    assert not list(bundle.rglob("translations/*.qm"))  # the app ships no translations
    assert not list(bundle.rglob("libqgtk3*"))  # the GTK theme pulls in all of GTK
    assert not list(bundle.rglob("libQt6Quick*")) and not list(bundle.rglob("*WebEngine*"))
    assert not list(bundle.rglob("torch")) and not list(bundle.rglob("scipy"))
    if shutil.which("cc") or shutil.which("gcc"):  # without a compiler ICU stays whole
        print(f"\none-folder bundle: {built['bytes'] / 1e6:.1f} MB")  # README's figure (-s)
        assert built["bytes"] < SIZE_GOAL_BYTES, f"{built['bytes'] / 1e6:.1f} MB"
    if not sys.platform.startswith("win"):
        _check_bundled_cli(bundle / "fdgui-cli", tmp_path)


def _check_bundled_cli(cli: Path, folder: Path) -> None:
    """The bundle's fdgui-cli runs the core, bfloat16 (ml_dtypes) included, and probes written
    into ``folder``."""
    import math

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=120)

    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("fdgui "), version.stderr
    sweep = run("sweep", "--expr", "sin(w)*exp(-w**2)", "--at", "0.7", "--dtype", "bfloat16",
                "--points", "60", "--json")  # fmt: skip
    assert sweep.returncode == 0, sweep.stdout + sweep.stderr
    report = json.loads(sweep.stdout)
    w = report["point"]
    assert w == 179 / 256  # 0.7 rounded to bfloat16's 8 significant bits
    exact = (math.cos(w) - 2 * w * math.sin(w)) * math.exp(-w * w)
    central = report["schemes"]["central"]["best_estimate"]
    assert abs(central - exact) / abs(exact) < 0.05  # bfloat16 keeps about 2 digits
    check = run("netcheck", "--mode", "sample", "--json")
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["verdict"] == "pass"
    # A probe runs in the person's own Python (here the test's, which has numpy and torch):
    # the bundle has neither torch nor a Python of its own to run the probe worker with. Small
    # probes (a full check of examples/torch_custom_function.py took 10 s of CPU here): a torch
    # one through the bundle's torch_probe helper, and a numpy one with a wrong gradient.
    for name, body, verdict in (("torch_linear.py", TINY_TORCH, "pass"),
                                ("numpy_wrong.py", TINY_WRONG, "fail")):  # fmt: skip
        (folder / name).write_text(body, encoding="utf-8")
        probe = run("netcheck", "--probe", str(folder / name),
                    "--python", sys.executable, "--json")  # fmt: skip
        assert probe.returncode == (0 if verdict == "pass" else 1), probe.stdout + probe.stderr
        assert json.loads(probe.stdout)["verdict"] == verdict


TINY_TORCH = """
import torch
from fdgui.probe import torch_probe
torch.manual_seed(0)
x, y = torch.randn(8, 3), torch.randn(8, 1)
probe = torch_probe(torch.nn.Linear(3, 1), torch.nn.functional.mse_loss, (x, y))
"""
TINY_WRONG = """
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1])
def loss(theta):
    return float(np.sum(np.sin(theta) * theta))
def grad(theta):  # the last entry 10% too large
    return (np.sin(theta) + theta * np.cos(theta)) * np.array([1.0, 1.0, 1.1])
"""


@pytest.mark.packaging
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("FDGUI_TEST_ONEFILE") != "1",
    reason="the one-file build takes about 45 s more; run with FDGUI_TEST_ONEFILE=1",
)
def test_one_file_bundle_starts(tmp_path):
    built = _run_build("onefile", tmp_path)
    executable = Path(built["path"])
    assert executable.is_file() and built["files"] == 1
    report = _smoke(executable, "--all-panels")
    assert report["ok"] is True and set(report["panels"].values()) == {"ok"}, report
    if not sys.platform.startswith("win"):
        _check_bundled_cli(executable.parent / "fdgui-cli", tmp_path)


# --- what the specs are made of ------------------------------------------------------------


def test_staging_lays_out_resources_as_the_wheel_does(tmp_path):
    stage = spec_common.stage_sources(tmp_path)
    assert (stage / "fdgui" / "app.py").is_file()
    assert (stage / "fdgui" / "resources" / "__init__.py").is_file()
    assert (stage / "fdgui" / "resources" / "icons" / "fdgui-16.png").is_file()
    assert (stage / "fdgui" / "resources" / "help" / "__init__.py").is_file()
    assert not list(stage.rglob("__pycache__"))
    targets = {target for _, target in spec_common.resource_datas(stage)}
    assert {"fdgui/resources", "fdgui/resources/icons", "fdgui/resources/help"} <= targets


def test_unused_qt_plugins_and_translations_are_dropped_and_the_needed_ones_kept():
    toc = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", "x", "BINARY"),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", "x", "BINARY"),
        ("PySide6/Qt/translations/qtbase_de.qm", "x", "DATA"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "x", "BINARY"),
        ("PySide6\\plugins\\platforms\\qwindows.dll", "x", "BINARY"),  # Windows layout
        ("PySide6\\plugins\\generic\\qtuiotouchplugin.dll", "x", "BINARY"),
        ("PySide6\\translations\\qtbase_fr.qm", "x", "DATA"),
    ]
    kept, dropped = spec_common.drop_unused_qt_files(toc)
    assert [entry[0].replace("\\", "/").rsplit("/", 1)[1] for entry in kept] == [
        "libqxcb.so",
        "libqoffscreen.so",
        "libqsvg.so",
        "libQt6Core.so.6",
        "qwindows.dll",
    ]
    assert len(dropped) == 6


def test_excludes_keep_the_qt_modules_pyqtgraph_needs():
    # Without these the bundle crashes on import (pyqtgraph imports them unconditionally).
    for needed in ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSvg", "pydoc"):
        assert needed not in spec_common.EXCLUDES
    assert "PySide6.QtWebEngineCore" in spec_common.EXCLUDES
    assert "torch" in spec_common.EXCLUDES


# --- icons ---------------------------------------------------------------------------------


def test_committed_pngs_are_rendered_from_the_current_svg():
    from PySide6.QtGui import QImage

    for size in (16, 64, 256):
        fresh = QImage.fromData(make_icons.render_png(size))
        committed = QImage(str(ROOT / "resources" / "icons" / f"fdgui-{size}.png"))
        assert fresh.size() == committed.size()
        fresh_rgba = fresh.convertToFormat(QImage.Format.Format_RGBA8888)
        committed_rgba = committed.convertToFormat(QImage.Format.Format_RGBA8888)
        pairs = zip(bytes(fresh_rgba.constBits()), bytes(committed_rgba.constBits()), strict=True)
        diff = sum(abs(a - b) for a, b in pairs)
        # Anti-aliasing may differ by a unit here and there between Qt versions; an edited
        # SVG that was not re-rendered (`python packaging/make_icons.py --png
        # resources/icons`) differs by far more.
        assert diff / (size * size * 4) < 1.0, f"fdgui-{size}.png is out of date"


def test_ico_and_icns_hold_the_pngs_they_announce():
    pngs = {size: make_icons.render_png(size) for size in (16, 32, 256)}
    ico = make_icons.ico_bytes(pngs)
    reserved, kind, count = __import__("struct").unpack_from("<HHH", ico, 0)
    assert (reserved, kind, count) == (0, 1, 3)
    for index, size in enumerate(sorted(pngs)):
        width, _h, _c, _r, _p, _b, length, offset = __import__("struct").unpack_from(
            "<BBBBHHII", ico, 6 + 16 * index
        )
        assert width == (0 if size == 256 else size)
        assert make_icons.png_size(ico[offset : offset + length]) == (size, size)

    icns = make_icons.icns_bytes(pngs)
    assert icns[:4] == b"icns"
    assert int.from_bytes(icns[4:8], "big") == len(icns)
    position, found = 8, {}
    while position < len(icns):
        kind, length = (
            icns[position : position + 4],
            int.from_bytes(icns[position + 4 : position + 8], "big"),
        )
        found[kind] = make_icons.png_size(icns[position + 8 : position + length])
        position += length
    assert found[b"icp4"] == (16, 16) and found[b"ic08"] == (256, 256)
    assert found[b"ic11"] == (32, 32)  # 16 px at 2x


def test_pillow_reads_the_generated_icons_when_it_is_installed(tmp_path):
    pytest.importorskip("PIL", reason="Pillow (the packaging extra) is not installed")
    ico = make_icons.write_ico(tmp_path / "fdgui.ico")
    icns = make_icons.write_icns(tmp_path / "fdgui.icns")
    assert "ICO" in make_icons.verify(ico) and "(256, 256)" in make_icons.verify(ico)
    assert "ICNS" in make_icons.verify(icns) and "(512, 512, 2)" in make_icons.verify(icns)


# --- the trimmed ICU data ------------------------------------------------------------------


def _icu_library() -> Path:
    found = sorted(PYSIDE_LIB.glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not found:
        pytest.skip("PySide6 ships its own ICU only on Linux")
    return found[0]


def test_icu_package_survives_a_read_write_round_trip():
    library = _icu_library()
    data = library.read_bytes()
    _, offset, size = icu_trim._elf_symbol(data, __import__("re").compile(r"icudt\d+_dat"))
    header, items = icu_trim.read_package(data[offset : offset + size])
    again_header, again_items = icu_trim.read_package(icu_trim.write_package(header, items))
    assert again_header == header
    # Items come back whole; padding to 16 bytes may add trailing zeros.
    for (name, blob), (again_name, again_blob) in zip(items, again_items, strict=True):
        assert name == again_name
        assert again_blob[: len(blob)] == blob and not again_blob[len(blob) :].strip(b"\0")


def test_trimmed_icu_still_starts_collates_and_converts_western_text(tmp_path):
    library = _icu_library()
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler (cc): the build keeps the full ICU data")
    trimmed = icu_trim.trim(library, tmp_path / "out")
    assert trimmed is not None and trimmed.stat().st_size < library.stat().st_size / 4
    version = library.name.rsplit(".", 1)[1]
    folder = tmp_path / "icu"
    folder.mkdir()
    for name in (f"libicuuc.so.{version}", f"libicui18n.so.{version}"):
        shutil.copy2(PYSIDE_LIB / name, folder / name)  # their RUNPATH is $ORIGIN
    shutil.copy2(trimmed, folder / library.name)
    probe = f"""
import ctypes, json
uc = ctypes.CDLL({str(folder / f"libicuuc.so.{version}")!r})
i18n = ctypes.CDLL({str(folder / f"libicui18n.so.{version}")!r})
def status(call, *args):
    err = ctypes.c_int(0)
    call.restype = ctypes.c_void_p
    handle = call(*args, ctypes.byref(err))
    return err.value, bool(handle)
err = ctypes.c_int(0); uc.u_init_{version}(ctypes.byref(err))
print(json.dumps({{
    "init": err.value,
    "collator": status(i18n.ucol_open_{version}, b"en"),
    "cp1252": status(uc.ucnv_open_{version}, b"windows-1252"),
    "latin2": status(uc.ucnv_open_{version}, b"ISO-8859-2"),
    "shift_jis": status(uc.ucnv_open_{version}, b"Shift_JIS"),
}}))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["init"] <= 0  # U_ZERO_ERROR or a warning
    for kept in ("collator", "cp1252", "latin2"):
        assert result[kept][0] <= 0 and result[kept][1], (kept, result)
    assert result["shift_jis"][0] > 0 and not result["shift_jis"][1]  # dropped on purpose


def test_each_platform_gets_the_icon_format_it_needs(tmp_path):
    assert make_icons.icon_for_platform(tmp_path, "linux") is None  # window icon from PNGs
    ico = make_icons.icon_for_platform(tmp_path, "win32")
    icns = make_icons.icon_for_platform(tmp_path, "darwin")
    assert ico.suffix == ".ico" and ico.read_bytes()[:4] == b"\0\0\1\0"
    assert icns.suffix == ".icns" and icns.read_bytes()[:4] == b"icns"


def test_the_bundle_ships_every_fdgui_module_the_probe_worker_imports():
    """The probe worker runs as a file in another interpreter: each fdgui module it (or a
    helper a probe imports) reaches must be in spec_common.PROBE_SOURCES, shipped as source."""
    import ast

    shipped = set(spec_common.PROBE_SOURCES)
    assert "fdgui/probe/worker.py" in shipped
    for name in sorted(shipped):
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for module in modules:
                if module.split(".")[0] != "fdgui":
                    continue
                path = module.replace(".", "/")
                if (ROOT / f"{path}.py").is_file():
                    assert f"{path}.py" in shipped, f"{name} imports {module}"
                elif (ROOT / path).is_dir():
                    assert f"{path}/__init__.py" in shipped, f"{name} imports {module}"
