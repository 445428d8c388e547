"""The vocabulary of a diagnosis (kinds, cases, reasons) and the record it is built in.

``Diagnosis`` is what ``fdgui.core.sweep.diagnosis.diagnose`` returns; ``_Reading`` collects
the facts every case shares. The case builders are in ``fdgui.core.sweep.cases``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fdgui.core.numbers import precision
from fdgui.core.sweep.engine import SweepResult

KINDS: tuple[str, ...] = ("correct", "wrong", "kink", "undefined", "vanished", "estimate")
# The finer reading behind a kind; the report words each one.
CASES: dict[str, str] = {
    "not-finite-at-w": "undefined",  # the loss at w itself is not finite
    "undefined-at-w": "undefined",  # the derivative does not exist at w (pole, jump, complex)
    "derivative-overflows": "estimate",  # it exists, but no float64 number holds it
    "checked-not-finite": "undefined",  # the gradient under check is NaN or ±inf
    # a typed formula NaN/±inf in float64 whose exact value agrees with the reference
    "checked-overflows": "estimate",
    # every usable ε straddles a pole (or the loss changes completely within it): no ε
    # resolves the derivative, which exists; read, not judged ...
    "pole-in-range": "estimate",
    # ... or a gradient under check that a reference confirmed (the analytic one, exact)
    "pole-confirmed": "correct",
    "one-sided": "undefined",  # the loss is finite on one side of w only
    "not-finite": "undefined",  # the loss is not finite near w at any ε
    "vanished": "vanished",  # w ± ε == w at every ε
    # measured rows with L+ = L− (= L) on every row: the loss's change is below their digits
    "flat-rows": "estimate",
    "estimate": "estimate",  # nothing under check: the best estimate and its error bar
    "too-few-rows": "estimate",  # measured rows too few to judge what is under check
    # under check, but no reference resolves it (its bar too wide, or rows with no h² law)
    "unresolved": "estimate",
    "wrong": "wrong",
    "kink-at": "kink",  # a kink at w itself
    "kink-crossed": "kink",  # ε crosses a kink at about kink_epsilon
    "range-too-narrow": "correct",  # the bottom of the V lies outside the range
    # the reference confirms; every ε of the chosen range exceeds the loss's scale
    "range-too-large": "correct",
    "limited": "correct",  # the dtype limits the finite differences; a reference confirms
    "consistent": "correct",  # no trusted reference; the finite differences do not refute
    "correct": "correct",
}
# Cases that neither confirm nor refute a gradient under check: `fdgui-cli sweep` exits 2
# for them when a gradient is under check (never a pass, never "wrong").
UNJUDGED_CASES: tuple[str, ...] = (
    "unresolved",
    "too-few-rows",
    "flat-rows",
    "checked-not-finite",  # a NaN/±inf gradient with no trusted reference: never a pass
    "checked-overflows",  # right in exact arithmetic, not finite as float64 computes it
)
# No loss or no derivative at w: a gradient under check (other than the exact derivative
# itself, which is then only not there) is neither confirmed nor refuted there: exit 2.
UNDEFINED_UNJUDGED: tuple[str, ...] = (
    "not-finite-at-w",
    "undefined-at-w",
    "derivative-overflows",
    "one-sided",
    "not-finite",
)


# How the recommended ε was chosen.
RECOMMENDATIONS: tuple[str, ...] = (
    "rule",  # the rule of thumb (nothing better to go by)
    "wrong",  # the rule of thumb: ε is not the problem
    "kink-at",  # the rule of thumb: no ε removes a kink at w
    "kink-crossed",  # at most a third of the kink distance
    "measured",  # the bottom of the measured V (facts["fallback"]: a scheme left at the rule)
    "no-useful-epsilon",  # no ε of the range gives a useful estimate: the rule of thumb
)
# What keeps the finite differences from confirming the gradient to the "Correct" band.
LIMITS: tuple[str, ...] = ("range", "round-off", "spacing", "truncation", "noise")
# Further observations the words mention.
REASONS: tuple[str, ...] = (
    "vanished-below",  # below facts["vanished_below"] the perturbation vanishes
    "loss-unchanged",  # L+ = L− = L at every ε: the change is below the loss's resolution
    "fd-resolved",  # (wrong) the finite differences settle, next to an independent reference
    "rises-again",  # (correct) the error grows again at smaller ε
    "no-rise",  # (correct) ... or does not, within the range
    "seed-rule-vanished",  # (correct) the float64 1e-7…1e-4 rule: ε = 1e-7 vanishes here
    "seed-rule-round-off",  # ... or is round-off dominated
)


@dataclass(frozen=True)
class Diagnosis:
    """What a sweep shows, as kinds and numbers; ``fdgui.core.report.sweep`` words it.

    ``facts`` holds the numbers and names the words need (always ``dtype``,
    ``unit_roundoff``, ``rule`` and ``spacing``; the others depend on the case: ``method`` and
    ``checked`` for the gradient under check, ``agreeing_method``/``agreeing_value`` for a
    confirming reference, ``best_relative_error``, ``best_epsilon``, ``band`` (a verdict key),
    ``possible``, ``edge``, ``vanished_below``, ``fallback``, ...).
    """

    kind: str
    case: str
    recommended: dict[str, float]  # "central", "forward"
    recommended_by: str
    limited_by: str | None = None
    reasons: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    consensus: float | None = None  # where the central estimates settle
    consensus_spread: float | None = None
    slope: float | None = None  # measured slope of the central error on the truncation side
    kink_epsilon: float | None = None


def judges_nothing(diagnosis: Diagnosis) -> bool:
    """A gradient is under check and the sweep neither confirms nor refutes it."""
    if "checked" not in diagnosis.facts:
        return False
    if diagnosis.case in UNDEFINED_UNJUDGED:
        return diagnosis.facts.get("method") != "analytic"
    return diagnosis.case in UNJUDGED_CASES


def _epsilon_limit(dtype: str) -> float:
    """The largest ε a sweep in ``dtype`` accepts (measured rows: "exact" has no format)."""
    try:
        return min(precision.LARGEST_EPSILON, precision.largest_finite(dtype))
    except ValueError:
        return precision.LARGEST_EPSILON


class _Reading:
    """Builds the Diagnosis: the facts every case shares, plus the case's own."""

    def __init__(self, result: SweepResult) -> None:
        self.result = result
        self.rule = {
            "central": result.rule_of_thumb["central"],
            "forward": result.rule_of_thumb["forward"],
        }
        self.facts: dict[str, Any] = {
            "dtype": result.dtype,
            "unit_roundoff": result.unit_roundoff,
            "rule": dict(self.rule),
            "spacing": result.spacing,
            # the sweep's largest ε and the largest one a sweep accepts in this dtype (advice
            # to sweep larger ε is given only below it)
            "epsilon_max": float(result.epsilons[-1]),
            "epsilon_limit": _epsilon_limit(result.dtype),
        }
        if result.extras.get("noise_sigma"):  # a loss that varies between calls (noise.py)
            self.facts["noise_sigma"] = float(result.extras["noise_sigma"])
            self.facts["noise_relative"] = float(result.extras["noise_relative"])
        if result.kind != "measured":  # a loss resolved only to an inner format's rounding
            from fdgui.core.sweep.inner_format import inner_on_grid, inner_reading

            inner = inner_reading(result)
            if inner is not None:
                self.facts["inner_flat_below"], self.facts["inner_rounding"] = inner[:2]
                if inner[2]:  # a float64 path beside the coarser part moves through the run
                    self.facts["inner_frozen"] = True
                if inner_on_grid(result):  # ... and both sides of w step at the same ε
                    self.facts["inner_on_grid"] = True
        if result.kind == "measured":  # rows: "vanished" means the losses did not change
            self.facts["measured_rows"] = True
            conflicts = result.extras.get("conflicting_epsilons")
            if conflicts:  # two rows share an ε with different losses
                self.facts["conflicting_epsilons"] = list(conflicts)
        self.reasons: list[str] = []

    def note_vanished(self) -> None:
        """Below some ε the perturbation vanishes (w ± ε == w): said after most readings."""
        result = self.result
        if result.vanished.any():
            self.facts["vanished_below"] = float(result.epsilons[result.vanished].max())

    def diagnosis(
        self,
        kind: str,
        case: str,
        recommended: dict[str, float] | None = None,
        recommended_by: str = "rule",
        limited_by: str | None = None,
        reasons: tuple[str, ...] = (),
        consensus: float | None = None,
        spread: float | None = None,
        slope: float | None = None,
        kink_epsilon: float | None = None,
        vanished_note: bool = True,
        **facts: Any,
    ) -> Diagnosis:
        all_reasons = list(reasons)
        if vanished_note and "vanished_below" in self.facts:
            all_reasons.append("vanished-below")
        return Diagnosis(
            kind,
            case,
            dict(self.rule) if recommended is None else recommended,
            recommended_by,
            limited_by,
            tuple(all_reasons),
            {**self.facts, **facts},
            consensus,
            spread,
            slope,
            kink_epsilon,
        )
