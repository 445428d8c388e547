"""Inside the probe process: the person's own module files, watched for changes on disk.

A probe usually imports the person's model code (``from mylayer import loss``). The window
keeps the probe's process alive between runs, so a module it imported stays imported: after
the person fixes (or breaks) that module, the process would go on answering with the old
code. ``ModuleFiles.new()`` lists the files of modules loaded from outside the interpreter's
own library (its standard library and site-packages) and outside fdgui's own package,
with their modification time and size as the process saw them; the window compares them with
the disk before each run (``ProbeProcess.changed_modules``) and reloads the probe in a fresh
process when one changed.

``fresh_user_imports()`` makes that fresh import really fresh: Python trusts a cached
``.pyc`` whose recorded source modification second and size match, so a module rewritten
within the same second to the same length (``2*`` → ``3*``) would come back from the stale
cache. Modules from the person's folders are compiled from their source whenever their cache
is not provably newer than the source's last modification second.

Standard library only (this runs in the probe's interpreter).
"""

from __future__ import annotations

import importlib.machinery as machinery
import importlib.util
import os
import site
import sys
import sysconfig


def _library_roots() -> tuple[str, ...]:
    """Folders whose modules are the interpreter's, not the person's: the standard library,
    site-packages (the system's and the user's) and fdgui's own package."""
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with _suppress():
            roots.add(sysconfig.get_paths()[key])
    with _suppress():
        roots.update(site.getsitepackages())
    with _suppress():
        roots.add(site.getusersitepackages())
    roots.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # fdgui
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        for folder in ("lib", "Lib", "lib64"):  # lib/pythonX.Y, Windows' Lib, DLLs nearby
            path = os.path.join(prefix, folder)
            if os.path.isdir(path):
                roots.add(path)
    return tuple(sorted(os.path.normcase(os.path.abspath(r)) + os.sep for r in roots if r))


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, trace):
        return kind is not None and issubclass(kind, Exception)


LIBRARY = _library_roots()


def is_library(path: str) -> bool:
    return (os.path.normcase(os.path.abspath(path)) + os.sep).startswith(LIBRARY)


class ModuleFiles:
    """The person's module files the process has loaded, reported once each."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self._count = -1

    def new(self) -> list[list]:
        """[path, mtime_ns, size] of each module file loaded since the last call (cheap
        when no module was imported since: sys.modules' size is compared first)."""
        modules = sys.modules
        if len(modules) == self._count:
            return []
        self._count = len(modules)
        found = []
        for module in list(modules.values()):
            path = getattr(module, "__file__", None)
            if not isinstance(path, str) or not path:
                continue
            path = os.path.abspath(path)
            if path in self.seen:
                continue
            self.seen.add(path)
            if is_library(path):
                continue
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append([path, stat.st_mtime_ns, stat.st_size])
        return found


class _FreshSourceLoader(machinery.SourceFileLoader):
    """A source loader that uses the cached bytecode only when it was written after the
    second the source was last modified in (see the module's docstring)."""

    def get_code(self, fullname):
        try:
            source_mtime = self.path_stats(self.path)["mtime"]
            cached = importlib.util.cache_from_source(self.path)
            written = os.stat(cached).st_mtime
        except (OSError, ImportError, NotImplementedError, ValueError):
            return super().get_code(fullname)  # no cache yet: compiled (and cached) anew
        if written >= int(source_mtime) + 1:
            return super().get_code(fullname)  # a later edit cannot share its second
        return self.source_to_code(self.get_data(self.path), self.path)


def _hook(path: str):
    folder = os.path.abspath(path or os.getcwd())
    if not os.path.isdir(folder) or is_library(folder):
        raise ImportError("fdgui's fresh-import hook: not a folder of the person's")
    return machinery.FileFinder(
        path,
        (_FreshSourceLoader, machinery.SOURCE_SUFFIXES),
        (machinery.ExtensionFileLoader, machinery.EXTENSION_SUFFIXES),
        (machinery.SourcelessFileLoader, machinery.BYTECODE_SUFFIXES),
    )


def fresh_user_imports() -> None:
    """Import the person's modules through ``_FreshSourceLoader`` (see the docstring)."""
    if _hook not in sys.path_hooks:
        sys.path_hooks.insert(0, _hook)
        sys.path_importer_cache.clear()
