"""Rebuild Qt's ICU data library (libicudata, about 32 MB) with only the data fdgui can use.

Qt 6 links ICU, whose data library holds every locale's names, calendars, collation rules,
word-break dictionaries and legacy text encodings. fdgui formats numbers with QLocale (Qt's
own CLDR tables), shows text with Qt's own Unicode tables, and never sorts by locale, so
most of that data is never read. This module keeps the structural files ICU needs to start,
the root and English locales, root collation, time zones, normalisation, and every
single-byte code page; it drops the rest and links the remaining package into a new
``libicudata.so.NN`` exporting the same ``icudtNN_dat`` symbol.

Linux only; it needs a C compiler (``cc``). ``trim()`` returns None, and the build keeps the
original library, whenever anything here is unavailable or a check fails.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

# Items kept by name pattern, relative to the package prefix (e.g. "icudt73l/").
KEEP_PREFIXES = ("coll/root", "coll/ucadata", "coll/res_index", "zone/root", "zone/res_index")
DROP_DIRECTORIES = ("brkitr", "coll", "curr", "lang", "rbnf", "region", "translit", "unit", "zone")
LOCALE_KEPT = re.compile(r"^(root|en|en_US|en_GB|en_001|en_150)\.res$")
LOCALE_NAME = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")
SINGLE_BYTE_CNV_LIMIT = 16 * 1024  # code pages of this size or less are single-byte ones


def _elf_symbol(data: bytes, wanted: re.Pattern[str]) -> tuple[str, int, int]:
    """Name, file offset and size of the first dynamic symbol matching wanted (ELF64 LE)."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian 64-bit ELF file")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    for section in sections:
        if section[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[section[6]]
        for offset in range(section[4], section[4] + section[5], 24):
            name_off, _info, _other, shndx, value, size = struct.unpack_from(
                "<IBBHQQ", data, offset
            )
            start = strtab[4] + name_off
            name = data[start : data.index(b"\0", start)].decode()
            if wanted.fullmatch(name):
                holder = sections[shndx]
                return name, holder[4] + value - holder[3], size
    raise ValueError("symbol not found")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Split an ICU common data package ("CmnD") into its header and named items."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = blob[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    ends = [data_offset for _, data_offset in entries[1:]] + [len(toc)]
    items = []
    for (name_offset, data_offset), end in zip(entries, ends, strict=True):
        name = toc[name_offset : toc.index(b"\0", name_offset)].decode("ascii")
        items.append((name, toc[data_offset:end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The inverse of read_package: names sorted (ICU searches them by bisection)."""
    items = sorted(items, key=lambda item: item[0].encode("ascii"))
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    names_start = 4 + 8 * len(items)
    data_start = (names_start + len(names) + 15) // 16 * 16
    table, body, name_offset, data_offset = [], [], names_start, data_start
    for name, data in items:
        table.append(struct.pack("<II", name_offset, data_offset))
        name_offset += len(name) + 1
        padded = data + b"\0" * (-len(data) % 16)
        body.append(padded)  # joined once: += on bytes copies the whole body every item
        data_offset += len(padded)
    toc = struct.pack("<I", len(items)) + b"".join(table) + names
    toc += b"\0" * (data_start - len(toc))
    return b"".join([header, toc, *body])


def keep_item(relative: str, data: bytes) -> bool:
    """Whether fdgui's bundle keeps this item (name without the package prefix)."""
    if relative.startswith(KEEP_PREFIXES):
        return True
    directory = relative.split("/", 1)[0] if "/" in relative else ""
    if directory in DROP_DIRECTORIES:
        return False
    if relative.endswith(".dict"):
        return False
    if relative.endswith(".cnv"):
        return len(data) <= SINGLE_BYTE_CNV_LIMIT
    if (
        not directory
        and LOCALE_NAME.match(relative)
        and not relative.startswith(("pool", "res_index", "likelySubtags", "supplementalData"))
    ):
        return bool(LOCALE_KEPT.match(relative))
    return True


def trim(library: Path, out_dir: Path) -> Path | None:
    """Write a trimmed copy of library into out_dir and return it, or None if not possible."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not sys.platform.startswith("linux") or compiler is None:
        print("icu_trim: needs Linux and a C compiler (cc); keeping the full ICU data")
        return None
    data = library.read_bytes()
    try:
        symbol, offset, size = _elf_symbol(data, re.compile(r"icudt\d+_dat"))
        header, items = read_package(data[offset : offset + size])
    except ValueError as error:
        print(f"icu_trim: {library.name}: {error}; keeping the full ICU data")
        return None
    prefix = items[0][0].split("/", 1)[0] + "/"
    kept = [(n, d) for n, d in items if keep_item(n.removeprefix(prefix), d)]
    out_dir.mkdir(parents=True, exist_ok=True)
    package = out_dir / f"{prefix.rstrip('/')}.dat"
    package.write_bytes(write_package(header, kept))
    assembly = out_dir / "icudata.S"
    assembly.write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
        f'{symbol}:\n\t.incbin "{package}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="utf-8",
    )
    output = out_dir / library.name
    soname = re.sub(r"(\.so\.\d+).*$", r"\1", library.name)
    result = subprocess.run(
        [
            compiler,
            "-shared",
            "-nostdlib",
            f"-Wl,-soname,{soname}",
            "-o",
            str(output),
            str(assembly),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"icu_trim: {compiler} failed ({result.stderr.strip()}); keeping the full ICU data")
        return None
    print(
        f"icu_trim: {library.name}: kept {len(kept)} of {len(items)} items, "
        f"{size / 1e6:.1f} MB -> {output.stat().st_size / 1e6:.1f} MB"
    )
    return output
