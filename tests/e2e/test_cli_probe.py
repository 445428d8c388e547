"""fdgui-cli netcheck/sweep --probe as processes: exit 0 pass, 1 fail, 2 probe error or bad
input (with the user's traceback on stderr), the JSON keys scripts read."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

CLI = [sys.executable, "-m", "fdgui.cli"]
EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)


def example(name):
    return os.path.abspath(os.path.join(EXAMPLES, name))


def test_numpy_example_passes_with_the_json_keys():
    out = run("netcheck", "--probe", example("numpy_two_layer.py"), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("verdict", "parameters_checked", "seconds", "tensors", "worst"):
        assert key in data
    assert data["verdict"] == "pass" and data["parameters_checked"] == 1690
    assert [t["name"] for t in data["tensors"]] == ["W1", "b1", "W2", "b2"]


def test_the_buggy_custom_function_fails_with_exit_1_and_is_located():
    pytest.importorskip("torch", reason="the torch extra is not installed")
    out = run("netcheck", "--probe", example("torch_custom_function.py"), "--mode", "sample",
              "--samples", "4", "--json")  # fmt: skip
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "fail" and data["worst_tensor"] == "custom.bias"


def test_a_probe_error_exits_2_and_prints_the_users_traceback(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text(
        textwrap.dedent(
            """
            import numpy as np
            theta0 = np.ones(3)
            def loss(t):
                return helper(t)
            def helper(t):
                return 1 / 0
            def grad(t):
                return t
            """
        )
    )
    for command in (["netcheck"], ["sweep", "--index", "1"]):
        out = run(*command, "--probe", str(path))
        assert out.returncode == 2, out.stderr
        assert f"--probe: ZeroDivisionError: division by zero ({path}, line 7)" in out.stderr
        assert f'File "{path}", line 5, in loss' in out.stderr
        assert "Traceback" in out.stderr and "worker.py" not in out.stderr


def test_timeout_and_bad_options_exit_2(tmp_path):
    path = tmp_path / "slow.py"
    head = "import numpy as np, time\ntheta0 = np.ones(2)\n"
    path.write_text(head + "def loss(t):\n    time.sleep(10)\n    return 1.0\ngrad = lambda t: t\n")
    out = run("netcheck", "--probe", str(path), "--timeout", "0.5")
    assert out.returncode == 2 and "did not answer within 0.5 s" in out.stderr
    assert run("netcheck", "--probe", str(path), "--timeout", "soon").returncode == 2
    out = run("netcheck", "--probe", str(path), "--layers", "3,2")
    assert out.returncode == 2 and "--layers" in out.stderr
    out = run("netcheck", "--timeout", "3")
    assert out.returncode == 2 and "only used with --probe" in out.stderr
    out = run("netcheck", "--probe", str(tmp_path / "missing.py"))
    assert out.returncode == 2 and "is not a file" in out.stderr


def test_sweep_of_a_probe_entry_by_multi_index():
    out = run("sweep", "--probe", example("numpy_two_layer.py"), "--tensor", "W1", "--index",
              "3, 7", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert "W1[3, 7]" in json.dumps(data)


def test_a_probe_whose_loss_is_never_finite_beside_theta0_exits_2(tmp_path):
    # finite at θ0 only: the sweep, like the check, has nothing to estimate (it exited 0)
    path = tmp_path / "nan.py"
    path.write_text(
        "import numpy as np\ntheta0 = np.array([0.25, 0.5])\n"
        "def loss(t):\n    return float(t @ t) if np.array_equal(t, theta0) else float('nan')\n"
    )
    for command in (["netcheck"], ["sweep", "--index", "1"]):
        out = run(*command, "--probe", str(path))
        assert out.returncode == 2, (command, out.stdout[-300:])
        assert "not finite" in out.stderr or "not a finite number" in out.stderr


def test_a_masked_loss_or_gradient_is_missing_not_zero(tmp_path):
    # review11p L9: a loss returning np.ma.masked was read as 0 (numpy's asarray fills the
    # mask with its data): "Fail: 6 of 6 entries disagree" with an honest gradient
    path = tmp_path / "masked.py"
    path.write_text(
        "import numpy as np\ntheta0 = np.linspace(0.1, 0.6, 6)\n"
        "def loss(t):\n    return np.ma.masked\n"
        "def grad(t):\n    return 2 * t\n"
    )
    out = run("netcheck", "--probe", str(path))
    assert out.returncode == 2, out.stdout[-300:]
    assert "finite" in out.stderr, out.stderr
    path.write_text(
        "import numpy as np\ntheta0 = np.linspace(0.1, 0.6, 6)\n"
        "def loss(t):\n    return float(t @ t)\n"
        "def grad(t):\n    return np.ma.masked_array(2 * t, mask=[0, 0, 1, 0, 0, 0])\n"
    )
    out = run("netcheck", "--probe", str(path), "--json")  # a missing entry: as a NaN one
    assert out.returncode == 1, out.stderr
    worst = json.loads(out.stdout)["worst"]
    assert [(e["index"], e["status"]) for e in worst if e["status"] != "correct"] == [(2, "wrong")]
