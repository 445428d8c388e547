"""The sentence about the point under the explorer's cursor: which error dominates at that ε,
or that the difference there comes from the gradient under check, not from ε."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fdgui.core.numbers.format import epsilon as _eps
from fdgui.core.numbers.format import ratio as _rel
from fdgui.core.numbers.format import uncertainty as _bar
from fdgui.core.report.sweep_cases import _fmt
from fdgui.core.sweep.engine import SweepResult
from fdgui.core.sweep.measured import MIN_JUDGING_ROWS
from fdgui.core.sweep.readout import PointReadout

__all__ = ["point_text"]


def _floored(result: SweepResult, readout: PointReadout) -> str:
    """When the relative error's 1e-8 floor is its denominator (the estimate and the
    gradient under check both below it): that, and the error against the gradient itself."""
    estimate = readout.estimates.get("central")
    if result.reference is None or estimate is None:
        return ""
    value, checked = float(estimate), float(result.reference.value)
    larger = max(abs(value), abs(checked))
    if not (0 < larger < 1e-8) or not math.isfinite(value):
        return ""
    itself = _rel(abs(value - checked) / larger)
    return f", against the 1e-8 floor; against the gradient itself {itself}"


def _against_reference(
    result: SweepResult, readout: PointReadout, diagnosis: Any, epsilon: str
) -> str:
    """The estimate at the cursor measured against the tightest trusted reference, for a
    gradient under check the diagnosis does not call wrong: its difference from the estimate
    is then no evidence that "the difference is in the gradient" (a "0.7648" typed for
    0.764842 read so under "Too coarse to judge", review10j M1); "" without such a reference."""
    trusted = result.trusted_references()
    if not trusted or result.reference is None:
        return ""
    truth = trusted[0]
    index = result.index_of(readout.epsilon)
    with np.errstate(all="ignore"):
        predicted = float(result.predicted_error("central", gradient=truth.value)[index])
    own = abs(float(readout.estimates["central"]) - truth.value)
    gap = abs(float(result.reference.value) - truth.value)
    facts = diagnosis.facts
    if facts.get("few_typed_digits") or facts.get("claim_rounding") == "digits":
        half = facts.get("claim_digits") or facts.get("claim_half_unit") or 0.0
        within = f", within half its last typed digit ({_bar(half)})"
    elif facts.get("claim_rounding") in ("dtype", "constants"):
        within = f", within what {facts.get('claim_dtype', result.dtype)} allows it"
    else:
        within = ", which the diagnosis above weighs"
    explained = "as" if own <= 10.0 * predicted else "beyond what"
    return (  # two lines at the window's smallest width: no relative error to the claim
        f"At ε = {epsilon} the estimate is {_bar(own)} from the {truth.method} reference "
        f"({explained} round-off and truncation allow: {_bar(predicted)}); the gradient under "
        f"check is {_bar(gap)} from it{within}."
    )


def point_text(result: SweepResult, readout: PointReadout, diagnosis: Any = None) -> str:
    """One sentence about the chosen ε: which error dominates there. With the ``diagnosis``
    of the sweep, a gradient it does not call wrong is never blamed for the difference."""
    epsilon = _eps(readout.epsilon)
    if readout.vanished and result.kind == "measured":
        return (
            f"At ε = {epsilon} the losses do not change in the digits given (L+ = L−): the "
            "change is below what this row resolves, so every estimate is 0."
        )
    if readout.vanished:
        return (
            f"At ε = {epsilon} the perturbation vanishes in {result.dtype}: w ± ε rounds to w, "
            "so L+ = L− = L and every estimate is 0."
        )
    error = readout.relative_errors.get("central")
    error_text = (
        ""
        if error is None
        else f" (central relative error {_rel(error)}{_floored(result, readout)})"
    )
    if readout.loss_plus == readout.loss_minus == readout.loss:
        return (
            f"At ε = {epsilon} the loss does not change at all in {result.dtype}: the change "
            "ε·|dL/dw| is below the loss's resolution, so every estimate is 0."
        )
    if readout.regime == "outside":  # no grid point's errors or regime hold there
        return (
            f"At ε = {epsilon}, outside the swept range ({_eps(result.epsilons[0])} to "
            f"{_eps(result.epsilons[-1])}): which error dominates is not read here{error_text}."
        )
    index = result.index_of(readout.epsilon)
    if result.reference is not None and readout.estimates.get("central") is not None:
        # an error far above what round-off and truncation explain at this ε comes from the
        # gradient under check, not from ε (an injected bug is not "round-off")
        with np.errstate(all="ignore"):
            predicted = float(result.predicted_error("central")[index])
        actual = abs(float(readout.estimates["central"]) - result.reference.value)
        rows_reference = next(
            (r for r in result.trusted_references() if result.kind == "measured"), None
        )
        if result.kind == "measured" and rows_reference is None and actual > 0:
            rows = result.epsilons.size
            few = rows < MIN_JUDGING_ROWS
            return (  # rows' truncation unknown: nothing to blame (the banner says the same)
                f"At ε = {epsilon} the estimate differs from the gradient under check by "
                f"{_fmt(actual, 2)}; "
                + (f"with {rows} row{'s' if rows != 1 else ''}" if few else "over these rows")
                + " the truncation at this ε is not known, so that does not tell the gradient "
                f"from ε{error_text}."
            )
        if rows_reference is not None:  # the rows' truncation here, as their reference sees it
            truncation = abs(float(readout.estimates["central"]) - rows_reference.value)
            predicted += truncation + float(rows_reference.error or 0.0)
        if math.isfinite(predicted) and actual > 10.0 * predicted and actual > 0:
            if diagnosis is not None and diagnosis.kind != "wrong":
                measured = _against_reference(result, readout, diagnosis, epsilon)
                if measured:
                    return measured
            return (
                f"At ε = {epsilon} the estimate differs from the gradient under check by "
                f"{_fmt(actual, 2)}, far more than round-off and truncation explain here "
                f"(about {_fmt(predicted, 2)}): the difference is in the gradient, not in ε"
                f"{error_text}."
            )
    messages = {
        "round-off": "round-off dominates: the losses agree in most of their digits and the "
        "difference is mostly rounding",
        "truncation": "truncation dominates: ε is large enough that the curvature of the loss "
        "shows in the estimate",
        "balanced": "truncation and round-off are balanced: this is near the best ε",
        "unknown": "the estimate is not finite here",
    }
    return f"At ε = {epsilon}, {messages.get(readout.regime, readout.regime)}{error_text}."
