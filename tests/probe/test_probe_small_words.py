"""The probe layer's smaller words (review9j LOW 1, 2, 3, 4, 7): a syntax error names its
place once; counts agree in number; a complex gradient is called a gradient; a gradient of
the wrong shape is refused, not reshaped; a stop asked for is not shown as a failure."""

from __future__ import annotations

import textwrap

import pytest

from fdgui.probe.client import ProbeError
from fdgui.probe.model import open_probe


def write(tmp_path, text, name="probe.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_a_syntax_error_names_its_place_once(tmp_path):
    path = write(tmp_path, "import numpy as np\ntheta0 = np.zeros(2\n")
    with pytest.raises(ProbeError) as caught:
        open_probe(path)
    message = caught.value.message
    assert message.count("line 2") == 1, message
    assert f"({path}, line 2)" in message


def test_counts_agree_in_number_and_a_complex_gradient_is_a_gradient(tmp_path):
    path = write(
        tmp_path,
        """
        import numpy as np
        theta0 = np.array([0.3, -0.2])
        def loss(t):
            return float(t @ t)
        def losses(thetas):
            return np.zeros(3)
        def grad(t):
            return 2 * t + 0.5j
        """,
    )
    model = open_probe(path, timeout=30)
    try:
        with pytest.raises(ProbeError) as caught:
            model.losses(model.theta0()[None, :] + 1.0)
        assert "returned 3 losses for 1 point" in caught.value.message
        assert "1 points" not in caught.value.message
        with pytest.raises(ProbeError) as caught:
            model.gradient()
        assert "gradient of a real loss is real" in caught.value.message
    finally:
        model.close()


def test_a_transposed_gradient_is_refused_in_words(tmp_path):
    path = write(
        tmp_path,
        """
        import numpy as np
        W = np.arange(12.0).reshape(3, 4) / 10
        def parameters():
            return {"W": W}
        def loss(p):
            return float(np.sum(p["W"] ** 2))
        def gradient(p):
            return {"W": (2 * p["W"]).T}
        """,
    )
    model = open_probe(path, timeout=30)
    try:
        with pytest.raises(ProbeError) as caught:
            model.gradient()
        assert "W has shape (4, 3), the parameter (3, 4)" in caught.value.message
    finally:
        model.close()


def test_a_stop_is_shown_as_a_stop_not_a_failure(qtbot):
    from fdgui.ui.probe_source import ProbePage
    from fdgui.ui.widgets import Fields

    page = ProbePage(Fields())
    qtbot.addWidget(page)
    page.show_failure("the probe was stopped", "")
    assert "failed" not in page.error_title.text() and "Stopped" in page.error_title.text()
    assert "b00020" not in page.error_title.styleSheet()
    page.show_failure("ValueError: bad", "")
    assert page.error_title.text() == "The probe failed: ValueError: bad"
    assert "b00020" in page.error_title.styleSheet()


def test_an_error_inside_the_torch_helper_shows_no_fdgui_frames(tmp_path):
    """LOW 11: the person's traceback, not fdgui's torch_helper.py first."""
    pytest.importorskip("torch", reason="the torch form needs torch")
    path = write(
        tmp_path,
        """
        import torch
        from fdgui.probe import torch_probe
        probe = torch_probe(torch.nn.Linear(3, 1), lambda o: o.sum(),
                            torch.ones(2, 3, dtype=torch.int64))
        """,
    )
    with pytest.raises(ProbeError) as caught:
        model = open_probe(path, timeout=60)
        try:
            model.loss(model.theta0())
        finally:
            model.close()
    assert "torch_helper.py" not in caught.value.details, caught.value.details[-800:]
    assert "must have the same dtype" in caught.value.message  # the error itself is kept
