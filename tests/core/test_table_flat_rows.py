"""Measured tables whose losses never change (L+ = L− = L on every row): w ± ε did not round
back to w — the loss's change is below the rows' digits. Such rows confirm no gradient: the
words say what the rows resolve, and ``fdgui-cli sweep --table`` exits 2 with a gradient under
check (0 without) — unless the gradient would change the losses by 100 times what they resolve
over a decade of ε, with the loss at w given: then it is wrong (review10k MEDIUM-3).
Also: the table's loss is signed, and rows sharing an ε with different losses are noted."""

import json
import subprocess

import numpy as np
import pytest

from fdgui.core.report.sweep import diagnosis_text, diagnosis_title
from fdgui.core.report.sweep_point import point_text
from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.reading import judges_nothing
from fdgui.core.sweep.readout import _readout_from_index
from tests.e2e.probe_cli import run_cli

# 1 + 1e-20·sin(3w) at w = 0.3: float64 cannot show the change; every loss prints as 1.0
FLAT = "".join(f"{eps},1.0,1.0,1.0\n" for eps in ("0.1", "0.05", "0.02", "0.01"))


def _sweep(text: str, backprop: str | None, source: str | None = None):
    objective, _problems, dtype = table_request(text, backprop, source)
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return result, diagnose(result)


def _cli(tmp_path, text: str, *extra: str) -> subprocess.CompletedProcess:
    path = tmp_path / "rows.csv"
    path.write_text(text)
    return run_cli("sweep", "--table", str(path), *extra)


@pytest.mark.parametrize("backprop", ["0", "-3", "1e-30"])
def test_a_flat_table_judges_no_gradient(backprop):
    _result, diagnosis = _sweep(FLAT, backprop)
    assert diagnosis.kind == "estimate" and diagnosis.case == "flat-rows"
    assert judges_nothing(diagnosis)
    words = diagnosis_title(diagnosis) + " " + diagnosis_text(diagnosis)
    assert "rounds back to w itself" not in words and "Sweep larger ε" not in words
    assert "do not change in the digits given" in words
    assert "neither confirmed nor refuted" in words
    # what the rows resolve: the printed digits' half unit (0.05) twice over 2ε at ε = 0.1
    assert diagnosis.facts["resolution"] == pytest.approx(0.5, rel=1e-6)
    assert diagnosis.facts["resolution_epsilon"] == pytest.approx(0.1)


def test_a_flat_table_without_a_gradient_is_an_estimate_only():
    _result, diagnosis = _sweep(FLAT, None)
    assert diagnosis.case == "flat-rows" and not judges_nothing(diagnosis)
    assert diagnosis_title(diagnosis).startswith("Estimate only")


@pytest.mark.parametrize("seed", range(6))
def test_flat_tables_of_any_digits_and_source_judge_only_what_they_resolve(seed):
    rng = np.random.default_rng(seed)
    loss = float(rng.choice([-1.0, 1.0]) * 10.0 ** rng.uniform(-5, 5))
    digits = int(rng.integers(3, 17))
    text_loss = f"{loss:.{digits}g}"
    epsilons = sorted(10.0 ** rng.uniform(-8, 0, size=int(rng.integers(3, 8))))
    with_l = bool(rng.integers(0, 2))
    text = "".join(
        f"{eps:.3g},{text_loss},{text_loss}" + (f",{text_loss}\n" if with_l else "\n")
        for eps in epsilons
    )
    source = str(rng.choice(["float64", "float32", "float16", "exact"]))
    _result, diagnosis = _sweep(text, "2.5", source)
    # the change 2.5·ε at the largest ε against the loss's printed half unit
    unit = 0.5 * 10.0 ** (np.floor(np.log10(abs(float(text_loss)))) - digits + 1)
    resolves = with_l and 2.5 * max(epsilons) > 100.0 * unit
    if diagnosis.kind == "wrong":
        assert resolves and max(epsilons) >= 10.0 * min(epsilons), (text, source)
        assert "the losses never change" in diagnosis_text(diagnosis)
    else:
        assert diagnosis.case == "flat-rows", (text, source)
        assert judges_nothing(diagnosis)
        assert ("= L on every" in diagnosis_text(diagnosis)) == with_l


def test_a_flat_table_refutes_a_gradient_it_resolves():
    # 1 + 1e-20·sin(3w): a gradient of 12345 would move the loss by 1,234 at ε = 0.1
    _result, diagnosis = _sweep(FLAT, "12345")
    assert diagnosis.kind == "wrong"
    words = diagnosis_title(diagnosis) + " " + diagnosis_text(diagnosis)
    assert "the losses never change" in words and "Look for a bug" in words
    # without the loss at w, L+ = L− is also |x − w|'s: a subgradient up to its slopes
    without_l = "".join(f"{eps},1.0,1.0\n" for eps in ("0.1", "0.05", "0.02", "0.01"))
    assert _sweep(without_l, "12345")[1].case == "flat-rows"
    # over less than a decade of ε: not refuted
    narrow = "".join(f"{eps},1.0,1.0,1.0\n" for eps in ("0.1", "0.05", "0.02"))
    assert _sweep(narrow, "12345")[1].case == "flat-rows"
    # a flat full-precision float64 loss resolves a small gradient, dead ReLU-like rows
    dead = "".join(
        f"{eps!r},-1.5151631787172937,-1.5151631787172937,-1.5151631787172937\n"
        for eps in (1.5e-7, 3e-7, 1e-6, 1e-5, 1e-4, 6.7e-4)
    )
    assert _sweep(dead, "0.3")[1].kind == "wrong"
    assert _sweep(dead, "1e-12")[1].case == "flat-rows"
    # the same value as a float32 number: float32's rounding, at least
    single = repr(float(np.float32(-1.5151631787172937)))
    dead32 = dead.replace("-1.5151631787172937", single)
    assert _sweep(dead32, "1e-6", "float64")[1].case == "flat-rows"
    assert _sweep(dead32, "10", "float64")[1].kind == "wrong"


def test_partly_flat_rows_are_not_said_to_round_w(tmp_path):
    # sin(w) at 1 printed to 9 digits: the rows at ε ≤ 1e-10 show no change
    rows = []
    for eps in (1e-12, 1e-11, 1e-10, 1e-3, 2e-3, 4e-3, 8e-3):
        plus, minus = np.sin(1 + eps), np.sin(1 - eps)
        rows.append(f"{eps:g},{plus:.9f},{minus:.9f}\n")
    text = "".join(rows)
    result, diagnosis = _sweep(text, str(np.cos(1.0)))
    words = diagnosis_text(diagnosis)
    assert "w ± ε == w" not in words and "rounds back" not in words
    assert "do not change in the digits given" in words
    index = int(np.flatnonzero(result.vanished)[0])
    sentence = point_text(result, _readout_from_index(result, index))
    assert "rounds to w" not in sentence and "do not change" in sentence


def test_cli_exit_status_of_a_flat_table(tmp_path):
    checked = _cli(tmp_path, FLAT, "--backprop", "3")
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert "rounds back to w" not in checked.stdout
    assert "never change" in checked.stderr
    assert _cli(tmp_path, FLAT).returncode == 0  # nothing under check: an estimate only
    assert _cli(tmp_path, FLAT, "--backprop", "12345").returncode == 1  # resolved: wrong


def test_the_tables_loss_keeps_its_sign(tmp_path):
    rows = "1e-3,-2.001,-1.999,-2\n2e-3,-2.002,-1.998,-2\n4e-3,-2.004,-1.996,-2\n"
    data = json.loads(_cli(tmp_path, rows, "--json").stdout)
    assert data["loss"] == -2.0
    without_l = "1e-3,-3.001,-2.999\n2e-3,-3.002,-2.998\n4e-3,-3.004,-2.996\n"
    assert json.loads(_cli(tmp_path, without_l, "--json").stdout)["loss"] == pytest.approx(-3.0)


def test_rows_sharing_an_epsilon_with_different_losses_are_noted():
    base = "1e-3,0.8616909461676441,0.8647200182516303\n"
    others = (
        "3e-3,0.8586308533026583,0.8677179605083492\n1e-2,0.8476778401335697,0.877964062999078\n"
    )
    _result, diagnosis = _sweep(base + others + "1e-3,0.86181640625,0.86474609375\n", None)
    assert "share an ε give different losses (ε = 1e-3)" in diagnosis_text(diagnosis)
    _result, same = _sweep(base + others + base, None)  # a repeated row is no conflict
    assert "share an ε" not in diagnosis_text(same)
