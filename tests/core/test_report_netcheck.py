"""Renderings of a network check: words, JSON, CSV, Markdown, text and the code snippets."""

from __future__ import annotations

import ast
import csv
import io
import json
import math

import pytest

from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.netcheck import CheckSettings, recommended_tolerances, run_to_completion
from fdgui.core.report.code import jax_check_grads_code, torch_gradcheck_code
from fdgui.core.report.netcheck import (
    entry_label,
    render_csv,
    render_json,
    render_markdown,
    render_text,
    verdict_in_words,
)


@pytest.fixture(scope="module")
def passing():
    return run_to_completion(CheckSettings(NetworkSpec((9, 7, 4), batch_size=8)))


@pytest.fixture(scope="module")
def failing():
    spec = NetworkSpec((9, 7, 7, 4), batch_size=8)
    return run_to_completion(CheckSettings(spec, bug="bias-not-summed"))


def test_words_name_the_verdict_and_the_worst_tensor(passing, failing):
    assert verdict_in_words(passing).startswith("Pass: ")
    assert f"all {passing.parameters_checked:,} entries" in verdict_in_words(passing)
    assert verdict_in_words(failing).startswith("Fail: ")
    assert failing.worst_tensor in ("b1", "b2", "b3")
    assert f"The worst tensor is {failing.worst_tensor}" in verdict_in_words(failing)
    assert verdict_in_words(failing) == verdict_in_words(failing)
    failures = sum(t.failures for t in failing.tensors)
    assert f"{failures:,} of {failing.parameters_checked:,}" in verdict_in_words(failing)


def test_json_has_the_documented_keys_and_true_numbers(failing):
    data = json.loads(render_json(failing))
    assert data["verdict"] == "fail"
    assert data["parameters_checked"] == failing.parameters_checked
    assert data["seconds"] == failing.seconds
    names = [t["name"] for t in data["tensors"]]
    assert names == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for item, tensor in zip(data["tensors"], failing.tensors, strict=True):
        assert item["shape"] == list(tensor.shape)
        assert item["max_relative_error"] == tensor.max_relative_error
        assert item["median_relative_error"] == tensor.median_relative_error
    worst = data["worst"]
    assert len(worst) == 20
    errors = [w["relative_error"] for w in worst]
    assert errors == sorted(errors, reverse=True)
    first = worst[0]
    entry = failing.worst[0]
    assert (first["tensor"], first["index"]) == (entry.tensor, entry.index)
    assert (first["numeric"], first["analytic"]) == (entry.numeric, entry.analytic)
    # relative error recomputed from the exported numbers
    expected = abs(first["numeric"] - first["analytic"]) / max(
        abs(first["numeric"]), abs(first["analytic"]), 1e-8
    )
    assert first["relative_error"] == pytest.approx(expected, rel=1e-12)


def test_csv_round_trips_every_tensor_and_worst_entry(failing):
    rows = list(csv.DictReader(io.StringIO(render_csv(failing))))
    tensors = [r for r in rows if r["kind"] == "tensor"]
    entries = [r for r in rows if r["kind"] == "entry"]
    assert [r["tensor"] for r in tensors] == [t.name for t in failing.tensors]
    assert len(entries) == len(failing.worst)
    for row, entry in zip(entries, failing.worst, strict=True):
        assert float(row["numeric"]) == entry.numeric  # repr keeps every digit
        assert float(row["loss_plus"]) == entry.loss_plus
        assert int(row["index"]) == entry.index
    for row, tensor in zip(tensors, failing.tensors, strict=True):
        assert int(row["wrong"]) == tensor.band_counts["wrong"]
        assert float(row["max_relative_error"]) == tensor.max_relative_error


def test_markdown_and_text_carry_the_same_tables(failing):
    markdown = render_markdown(failing)
    text = render_text(failing, worst_count=5)
    assert markdown.startswith("# fdgui network check")
    assert verdict_in_words(failing) in markdown and verdict_in_words(failing) in text
    table_lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len(table_lines) == 2 + len(failing.tensors) + len(failing.worst)
    for entry in failing.worst[:5]:
        assert entry_label(entry) in text
    assert text.count("\n") < markdown.count("\n")


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
def test_code_snippets_are_python_with_the_recommended_numbers(dtype):
    tolerances = recommended_tolerances(dtype, 2.3)
    for code in (torch_gradcheck_code(tolerances), jax_check_grads_code(tolerances)):
        tree = ast.parse(code)  # valid Python
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        keywords = {k.arg: k.value for call in calls for k in call.keywords}
        assert float(ast.literal_eval(keywords["eps"])) == pytest.approx(
            tolerances.epsilon, rel=1e-2
        )
        assert float(ast.literal_eval(keywords["atol"])) == pytest.approx(tolerances.atol)
        assert float(ast.literal_eval(keywords["rtol"])) == pytest.approx(tolerances.rtol)
    assert "torch.autograd.gradcheck(" in torch_gradcheck_code(tolerances)
    assert "check_grads(" in jax_check_grads_code(tolerances)


def test_nan_and_infinity_never_reach_json(passing):
    data = json.loads(render_json(passing), parse_constant=lambda name: pytest.fail(name))
    assert all(
        value is None or math.isfinite(value)
        for tensor in data["tensors"]
        for value in (tensor["max_relative_error"], tensor["median_relative_error"])
    )


def test_worst_rows_show_epsilon_and_loss_changes_that_reproduce_numeric(failing, passing):
    """QA: L+ and L− printed to 16 digits could not reproduce the numeric column."""
    from fdgui.core.report.netcheck import WORST_HEADERS, worst_rows

    columns = [WORST_HEADERS.index(name) for name in ("ε", "ΔL+", "ΔL−")]
    for report in (failing, passing):
        for entry, row in zip(report.worst, worst_rows(report), strict=True):
            epsilon, plus, minus = (float(row[column]) for column in columns)
            assert (plus - minus) / (2 * epsilon) == entry.numeric


def test_inconclusive_is_in_json_with_verdict_fail():
    spec = NetworkSpec((16, 16, 16, 10))
    # bfloat16 cannot resolve this network's gradients at any usable ε (the ε ladder leaves
    # every entry undecided); float16 now decides a few and catches the bug outright
    report = run_to_completion(CheckSettings(spec, dtype="bfloat16", bug="transpose"))
    data = json.loads(render_json(report))
    assert data["verdict"] == "fail" and data["inconclusive"] is True
    assert data["summary"].startswith("Inconclusive")
    assert all(t["undecided"] > 0 for t in data["tensors"])
    assert data["worst_tensor"] == data["worst"][0]["tensor"]
    assert "undecided" in render_text(report)
    assert json.loads(render_json(run_to_completion(CheckSettings(spec))))["inconclusive"] is False


@pytest.mark.parametrize("render", [torch_gradcheck_code, jax_check_grads_code])
def test_code_explains_why_its_numbers_differ_from_the_apps_check(render):
    code = render(recommended_tolerances("float64", 2.3))
    assert "differ from fdgui's own network check" in code
    assert "u^(1/3)" in code and "√u" in code
    ast.parse(code)


@pytest.mark.parametrize("engine", ["exact", "forward"])
def test_every_rendering_names_the_engine(engine):
    report = run_to_completion(CheckSettings(NetworkSpec((9, 7, 4), batch_size=8), engine=engine))
    assert report.engine == engine
    assert json.loads(render_json(report))["engine"] == engine
    assert f"{engine} engine" in render_text(report).splitlines()[1]
    assert f"{engine} engine" in render_markdown(report)
