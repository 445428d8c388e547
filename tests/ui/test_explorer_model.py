"""ExplorerModel without widgets: texts, errors, sweeps, results, staleness, state."""

from __future__ import annotations

import json
import math

import pytest

from fdgui.core.models.mlp import NetworkSpec
from fdgui.ui.explorer.model import DEFAULT_TEXTS, ExplorerModel


@pytest.fixture
def model(qtbot):
    made = ExplorerModel()
    yield made
    made.cancel()
    made.deleteLater()


def sweep(model, qtbot) -> None:
    """Sweep and wait for it: an inline sweep whose references overrun their GUI-thread
    budget (a loaded machine) finishes in the worker instead."""
    model.sweep()
    qtbot.waitUntil(lambda: not model.is_busy(), timeout=120_000)


def record(signal) -> list:
    seen: list = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def test_texts_start_at_the_defaults_and_unknown_fields_are_refused(model):
    assert model.texts() == DEFAULT_TEXTS and model.source() == "expression"
    assert model.result() is None and model.errors() == {} and not model.is_busy()
    with pytest.raises(KeyError):
        model.set_text("no such field", "1")
    with pytest.raises(KeyError):
        model.set_source("elsewhere")


def test_a_sweep_emits_the_result_and_places_the_cursor(model, qtbot):
    results = record(model.resultChanged)
    readouts = record(model.readoutChanged)
    model.set_text("expression", "exp(w)")
    model.set_text("point", "1")
    sweep(model, qtbot)
    assert len(results) == 1 and results[0][0] is model.result()
    result = model.result()
    assert "exp(w)" in result.label and result.epsilons.size == 400
    assert result.reference.value == pytest.approx(math.e, rel=1e-15)
    assert model.diagnosis().kind == "correct"
    assert model.disagreeing_reference() is None  # the analytic gradient is right
    recommended = model.diagnosis().recommended["central"]
    assert model.cursor_epsilon() == pytest.approx(recommended)
    readout, sentence = readouts[-1]
    assert readout is model.readout() and readout.epsilon == pytest.approx(recommended)
    assert sentence


def test_a_wrong_backprop_makes_the_independent_reference_disagree(model):
    model.sweep_network_parameter(NetworkSpec((8, 6, 3)), "W1", 2, "float64", "softmax-factor")
    assert model.diagnosis().kind == "wrong"
    disagreeing = model.disagreeing_reference()
    assert disagreeing is not None and disagreeing.method == "complex step"
    assert disagreeing.value != pytest.approx(model.result().reference.value, rel=1e-6)
    assert not model.correct_but_limited()


def test_errors_are_signalled_per_field_and_mark_the_result_stale(model, qtbot):
    sweep(model, qtbot)
    errors = record(model.inputErrorChanged)
    stale = record(model.staleChanged)
    before = model.result()
    model.set_text("expression", "sin(w")
    model.set_text("max", "-1")
    model.sweep()
    assert set(model.errors()) == {"expression", "max"}
    assert ("expression", model.errors()["expression"]) in errors
    assert stale[-1][0] is True and "expression" in stale[-1][1] and "ε" in stale[-1][1]
    assert model.is_stale() and model.result() is before  # the last good sweep stays
    model.set_text("expression", "sin(w)")
    model.set_text("max", "1")
    sweep(model, qtbot)
    assert model.errors() == {} and ("expression", "") in errors
    assert stale[-1] == (False, "") and model.result() is not before


def test_a_requested_cursor_lands_after_the_sweep_when_in_range(model):
    spec = NetworkSpec((8, 6, 3))
    model.sweep_network_parameter(spec, "W1", 1, "float64", cursor_epsilon=3e-5)
    assert model.cursor_epsilon() == pytest.approx(3e-5)
    model.sweep_network_parameter(spec, "W1", 2, "float64", cursor_epsilon=50.0)  # beyond 1
    assert model.cursor_epsilon() == pytest.approx(model.diagnosis().recommended["central"])


def test_state_is_plain_data_and_restores_into_a_new_model(qtbot, model):
    model.set_source("network")
    model.set_texts({"layers": "8,6,3", "tensor": "b1", "index": "2", "dtype": "float32"})
    model.sweep()
    model.set_cursor_epsilon(1e-3)
    state = json.loads(json.dumps(model.state()))  # survives a session file
    assert state["source"] == "network" and state["texts"]["tensor"] == "b1"
    assert state["cursor_epsilon"] == pytest.approx(1e-3)

    fresh = ExplorerModel()
    texts = record(fresh.textsChanged)
    assert fresh.restore(state) == []
    assert fresh.texts() == model.texts() and fresh.source() == "network"
    assert texts[-1][0] == model.texts()  # the view is told
    fresh.sweep()  # the cursor returns once the restored inputs are swept
    assert fresh.result().kind == "network" and fresh.result().dtype == "float32"
    assert fresh.cursor_epsilon() == pytest.approx(1e-3)
    fresh.deleteLater()


def test_bad_state_entries_are_skipped_and_named(model):
    problems = model.restore(
        {
            "source": "elsewhere",
            "texts": {"point": "2", "dtype": "float128", "min": 5, "colour": "red"},
            "cursor_epsilon": "small",
            "unknown": [1],
        }
    )
    assert sorted(problems) == sorted(
        ["source", "texts.dtype", "texts.min", "texts.colour", "cursor_epsilon", "unknown"]
    )
    assert model.text("point") == "2"  # the good entry is restored
    assert model.text("dtype") == "float64" and model.text("min") == DEFAULT_TEXTS["min"]
    assert model.source() == "expression"
    assert model.restore("not a state") == ["state"]
    assert model.restore({"texts": ["x"]}) == ["texts"]
    assert model.restore({"cursor_epsilon": -1.0}) == ["cursor_epsilon"]


def test_a_cursor_too_large_for_a_float_loses_only_itself(model):
    problems = model.restore(
        {"source": "network", "texts": {"seed": "3"}, "cursor_epsilon": 10**400}
    )
    assert problems == ["cursor_epsilon"]
    assert model.source() == "network" and model.text("seed") == "3"


def test_an_infinite_cursor_is_ignored_so_the_state_stays_json(qtbot, model):
    import json

    with qtbot.waitSignal(model.resultChanged, timeout=10_000):
        model.sweep()
    before = model.state()["cursor_epsilon"]
    model.set_cursor_epsilon(float("inf"))
    assert model.state()["cursor_epsilon"] == before
    json.dumps(model.state(), allow_nan=False)
