"""The one exit status of a gradient under check that the numbers neither confirm nor refute
("Too coarse to judge …", the calculator's "Suspicious"): 2, as for bad input, with one line
on stderr saying so after the result itself (``calc``, ``sweep``, ``sweep --table``). Never
0: a script must not take it for a pass; never 1: nothing showed the gradient wrong."""

from __future__ import annotations

import sys

from fdgui.core.numbers.parsing import one_line

UNDECIDED = 2


def undecided(command: str, title: str, why: str = "") -> int:
    """Say on stderr that ``title`` neither confirms nor refutes the gradient; 2."""
    reason = f" ({why})" if why else ""
    print(
        one_line(
            f"fdgui-cli {command}: {title}: the numbers neither confirm nor refute the gradient "
            f"under check{reason}"
        ),
        file=sys.stderr,
    )
    return UNDECIDED
