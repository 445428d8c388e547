"""Dense measured tables (`sweep --table`, issue 10; the lead's finding L1 of session 5):
2,000 rows of (1 + ε)³ confirmed a gradient 3.0001 because the room for a kink near w
was read over the ten smallest rows — ε a few per cent apart, where each row's round-off
u·|L|/ε dwarfs what the law changes — so the bar grew with the rows (± 2e-7 at 40 rows,
± 2e-4 at 2,000), and a loss at w printed "1" beside 17-digit L± (± 0.5) bounded no kink
at all. The reference is now the narrowest over every row and over chains of rows a ratio
apart (``row_windows``), and a loss at w too coarse to bound a kink leaves the room to
L+ + L− (on the one-kink assumption, said in the words). Truths are 50-digit mpmath."""

import itertools
import json

import mpmath as mp
import pytest

from fdgui.core.report.exporters import export
from fdgui.core.report.sweep import SweepReport, diagnosis_text
from fdgui.core.requests import table_request
from fdgui.core.sweep.diagnosis import diagnose
from fdgui.core.sweep.engine import SweepSettings, run_sweep
from fdgui.core.sweep.row_windows import chains

mp.mp.dps = 50


def _cube_rows(count: int, loss_at_w: str | None) -> str:
    """The lead's table: (1 ± ε)³ by repr at ε = 10^(−1 − 7k/count), the truth exactly 3."""
    lines = ["eps,L+,L-" + (",L" if loss_at_w is not None else "")]
    for k in range(count):
        e = 10.0 ** (-1 - 7 * k / count)
        row = f"{e!r},{(1 + e) ** 3!r},{(1 - e) ** 3!r}"
        lines.append(row + (f",{loss_at_w}" if loss_at_w is not None else ""))
    return "\n".join(lines) + "\n"


def _rows(function, w: str, count: int, with_loss: bool, low=-8.0, high=-1.0) -> str:
    point = mp.mpf(w)
    lines = []
    for k in range(count):
        e = 10.0 ** (high + (low - high) * k / (count - 1))
        plus, minus = float(function(point + e)), float(function(point - e))
        row = f"{e!r},{plus!r},{minus!r}"
        lines.append(row + (f",{float(function(point))!r}" if with_loss else ""))
    return "\n".join(lines) + "\n"


def _judge(text: str, gradient: str):
    objective, _problems, dtype = table_request(text, gradient, "float64")
    result = run_sweep(objective, SweepSettings(dtype=dtype))
    return result, diagnose(result)


def _reference(result):
    return next(r for r in result.references if r.method == "Richardson")


@pytest.mark.parametrize("loss_at_w", ["1", "1.0", None])
def test_dense_rows_refute_an_offset_they_resolve(loss_at_w):
    text = _cube_rows(2000, loss_at_w)
    result, diagnosis = _judge(text, "3.0001")
    reference = _reference(result)
    assert reference.trusted and abs(reference.value - 3.0) <= reference.error < 1e-6
    assert diagnosis.kind == "wrong", (diagnosis.case, reference.error)
    _result, diagnosis = _judge(text, "3")
    assert diagnosis.kind == "correct", diagnosis.case


def test_a_loss_at_w_too_coarse_for_a_kink_says_what_the_verdict_assumes():
    result, diagnosis = _judge(_cube_rows(2000, "1"), "3.0001")
    words = diagnosis_text(diagnosis)
    assert "given with too few digits" in words and "no loss at w" not in words
    data = json.loads(export(SweepReport(result, diagnosis), "json"))
    assert data["diagnosis"]["assumes"].startswith(
        "at most one kink between w and the smallest epsilon, the loss otherwise smooth"
    )
    # printed in full, the loss at w bounds the kink itself: nothing assumed
    result, diagnosis = _judge(_cube_rows(2000, "1.0"), "3.0001")
    assert "one_kink" not in diagnosis.facts


FUNCTIONS = {
    "cube": (lambda x: (1 + x) ** 3, "0.3"),
    "sin": (lambda x: mp.sin(3 * x + mp.mpf("0.4")), "-0.7"),
    "tanh": (lambda x: mp.tanh(2 * x - mp.mpf("0.3")), "0.2"),
    "exp": (lambda x: mp.exp(mp.mpf("0.7") * x), "0.9"),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("with_loss", [True, False])
def test_more_rows_never_widen_the_bar(name, with_loss):
    function, w = FUNCTIONS[name]
    truth = float(mp.diff(function, mp.mpf(w)))
    bars = {}
    for count in (40, 400, 3000):
        result, _diagnosis = _judge(_rows(function, w, count, with_loss), repr(truth))
        reference = _reference(result)
        assert reference.trusted, (count, reference.note)
        assert abs(reference.value - truth) <= reference.error, (count, reference)
        bars[count] = reference.error
    # the same range measured more densely bounds the derivative no worse (a chain of
    # the dense rows is a table of about the sparse one's spacing)
    assert max(bars[400], bars[3000]) <= 3.0 * bars[40], bars


def test_chains_start_at_the_smallest_row_and_thin_by_a_ratio():
    steps = [10.0 ** (-k / 100) for k in range(300)]  # 1 … 1e-3, a factor 1.023 apart
    found = chains(steps)
    assert found, "dense rows give chains"
    for chain in found:
        picked = sorted(steps[i] for i in chain)
        assert picked[0] == min(steps)
        assert all(b / a >= 1.1 for a, b in itertools.pairwise(picked))
    # rows already a factor 2 apart are their own chain: nothing thinner is read
    assert chains([2.0**-k for k in range(12)]) == []


def _sine_rows(with_loss: bool, kink: float = 0.0) -> tuple[str, mp.mpf]:
    """sin(3w + 0.4) at w = −0.707, ten rows over ε 1e-6…1e-2, printed to 8 digits (plus
    ``kink``·|x − w|: a kink at w whose one-sided slopes are the sine's ± ``kink``)."""
    point = mp.mpf("-0.707")

    def f(x):
        return mp.sin(3 * x + mp.mpf("0.4")) + mp.mpf(kink) * abs(x - point)

    lines = []
    for k in range(10):
        e = 10.0 ** (-2 - 4 * k / 9)
        row = f"{e!r},{float(f(point + e)):.8g},{float(f(point - e)):.8g}"
        lines.append(row + (f",{float(f(point)):.8g}" if with_loss else ""))
    return "\n".join(lines) + "\n", mp.diff(f, point)


def test_a_confirmation_resting_only_on_the_kink_room_is_none():
    # no loss at w: the bar (± 0.021) is nearly all room for a kink near w; without it the
    # rows resolve the derivative to ± 1e-4, so a 1 % bug was "Gradient correct … limited
    # by truncation" (the rows settle within 1e-8 of the truth). Each column's own slope
    # resolves it too (``side_slopes``, lowtab25): the bug is wrong
    text, truth = _sine_rows(with_loss=False)
    _result, diagnosis = _judge(text, mp.nstr(truth * mp.mpf("1.01"), 17))
    assert diagnosis.kind == "wrong" and "sides_refute" in diagnosis.facts
    # with a kink at w (slopes ± 0.006 about the sine's) a gradient 1 % off lies between its
    # one-sided slopes: only the room for that kink holds it, neither confirmed nor refuted
    text, truth = _sine_rows(with_loss=False, kink=0.006)
    result, diagnosis = _judge(text, mp.nstr(truth * mp.mpf("1.01"), 17))
    assert diagnosis.kind == "estimate" and diagnosis.case == "unresolved"
    room = diagnosis.facts["room_only"]
    assert 0 < room < diagnosis.facts["kink_room"]
    assert "unless such a kink lies there" in diagnosis_text(diagnosis)
    assert abs(_reference(result).value - float(truth)) <= room
    _result, diagnosis = _judge(text, mp.nstr(truth, 17))
    assert diagnosis.kind == "correct"
