"""Session files (``.fdgui.json``): the schema, its checks, and atomic reading and writing.

No Qt here, so the CLI (``fdgui-cli calc --session FILE``) and the window share one reader
and one writer. The format is documented in docs/SESSION-FORMAT.md. A file is refused whole
(``SessionError``, one sentence) when it is not a session of a version this fdgui reads:
too large, not UTF-8 JSON, not an object, another program's file, a newer version, panels
that are not objects. What is inside a panel is checked by that panel's ``restore()``, which
skips and names a bad entry and restores the rest.

Writes are atomic: a temporary file in the same folder, flushed and fsynced, then renamed
over the target (and the folder fsynced), so a crash leaves the old file or the new one,
never half of one. The file keeps its permissions (a new one follows the umask), and a
symbolic link is followed: its target is replaced, the link stays.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "fdgui-session"
VERSION = 1
SUFFIX = ".fdgui.json"
#: larger files are refused before they are read (100,000 measurements take about 6 MB);
#: the writers refuse to write larger ones too, so every file written can be read back
MAX_BYTES = 32 * 1024 * 1024
#: the columns of a compact table (the calculator's history): {"columns": [...], "rows": [[...]]}
HISTORY_COLUMNS = ("epsilon", "loss_plus", "loss_minus", "loss")


class SessionError(Exception):
    """A file that is not a session this fdgui can open; ``str()`` is one sentence."""


class SessionTooLarge(OSError):
    """A session that would be larger than ``MAX_BYTES``: not written (it could not be read
    back). An OSError, so every writer's failure path says it; ``strerror`` is one sentence."""

    def __init__(self, size: int) -> None:
        super().__init__(errno.EFBIG, f"the session would be {too_large(size)}")


def too_large(size: int) -> str:
    """``size`` bytes against the limit, exactly (for the reader's and writers' messages)."""
    return (
        f"{size:,} bytes ({size / 2**20:.1f} MB), more than the {MAX_BYTES:,} bytes "
        f"({MAX_BYTES // 2**20} MB) a session may hold; delete or export rows of the "
        "measurement history to make it smaller"
    )


@dataclass
class Session:
    """What a session file holds: every panel's ``state()`` by panel key, plus notes."""

    panels: dict[str, Any] = field(default_factory=dict)
    saved_at: str = ""
    app_version: str = ""


def data_dir() -> Path:
    """The per-user data folder (``FDGUI_DATA_DIR`` overrides it; tests use that)."""
    override = os.environ.get("FDGUI_DATA_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "fdgui"


def autosave_path() -> Path:
    return data_dir() / f"autosave{SUFFIX}"


def previous_autosave_path() -> Path:
    """Where the work a newly opened (or new) session replaced is kept."""
    return data_dir() / f"autosave-previous{SUFFIX}"


#: how many earlier copies of replaced work are kept beside ``previous_autosave_path()``
PREVIOUS_KEPT = 5


def previous_copy_path(number: int) -> Path:
    """The ``number``-th older copy of replaced work (1: the one before the newest)."""
    return data_dir() / f"autosave-previous-{number}{SUFFIX}"


def rotate_previous() -> None:
    """Before new replaced work is kept: the copy kept last moves to ``-1``, ``-1`` to ``-2``
    … (the oldest beyond ``PREVIOUS_KEPT`` goes), so a second replacement never overwrites
    the first one's work."""
    newest = previous_autosave_path()
    if not newest.exists():
        return
    for number in range(PREVIOUS_KEPT, 0, -1):
        source = newest if number == 1 else previous_copy_path(number - 1)
        with contextlib.suppress(OSError):
            if source.exists():
                os.replace(source, previous_copy_path(number))


def preferences_path() -> Path:
    """Small preferences (recent files) beside the autosave."""
    return data_dir() / "preferences.json"


# --- encoding ------------------------------------------------------------------------------
def document(session: Session) -> dict[str, Any]:
    """The JSON document of ``session``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": session.saved_at,
        "app_version": session.app_version,
        "panels": session.panels,
    }


def dumps(session: Session) -> bytes:
    """The file's bytes (compact JSON: a long history stays small and fast to read)."""
    return assemble(dumps_panels(session.panels), session.saved_at, session.app_version)


class EncodedJSON:
    """A value already written as JSON text: ``dumps_panels`` puts it in as it is. A long
    history is encoded once (off the GUI thread, a piece at a time) and kept while it does
    not change, instead of being encoded again by every autosave in one call that holds the
    interpreter for 20–25 ms at 100,000 rows (the window cannot paint meanwhile)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EncodedJSON) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


#: characters of a long string encoded per call: each call holds the interpreter ~0.1 ms
_ENCODE_PIECE = 1 << 16


def encoded_string(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``, the same characters, made a piece at a
    time (JSON escapes each character on its own, so the pieces join exactly)."""
    from json.encoder import encode_basestring

    if len(text) <= _ENCODE_PIECE:
        return encode_basestring(text)
    pieces = [
        encode_basestring(text[start : start + _ENCODE_PIECE])[1:-1]
        for start in range(0, len(text), _ENCODE_PIECE)
    ]
    return '"' + "".join(pieces) + '"'


def encode_table_json(lines: list[str], columns: tuple[str, ...] = HISTORY_COLUMNS) -> EncodedJSON:
    """``encode_table(lines, columns)`` as ``dumps_panels`` writes it, already encoded."""
    head = json.dumps(list(columns), ensure_ascii=False, separators=(",", ":"))
    return EncodedJSON('{"columns":' + head + ',"text":' + encoded_string("\n".join(lines)) + "}")


def _with_placeholders(value: Any, found: dict[str, str], token: str) -> Any:
    """``value`` with each EncodedJSON (a value of a dict, at any depth of dicts) replaced
    by a placeholder string whose JSON text ``found`` maps to the encoded text."""
    if isinstance(value, EncodedJSON):
        marker = f"{token}{len(found)}"
        found[json.dumps(marker)] = value.text
        return marker
    if isinstance(value, dict):
        return {key: _with_placeholders(item, found, token) for key, item in value.items()}
    return value


def dumps_panels(panels: dict[str, Any]) -> bytes:
    """The panels' part of a file, alone (to tell whether anything changed since a save).
    Values already encoded (EncodedJSON) are put in as they are."""
    import uuid

    found: dict[str, str] = {}
    panels = _with_placeholders(panels, found, f"fdgui-encoded-{uuid.uuid4().hex}-")
    text = json.dumps(panels, ensure_ascii=False, separators=(",", ":"))
    for marker, encoded in found.items():
        head, tail = text.split(marker, 1)
        text = head + encoded + tail
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a pasted half character): never fail
        return text.encode("utf-8", "replace")


def assemble(panels_json: bytes, saved_at: str = "", app_version: str = "") -> bytes:
    """A whole file from the panels' part made by ``dumps_panels``; SessionTooLarge (an
    OSError) when it would be larger than the readers accept."""
    head = json.dumps(
        {"format": FORMAT, "version": VERSION, "saved_at": saved_at, "app_version": app_version},
        separators=(",", ":"),
    ).encode("utf-8")
    data = head[:-1] + b',"panels":' + panels_json + b"}"
    if len(data) > MAX_BYTES:
        raise SessionTooLarge(len(data))
    return data


def encode_table(lines: list[str], columns: tuple[str, ...] = HISTORY_COLUMNS) -> dict[str, Any]:
    """Rows as {"columns": [...], "text": "one row per line, cells separated by tabs"}:
    one JSON string reads many times faster than a list of lists (100,000 rows: about 5 ms
    against 80 ms), and the cells (decimal numbers) never hold a tab or a newline."""
    return {"columns": list(columns), "text": "\n".join(lines)}


def row_line(row: Any) -> str:
    """One saved row as a line of ``encode_table``: cells joined by tabs; a row that is not
    a list of plain cells is kept as its JSON (it is then named when restored, not lost)."""
    if isinstance(row, dict) and all(isinstance(row.get(c, ""), str) for c in HISTORY_COLUMNS):
        row = [row.get(c, "") for c in HISTORY_COLUMNS]  # an older file may omit L
    if (
        isinstance(row, list)
        and all(isinstance(cell, str) for cell in row)
        and not any("\t" in cell or "\n" in cell for cell in row)
    ):
        return "\t".join(row)
    return json.dumps(row, ensure_ascii=False)


def table_rows(table: Any) -> tuple[list[Any] | str, int]:
    """The rows of a saved table, not yet split (the text form is split by whoever reads
    the rows, which may be a background job), and how many there are. Accepts the text
    form, {"columns", "rows": [[...]]} and a plain list of row dicts (older files).
    SessionError when it is none of these."""
    if isinstance(table, list):
        return table, len(table)
    if not isinstance(table, dict):
        raise SessionError("the measurement history is neither a list nor a table")
    columns = table.get("columns")
    if columns is not None and columns != list(HISTORY_COLUMNS):
        raise SessionError(f"the measurement history's columns are not {list(HISTORY_COLUMNS)}")
    text, rows = table.get("text"), table.get("rows")
    if isinstance(text, str):
        return text, (text.count("\n") + 1 if text else 0)
    if isinstance(rows, list):
        return rows, len(rows)
    raise SessionError("the measurement history has no rows")


def split_rows(rows: list[Any] | str) -> list[Any]:
    """``table_rows``'s rows as a list (a text is split into its lines)."""
    if isinstance(rows, str):
        return rows.split("\n") if rows else []
    return rows


def row_cells(row: Any) -> dict[str, str] | None:
    """One saved row (a line, a list or a dict) as {column: text}, or None if malformed."""
    if isinstance(row, str):
        row = row.split("\t")
    if isinstance(row, list) and len(row) == len(HISTORY_COLUMNS):
        row = dict(zip(HISTORY_COLUMNS, row, strict=True))
    if isinstance(row, dict) and all(isinstance(row.get(c, ""), str) for c in HISTORY_COLUMNS):
        return {c: row.get(c, "") for c in HISTORY_COLUMNS}
    return None


# --- decoding ------------------------------------------------------------------------------
def loads(data: bytes, name: str = "the file") -> Session:
    """Check and decode a session file's bytes; SessionError says why it is refused."""
    if len(data) > MAX_BYTES:
        raise SessionError(f"{name} is {too_large(len(data))}")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark some editors add is accepted
    except UnicodeDecodeError:
        raise SessionError(f"{name} is not a text file (not UTF-8)") from None
    if not text.strip():
        raise SessionError(f"{name} is empty")
    try:
        raw = json.loads(text)  # NaN/Infinity are read: each panel checks its numbers
    except RecursionError:
        raise SessionError(f"{name} is nested too deeply to be a session") from None
    except ValueError as error:  # JSONDecodeError, integers of thousands of digits
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise SessionError(
            f"{name} is not valid JSON{where}: it may be truncated or damaged"
        ) from None
    if "\\u" in text and _has_surrogate(raw):  # only an escape can make a lone surrogate
        raise SessionError(
            f"{name} holds text that is not valid Unicode (a lone surrogate \\ud800–\\udfff)"
        )
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SessionError(f'{name} is not an fdgui session (no "format": "{FORMAT}")')
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SessionError(f"{name} has no valid version number")
    if version > VERSION:
        raise SessionError(
            f"{name} was written by a newer fdgui (session version {version}; this fdgui "
            f"reads up to {VERSION}): update fdgui to open it"
        )
    panels = raw.get("panels")
    if not isinstance(panels, dict) or not all(
        isinstance(key, str) and isinstance(value, dict) for key, value in panels.items()
    ):
        raise SessionError(f"{name} has no panels, or a panel that is not an object")
    saved_at = raw.get("saved_at", "")
    app_version = raw.get("app_version", "")
    return Session(
        panels=panels,
        saved_at=saved_at if isinstance(saved_at, str) else "",
        app_version=app_version if isinstance(app_version, str) else "",
    )


def _has_surrogate(value: Any) -> bool:
    """Whether any string (key or value) in the decoded JSON holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_session(path: str | os.PathLike[str]) -> Session:
    """Read and check a session file; never changes it. SessionError says why it is refused
    (a missing or unreadable file included)."""
    path = Path(path)
    name = path.name or str(path)
    try:
        kind = os.stat(path).st_mode  # before opening: opening a FIFO would wait forever
        if stat.S_ISDIR(kind):
            raise IsADirectoryError
        if not stat.S_ISREG(kind):
            raise SessionError(f"{path} is not a regular file (a pipe or a device)")
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SessionError(f"{path} is not a regular file (a pipe or a device)")
            if size > MAX_BYTES:
                raise SessionError(f"{name} is {too_large(size)}")
            data = handle.read(MAX_BYTES + 1)
    except SessionError:
        raise
    except FileNotFoundError:
        raise SessionError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise SessionError(f"{path} is a folder, not a session file") from None
    except OSError as error:
        raise SessionError(f"{path} could not be read: {error.strerror or error}") from None
    return loads(data, name)


# --- writing -------------------------------------------------------------------------------
def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one: a
    temporary file beside it, flushed and fsynced, renamed over it. OSError on failure (the
    old file is then untouched and no temporary file is left)."""
    path = Path(os.path.realpath(path))  # through a symbolic link: its target is written
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        try:  # the file keeps its permissions; a new one gets what the umask gives
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        with contextlib.suppress(OSError):
            os.chmod(temporary, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    try:  # the rename itself survives a power cut once the folder is synced
        folder_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder_fd)
    except OSError:
        pass
    finally:
        os.close(folder_fd)


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux);
    elsewhere set and put back at once."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_session(path: str | os.PathLike[str], session: Session) -> None:
    write_atomic(path, dumps(session))


def keep_broken(path: str | os.PathLike[str]) -> Path | None:
    """Move a damaged file aside as ``<name>.broken`` (replacing an older one) so it is kept
    and never overwritten; returns the new path, or None if it could not be moved."""
    path = Path(path)
    broken = path.with_name(path.name + ".broken")
    try:
        os.replace(path, broken)
    except OSError:
        return None
    return broken


def measurement_texts(row: Any) -> list[str]:
    """A calculator history row (a Measurement) as saved: exact decimal texts in the order of
    ``HISTORY_COLUMNS`` ("" for a missing L)."""
    from fdgui.core.numbers.format import decimal_exact

    return [
        decimal_exact(row.epsilon),
        decimal_exact(row.loss_plus),
        decimal_exact(row.loss_minus),
        "" if row.loss is None else decimal_exact(row.loss),
    ]


def with_calculation(
    session: Session, texts: dict[str, str], row: Any, roundoff: Any = None
) -> Session:
    """``session`` with the calculator's inputs set to ``texts`` and ``row`` (a Measurement)
    added to its history; the other panels as they were. ``roundoff``: the unit round-off of
    the losses' format (a Decimal) when they are its binaries, kept as the window keeps it."""
    panels = dict(session.panels)
    calculator = dict(panels.get("calculator") or {})
    try:
        rows, _count = table_rows(calculator.get("history", []))
    except SessionError:
        rows = []
    lines = [row_line(r) for r in split_rows(rows)] if not isinstance(rows, str) else [rows]
    lines = [line for line in lines if line]
    lines.append("\t".join(measurement_texts(row)))
    calculator["texts"] = dict(texts)
    calculator.pop("loss_roundoff", None)  # typed texts: their digits are what count
    calculator.pop("steps", None)  # and they were taken at w ± ε as typed
    calculator.pop("reference", None)
    calculator.pop("allowance", None)
    if roundoff is not None:
        calculator["loss_roundoff"] = str(roundoff)
    calculator["history"] = encode_table(lines)
    panels["calculator"] = calculator
    return Session(panels=panels, saved_at=session.saved_at, app_version=session.app_version)


def calculator_roundoff(session: Session) -> Any:
    """The saved unit round-off of the calculator's losses (a Decimal), or None when there
    is none or it is not a decimal 0 < u < 1 that a float holds as a normal number
    (``precision.usable_roundoff``: 1e-400 is not; the window names that one when opening)."""
    from decimal import Decimal, InvalidOperation

    state = session.panels.get("calculator")
    saved = state.get("loss_roundoff") if isinstance(state, dict) else None
    if not isinstance(saved, str):
        return None
    try:
        value = Decimal(saved)
    except InvalidOperation:
        return None
    from fdgui.core.numbers.precision import usable_roundoff

    return value if usable_roundoff(value) else None


def calculator_sent(session: Session) -> dict[str, Any]:
    """What came with losses the ε explorer sent, as the window keeps it: ``steps`` (h+, h−,
    the steps w ± ε took in the dtype) and ``reference`` (its trusted reference and bar), each
    two Decimals; ``allowance`` (what it allows a typed claim beyond its digits), a Decimal;
    an entry that is missing or not such numbers is left out (steps a float cannot hold as
    normal numbers too)."""
    from decimal import Decimal, InvalidOperation

    from fdgui.core.numbers.precision import float_normal

    state = session.panels.get("calculator")
    sent: dict[str, Any] = {}
    for key in ("steps", "reference"):
        saved = state.get(key) if isinstance(state, dict) else None
        if not isinstance(saved, list) or len(saved) != 2:
            continue
        try:
            pair = tuple(Decimal(str(part)) for part in saved)
        except InvalidOperation:
            continue
        if all(part.is_finite() for part in pair) and (
            all(map(float_normal, pair)) if key == "steps" else pair[1] >= 0
        ):
            sent[key] = pair
    allowance = state.get("allowance") if isinstance(state, dict) else None
    try:
        value = Decimal(allowance) if isinstance(allowance, str) else None
    except InvalidOperation:
        value = None
    if value is not None and value.is_finite() and value >= 0:
        sent["allowance"] = value
    return sent


def calculator_request(session: Session) -> dict[str, str]:
    """The calculator's typed texts in a session (for ``fdgui-cli calc --session``)."""
    state = session.panels.get("calculator")
    texts = state.get("texts") if isinstance(state, dict) else None
    if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
        raise SessionError("the session holds no calculator inputs")
    return {key: value for key, value in texts.items() if isinstance(key, str)}
