"""Guards against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 decrements the reference count of ``True`` each time a signal reaches a Python
slot; after a few thousand signals (typing, mouse moves, progress) Python aborts with
"bool_dealloc". pyproject.toml excludes that release; this test catches it coming back.
"""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_delivering_signals_to_python_slots_keeps_reference_counts():
    emitter = _Emitter()
    received = []
    emitter.fired.connect(received.append)
    before_true, before_false = sys.getrefcount(True), sys.getrefcount(False)
    for value in range(200):
        emitter.fired.emit(value)
    assert received == list(range(200))
    assert abs(sys.getrefcount(True) - before_true) < 20
    assert abs(sys.getrefcount(False) - before_false) < 20
