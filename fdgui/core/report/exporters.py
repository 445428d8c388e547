"""The exporter registry: every result type's renderings, keyed by (result type, format).

Copy, the CLI's output, the network check's export buttons (and later sessions) all call
``export(result, fmt)``, so a result reads the same wherever it goes. A report module
registers its renderers with ``@register(ResultType, "text")``; a new result type or a new
format is one more registration, not one more call site.

The report modules register on import, and are imported only when a result needs them
(``fdgui-cli calc`` never loads the network check).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

FORMATS: tuple[str, ...] = ("text", "markdown", "json", "csv")
# The modules that register exporters, loaded in this order until one handles the result.
PROVIDERS: tuple[str, ...] = (
    "fdgui.core.report.calculator",
    "fdgui.core.report.sweep",
    "fdgui.core.report.netcheck",
    "fdgui.core.report.numeric",
)

Renderer = Callable[..., str]
_R = TypeVar("_R", bound=Renderer)
_REGISTRY: dict[tuple[type, str], Renderer] = {}
_loaded: set[str] = set()


class UnknownExport(LookupError):
    """No exporter for this (result type, format) pair."""


def register(result_type: type, fmt: str) -> Callable[[_R], _R]:
    """Decorator: ``func(result, **options) -> str`` renders ``result_type`` as ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"{fmt!r} is not one of the export formats {', '.join(FORMATS)}")

    def decorate(func: _R) -> _R:
        _REGISTRY[(result_type, fmt)] = func
        return func

    return decorate


def _lookup(result_type: type, fmt: str) -> Renderer | None:
    for cls in result_type.__mro__:
        func = _REGISTRY.get((cls, fmt))
        if func is not None:
            return func
    return None


def _handled(result_type: type) -> bool:
    return any(_lookup(result_type, fmt) is not None for fmt in FORMATS)


def _load_for(result_type: type) -> None:
    """Import the report modules, in order, until one has registered ``result_type``."""
    for module in PROVIDERS:
        if _handled(result_type):
            return
        if module not in _loaded:
            importlib.import_module(module)
            _loaded.add(module)


def formats_for(result: Any) -> tuple[str, ...]:
    """The formats ``result`` (or a result type) can be exported as, in FORMATS order."""
    result_type = result if isinstance(result, type) else type(result)
    _load_for(result_type)
    return tuple(fmt for fmt in FORMATS if _lookup(result_type, fmt) is not None)


def export(result: Any, fmt: str, **options: Any) -> str:
    """``result`` rendered as ``fmt`` (text, markdown, json or csv); options go to the
    renderer (e.g. ``worst_count`` for a network check's text). UnknownExport when there is
    no such exporter."""
    result_type = type(result)
    _load_for(result_type)
    func = _lookup(result_type, fmt)
    if func is None:
        available = formats_for(result_type)
        has = f"it has {', '.join(available)}" if available else "it has no exporters"
        raise UnknownExport(f"no {fmt!r} export for {result_type.__name__} ({has})")
    return func(result, **options)
