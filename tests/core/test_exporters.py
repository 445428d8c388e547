"""The exporter registry: every (result type, format) pair renders, parses, or says why not."""

from __future__ import annotations

import csv
import io
import json

import pytest

from fdgui.core.calculator.schemes import estimate, parse_inputs
from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.netcheck import CheckSettings, run_to_completion
from fdgui.core.report import exporters
from fdgui.core.report.sweep import SweepReport, diagnosis_text, diagnosis_title
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.objectives import expression_objective


def _estimate():
    inputs, errors = parse_inputs(
        {"loss": "1", "loss_plus": "1.0010005", "loss_minus": "0.9990005", "epsilon": "1e-3",
         "backprop": "1"}
    )  # fmt: skip
    assert not errors
    return estimate(inputs)


def _sweep():
    result = run_sweep(expression_objective("exp(w)", "1"), SweepSettings(points=60))
    return SweepReport(result, diagnose(result))


def _check():
    return run_to_completion(CheckSettings(NetworkSpec((6, 5, 3)), bug="softmax-factor"))


RESULTS = {"estimate": _estimate, "sweep": _sweep, "check": _check}


@pytest.fixture(scope="module", params=sorted(RESULTS))
def result(request):
    return RESULTS[request.param]()


def test_every_result_has_every_format(result):
    assert exporters.formats_for(result) == exporters.FORMATS


@pytest.mark.parametrize("fmt", exporters.FORMATS)
def test_every_registered_pair_renders_text(result, fmt):
    text = exporters.export(result, fmt)
    assert isinstance(text, str) and text.strip()
    assert text.endswith("\n")


def test_json_parses_strictly(result):
    data = json.loads(exporters.export(result, "json"), parse_constant=pytest.fail)
    assert isinstance(data, dict) and data


def test_csv_parses_into_rows_of_equal_width(result):
    rows = list(csv.reader(io.StringIO(exporters.export(result, "csv"))))
    assert len(rows) >= 2
    assert len({len(row) for row in rows}) == 1


def test_markdown_has_a_heading_and_a_table(result):
    markdown = exporters.export(result, "markdown")
    assert markdown.startswith("# ")
    assert "|---" in markdown


def test_sweep_text_says_the_diagnosis():
    report = _sweep()
    text = exporters.export(report, "text")
    assert f"{diagnosis_title(report.diagnosis)}: {diagnosis_text(report.diagnosis)}" in text
    data = json.loads(exporters.export(report, "json"))
    assert data["diagnosis"]["text"] == diagnosis_text(report.diagnosis)


def test_calculator_csv_keeps_exact_decimals():
    rows = dict(csv.reader(io.StringIO(exporters.export(_estimate(), "csv"))))
    data = json.loads(exporters.export(_estimate(), "json"))
    assert rows["loss_plus"] == "1.0010005"  # as typed
    assert rows["gradient"] == data["gradient"] == "1"
    assert rows["uncertainty"] == data["uncertainty"] == "0.00005"
    assert rows["verdict"] == data["check"]["verdict"]


def test_options_reach_the_renderer():
    report = _check()
    short = exporters.export(report, "text", worst_count=1)
    assert "Worst 1:" in short
    assert "Worst 1:" not in exporters.export(report, "text", worst_count=3)


def test_unknown_format_is_refused_by_name():
    with pytest.raises(exporters.UnknownExport, match="'pdf' export for Estimate"):
        exporters.export(_estimate(), "pdf")


def test_unknown_result_type_is_refused_by_name():
    with pytest.raises(exporters.UnknownExport, match=r"for dict .*no exporters"):
        exporters.export({}, "text")
    assert exporters.formats_for(object) == ()


def test_registering_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="not one of the export formats"):
        exporters.register(dict, "pdf")


def test_subclasses_use_their_parents_exporters():
    class Labelled(SweepReport):
        pass

    report = _sweep()
    labelled = Labelled(report.result, report.diagnosis)
    assert exporters.export(labelled, "text") == exporters.export(report, "text")
