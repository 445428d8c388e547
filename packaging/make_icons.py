"""Render the application icon from resources/fdgui.svg into the sizes each platform needs.

    python packaging/make_icons.py --png resources/icons      # the committed PNG set
    python packaging/make_icons.py --ico build/fdgui.ico      # Windows (PyInstaller icon=)
    python packaging/make_icons.py --icns build/fdgui.icns    # macOS (PyInstaller icon=)
    python packaging/make_icons.py --for-platform build/      # whichever this platform needs

The SVG is rasterised with Qt's own SVG renderer (PySide6 is already a dependency), so no
extra tool is needed. An .ico and an .icns are both containers of PNG images: this module
writes them directly with the standard library. Pillow, when installed (the ``packaging``
extra), is used only by ``--verify`` to read the files back as an independent check.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "fdgui.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Apple icon types that hold PNG data, with the pixel size each one holds.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(size: int, svg: Path = SVG) -> bytes:
    """Return the icon drawn at size x size pixels as PNG bytes (transparent corners)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: Qt cannot read this SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # Format_ARGB32 keeps the PNG plain RGBA; compression 9 keeps the committed files small.
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG", 0)
    buffer.close()
    return bytes(data.data())


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose entries are PNG images (supported since Windows Vista)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images for every type whose size is in pngs."""
    chunks = [
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for kind, size in ICNS_TYPES
        if size in pngs
    ]
    body = b"".join(chunks)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_pngs(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        path = out_dir / f"fdgui-{size}.png"
        path.write_bytes(render_png(size))
        written.append(path)
    return written


def write_ico(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ico_bytes({size: render_png(size) for size in ICO_SIZES}))
    return path


def write_icns(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sizes = sorted({size for _, size in ICNS_TYPES})
    path.write_bytes(icns_bytes({size: render_png(size) for size in sizes}))
    return path


def icon_for_platform(out_dir: Path, platform: str = sys.platform) -> Path | None:
    """Write the icon file PyInstaller wants on this platform; None where it wants none."""
    if platform.startswith("win"):
        return write_ico(out_dir / "fdgui.ico")
    if platform == "darwin":
        return write_icns(out_dir / "fdgui.icns")
    return None  # Linux: the window icon comes from the PNGs; executables carry no icon


def verify(path: Path) -> str:
    """Read an icon file back with Pillow (independent of this module) and describe it."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        sizes = sorted(image.info.get("sizes", {image.size}))
        return f"{path.name}: {image.format} {sizes}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, metavar="DIR", help="write fdgui-<size>.png here")
    parser.add_argument("--ico", type=Path, metavar="FILE", help="write a Windows .ico")
    parser.add_argument("--icns", type=Path, metavar="FILE", help="write a macOS .icns")
    parser.add_argument(
        "--for-platform", type=Path, metavar="DIR", help="write what this platform needs"
    )
    parser.add_argument("--verify", action="store_true", help="read results back with Pillow")
    args = parser.parse_args(argv)
    written: list[Path] = []
    if args.png:
        written += write_pngs(args.png)
    if args.ico:
        written.append(write_ico(args.ico))
    if args.icns:
        written.append(write_icns(args.icns))
    if args.for_platform:
        icon = icon_for_platform(args.for_platform)
        if icon is not None:
            written.append(icon)
    if not written and not args.for_platform:
        parser.error("say what to write: --png, --ico, --icns or --for-platform")
    for path in written:
        print(verify(path) if args.verify else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
