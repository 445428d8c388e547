"""A user's exception carrying megabytes (review9j HIGH-8, LOW 13) is the user's error, cut
to a size a window shows at once: each line and the whole traceback are capped, saying how
much was left out, the error's type and the file's line kept."""

from __future__ import annotations

import time

import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.frames import LINE_KEEP, TEXT_KEEP, capped
from fdgui.probe.model import open_probe


@pytest.mark.parametrize("size", [3_000_000, 20_000_000])
def test_a_huge_exception_message_comes_back_capped(tmp_path, size):
    path = tmp_path / "big.py"
    path.write_text(
        "import numpy as np\ntheta0 = np.zeros(3)\n"
        f"def loss(t):\n    raise ValueError('x' * {size})\n"
    )
    model = open_probe(str(path), timeout=30)
    try:
        with pytest.raises(ProbeError) as caught:
            model.loss(model.theta0())
    finally:
        model.close()
    message, details = caught.value.message, caught.value.details
    assert message.startswith("ValueError: ") and "broken" not in message, message[:200]
    assert len(message) < 1000
    assert len(details) < TEXT_KEEP + 2 * LINE_KEEP
    assert "characters left out" in details and "big.py" in details


def test_capped_keeps_short_text_and_cuts_long_lines_and_text():
    assert capped("short\ntext") == "short\ntext"
    long_line = "a" * 10_000
    cut = capped(long_line)
    assert len(cut) < LINE_KEEP + 100 and "8,000 characters left out" in cut
    many = "\n".join(["line"] * 100_000)
    cut = capped(many)
    assert len(cut) < TEXT_KEEP + 100 and cut.startswith("line") and cut.endswith("line")


def test_the_error_panel_shows_megabytes_at_once(qtbot):
    from fdgui.ui.probe_source import ProbePage
    from fdgui.ui.widgets import Fields

    page = ProbePage(Fields())
    qtbot.addWidget(page)
    page.resize(700, 500)
    page.show()
    started = time.perf_counter()
    page.show_failure("ValueError: xxx", "Traceback\n" + "x" * 3_000_000)
    page.grab()
    page.resize(900, 700)
    page.grab()
    assert time.perf_counter() - started < 1.5  # 4 s each before
    assert len(page.error_view.toPlainText()) < TEXT_KEEP + 2 * LINE_KEEP


def test_a_line_capped_twice_counts_every_character_left_out():
    """The worker caps a line, then the window caps it again: the count is of the original
    (review9l LOW 2: '[37 characters left out]' for 3,000,000)."""
    from fdgui.probe.frames import capped

    for size in (3_000_000, 2_501, 10_000):
        text = "a" * (size // 2) + "z" * (size - size // 2)
        twice = capped(capped(text), 500)
        assert f"[{size - 500:,} characters left out]" in twice, (size, twice[240:320])
        assert twice.startswith("a" * 250) and twice.endswith("z" * 250)
