"""Every way a probe can fail is a ProbeError in words (the user's file and line where there
is one), never a crash of the caller, and the same ProbeModel keeps working afterwards."""

from __future__ import annotations

import os
import signal
import textwrap
import time

import numpy as np
import pytest

from fdgui.core.errors import InputError
from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.probe.client import OUTPUT_KEEP, ProbeError
from fdgui.probe.model import open_probe

GOOD = """
import numpy as np
theta0 = np.array([0.3, -0.7, 1.1])
def loss(t):
    return float(np.sum(np.sin(t)) + t[0] * t[1])
def grad(t):
    return np.cos(t) + np.array([t[1], t[0], 0.0])
"""


def write(tmp_path, text, name="probe.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def switchable(tmp_path, body):
    """A good probe whose loss misbehaves (``body``) while a flag file exists."""
    flag = tmp_path / "misbehave"
    flag.write_text("1")
    text = GOOD.replace(
        "def loss(t):\n",
        f"def loss(t):\n    import os\n    if os.path.exists({str(flag)!r}):\n"
        + textwrap.indent(textwrap.dedent(body), "        ")
        + "\n",
    )
    return write(tmp_path, text), flag


def assert_recovers(model, flag):
    flag.unlink()
    model.refresh()  # what every run in the window does first (it also ends a Cancel's stop)
    report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
    assert report.passed


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "import numpy as np\ntheta0 = np.zeros(2)\ndef loss(t:\n    return 1\n")
    with pytest.raises(ProbeError) as caught:
        open_probe(path)
    assert "SyntaxError" in caught.value.message
    assert f"{path}, line 3" in caught.value.message
    assert "def loss(t:" in caught.value.details


def test_a_file_without_loss_says_what_a_probe_defines(tmp_path):
    path = write(tmp_path, "import numpy as np\ntheta0 = np.zeros(2)\n")
    with pytest.raises(ProbeError) as caught:
        open_probe(path)
    assert "no loss function" in caught.value.message and "theta0" in caught.value.message


def test_an_exception_in_loss_shows_the_users_traceback_and_the_model_recovers(tmp_path):
    path, flag = switchable(tmp_path, "raise ValueError('shapes do not match')")
    flag.unlink()  # load (θ0 is fine), then misbehave during the check
    model = open_probe(path, timeout=20)
    flag.write_text("1")
    try:
        with pytest.raises(ProbeError) as caught:
            run_to_completion(CheckSettings(None, engine="forward"), model=model)
        message, details = caught.value.message, caught.value.details
        assert message.startswith("ValueError: shapes do not match")
        assert f"({path}, line " in message
        assert f'File "{path}", line' in details and "raise ValueError" in details
        assert "fdgui/probe/worker.py" not in details  # the user's frames only
        assert_recovers(model, flag)
    finally:
        model.close()


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_an_endless_loop_times_out_and_the_process_is_replaced(tmp_path):
    path, flag = switchable(tmp_path, "while True:\n    pass")
    flag.unlink()
    model = open_probe(path, timeout=1.0)
    flag.write_text("1")
    try:
        started = time.perf_counter()
        with pytest.raises(ProbeError) as caught:
            model.loss(model.theta0())
        assert time.perf_counter() - started < 5
        assert "did not answer within 1 s" in caught.value.message
        assert not model.process.alive  # stopped
        assert_recovers(model, flag)
    finally:
        model.close()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("return np.array([1.0, 2.0])", "returned an array of shape (2,), not one number"),
        ("return 'small'", "returned str, not numbers"),
        ("return None", "returned NoneType, not numbers"),
        ("return 1 + 2j", "complex"),
    ],
)
def test_a_result_that_is_not_one_number_is_refused_in_words(tmp_path, body, words):
    path, flag = switchable(tmp_path, body)
    flag.unlink()
    model = open_probe(path)
    flag.write_text("1")
    try:
        with pytest.raises(ProbeError) as caught:
            model.loss(model.theta0())
        assert words in caught.value.message
        assert f"defined in {path}, line" in caught.value.message
        assert_recovers(model, flag)
    finally:
        model.close()


def test_a_nan_loss_at_the_point_is_refused_and_nan_elsewhere_is_undefined(tmp_path):
    path = write(tmp_path, GOOD.replace("return float(", "return float('nan') + float("))
    model = open_probe(path)
    try:
        with pytest.raises(InputError) as caught:
            run_to_completion(CheckSettings(None, engine="forward"), model=model)
        assert "the loss at the point under check is nan" in caught.value.message
    finally:
        model.close()
    # NaN only away from θ0 (t[2] > 1.1): nothing estimates that entry, so it is not judged
    # (no failure, no pass: inconclusive), and nothing crashes
    path = write(
        tmp_path,
        GOOD.replace("return float(", "return float('nan') if t[2] > 1.1 else float("),
        "nan_away.py",
    )
    model = open_probe(path)
    try:
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        assert report.verdict == "fail" and report.inconclusive
        assert [entry.note for entry in report.worst if entry.failing] == []
        assert [entry.note for entry in report.worst if entry.note == "no-loss"] == ["no-loss"]
    finally:
        model.close()


def test_a_gradient_of_the_wrong_shape_is_refused_in_words(tmp_path):
    path = write(
        tmp_path, GOOD.replace("return np.cos(t) + np.array([t[1], t[0], 0.0])", "return t[:2]")
    )
    model = open_probe(path)
    try:
        with pytest.raises(ProbeError) as caught:
            run_to_completion(CheckSettings(None, engine="forward"), model=model)
        assert "grad" in caught.value.message
        assert "returned shape (2,) (2 values) where theta0 has 3 entries" in caught.value.message
    finally:
        model.close()


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_a_process_killed_from_outside_is_reported_and_restarted(tmp_path):
    model = open_probe(write(tmp_path, GOOD))
    try:
        os.kill(model.process.process.pid, signal.SIGKILL)
        model.process.process.wait()
        # the next call starts a new process (and loads the file again): it just works
        assert np.isfinite(model.loss(model.theta0()))
        # killed while a call is running: the call fails in words
        path, flag = switchable(tmp_path, "import time\ntime.sleep(30)")
        flag.unlink()
        slow = open_probe(path, timeout=20)
        flag.write_text("1")
        import threading

        def later():
            time.sleep(0.5)
            os.kill(slow.process.process.pid, signal.SIGKILL)

        threading.Thread(target=later).start()
        with pytest.raises(ProbeError) as caught:
            slow.loss(slow.theta0())
        assert "killed by SIGKILL" in caught.value.message
        assert_recovers(slow, flag)
        slow.close()
    finally:
        model.close()


def test_a_crash_and_sys_exit_and_os_exit_are_errors_in_words(tmp_path):
    cases = {
        "import ctypes\nctypes.string_at(0)": "crashed (SIGSEGV",
        "import sys\nsys.exit(3)": "the probe called sys.exit(3)",
        "import os\nos._exit(4)": "ended by itself (exit status 4)",
    }
    for body, words in cases.items():
        path, flag = switchable(tmp_path, body)
        flag.unlink()
        model = open_probe(path)
        flag.write_text("1")
        try:
            with pytest.raises(ProbeError) as caught:
                model.loss(model.theta0())
            assert words in caught.value.message, body
            assert_recovers(model, flag)
        finally:
            model.close()


def test_a_print_storm_neither_corrupts_the_protocol_nor_fills_memory(tmp_path):
    path = write(
        tmp_path,
        GOOD.replace(
            "def loss(t):\n",
            "def loss(t):\n    print('x' * 100_000)\n    import os\n    os.write(1, b'raw')\n",
        ),
    )
    model = open_probe(path)
    try:
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        assert report.passed
        printed = model.process.printed()
        assert printed.startswith("[the probe printed ")
        assert len(printed) < OUTPUT_KEEP + 200
    finally:
        model.close()


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_cancel_stops_a_running_call_at_once(tmp_path):
    path, flag = switchable(tmp_path, "import time\ntime.sleep(60)")
    flag.unlink()
    model = open_probe(path, timeout=120)
    flag.write_text("1")
    import threading

    threading.Timer(0.3, model.stop).start()
    started = time.perf_counter()
    try:
        with pytest.raises(ProbeError) as caught:
            model.loss(model.theta0())
        assert caught.value.message == "the probe was stopped"
        assert time.perf_counter() - started < 5
        # the cancelled job's next call does not bring the process back
        with pytest.raises(ProbeError, match="the probe was stopped"):
            model.loss(model.theta0())
        assert not model.process.alive
        assert_recovers(model, flag)
    finally:
        model.close()


def test_the_probe_runs_in_the_python_it_is_given(tmp_path):
    import sys

    wrapper = tmp_path / "my-python"
    wrapper.write_text(f'#!/bin/sh\nFDGUI_TEST_WRAPPER=yes exec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    path = write(tmp_path, GOOD.replace("return float(", "return len(__import__('os').environ.get("
                                        "'FDGUI_TEST_WRAPPER', '')) + float("))  # fmt: skip
    mine, default = open_probe(path, python=str(wrapper)), open_probe(path)
    try:
        theta = mine.theta0()
        assert mine.loss(theta) == pytest.approx(default.loss(theta) + 3)
    finally:
        mine.close()
        default.close()
    # a Python that cannot run the worker (here: one that fails at once) is named in words
    broken = tmp_path / "broken-python"
    broken.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named numpy' >&2\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(ProbeError) as caught:
        open_probe(path, python=str(broken))
    assert "exit status 1): ModuleNotFoundError: No module named numpy" in caught.value.message
    with pytest.raises(ProbeError) as caught:
        open_probe(path, python=str(tmp_path / "no-such-python"))
    assert "cannot start the probe's Python" in caught.value.message


@pytest.mark.serial  # asserts a clock: run alone (tests/conftest.py)
def test_without_select_on_pipes_replies_timeouts_and_cancel_still_work(tmp_path, monkeypatch):
    """Windows has no select() on pipes: the reply is awaited by a helper thread instead."""
    from fdgui.probe import client

    monkeypatch.setattr(client, "SELECT_ON_PIPES", False)
    path, flag = switchable(tmp_path, "while True:\n    pass")
    flag.unlink()
    model = open_probe(path, timeout=1.0)
    try:
        report = run_to_completion(CheckSettings(None, engine="forward"), model=model)
        assert report.passed
        flag.write_text("1")
        with pytest.raises(ProbeError, match="did not answer within 1 s"):
            model.loss(model.theta0())
        assert_recovers(model, flag)
    finally:
        model.close()


@pytest.mark.parametrize("name", ["grad", "gradient"])
def test_a_gradient_that_is_not_a_function_is_refused_in_words(tmp_path, name):
    path = write(tmp_path, f"import numpy as np\ntheta0 = np.zeros(2)\n"
                 f"def loss(t):\n    return float(np.sum(t ** 2))\n{name} = 5\n")  # fmt: skip
    with pytest.raises(ProbeError) as caught:
        open_probe(path)
    assert f"defines {name} as int, not a function" in caught.value.message
