"""Fuzzing: how many cases each test tries.

``FDGUI_FUZZ_EXAMPLES`` (default 60) sets the cases per test; the README's long run uses
``FDGUI_FUZZ_EXAMPLES=1000``. RuntimeWarnings (numpy) and SyntaxWarnings are errors here: a
warning printed on stderr with a line of source code is a defect, not noise.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FDGUI_FUZZ_EXAMPLES", "60"))
settings.register_profile(
    "fdgui-fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=os.environ.get("FDGUI_FUZZ_RANDOM") != "1",
    database=None,
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/fuzz" in str(item.fspath).replace(os.sep, "/"):
            # numpy's RuntimeWarnings and Python's SyntaxWarnings are defects here; other
            # warnings (a ResourceWarning from another test's garbage) are not this test's
            item.add_marker(pytest.mark.filterwarnings("error::RuntimeWarning"))
            item.add_marker(pytest.mark.filterwarnings("error::SyntaxWarning"))
