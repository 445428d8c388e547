"""The words of a check left open by entries that disagree clearly at the first ε.

Such an entry (``TensorReport.unresolved``: beyond twice its window at the first ε — or
beyond it at all on a noisy loss, or anywhere in it on a loss rounding far coarser than its
dtype, ``results.COARSE_ATOL`` — and the
second look — a short ε sweep, Richardson, smaller steps — could neither confirm the
disagreement nor show the first ε at fault) never counts as agreeing: the check is
inconclusive, and "no entry disagrees" would be false (review9h #2). In such a coarse loss
any other entry left undecided keeps the check from passing too
(``netcheck_rounding.coarse_open_words``).
"""

from __future__ import annotations

from collections.abc import Callable

from fdgui.core.netcheck import CheckReport, Entry
from fdgui.core.numbers.format import significant

OPEN_WORDS = (
    "disagrees at the first ε; the short ε sweep, Richardson and smaller steps neither "
    "confirm it nor show the first ε at fault (noise, round-off or a kink near w can hide "
    "either): undecided, never agreeing"
)
NAMED = 3  # entries named in the verdict
OPEN_NOTES = ("open", "noise-open", "coarse-open")


def open_in_words(report: CheckReport, label: Callable[[Entry, bool], str]) -> str:
    """The inconclusive verdict of a check whose only open question is such entries
    (``label``: an entry's name as the report writes it)."""
    projection = report.settings.mode == "projection"
    unit = ("direction", "directions") if projection else ("entry", "entries")
    count = sum(t.unresolved for t in report.tensors)
    checked = sum(t.checked for t in report.tensors)
    if not any(entry.note == "open" for entry in report.worst) and any(
        entry.note == "noise-open" for entry in report.worst
    ):
        return _noise_open_words(report, label, count, checked)
    if report.coarse_step > 0 and not any(entry.note == "open" for entry in report.worst):
        return _coarse_open_words(report, label, count, checked)
    if not any(entry.note in OPEN_NOTES for entry in report.worst):
        same = [e for e in report.worst if e.note == "flat" and e.band != "correct"][:NAMED]
        if same:
            return _shown_same_words(report, label, count, checked, same)
    shown = [entry for entry in report.worst if entry.note in OPEN_NOTES][:NAMED]
    named = "; ".join(
        f"{label(entry, projection)}: numeric {significant(entry.numeric, 6)}, gradient "
        f"{significant(entry.analytic, 6)}"
        for entry in shown
    )
    named = f" ({named}{'; …' if count > len(shown) else ''})" if shown else ""
    noise = ""
    if report.noise_sigma > 0:
        noise = (
            f" The loss is noisy (σ = {significant(report.noise_sigma, 2)} between "
            "evaluations), and at the smaller steps that noise outweighs the difference."
        )
    where = label(shown[0], projection) if shown else f"the {unit[0]}"
    verb = "disagrees" if count == 1 else "disagree"
    return (
        f"Inconclusive: {count:,} of {checked:,} {unit[1]} {verb} "
        f"clearly at the first ε{named}, and a second look (a short ε sweep, Richardson, "
        "smaller steps) could neither confirm the disagreement nor show the first ε at fault: "
        f"a bug is not ruled out, so this is no pass.{noise} Sweep {where} in the ε explorer "
        "(fdgui-cli sweep --probe) to decide."
    )


def _shown_same_words(report: CheckReport, label, count: int, checked: int, same) -> str:
    """Open entries at a fixed ε below what float64 losses show: the exact engine's loss
    changes disagree with the gradient, but L+ and L− are the same float64 number, so no
    difference of losses confirms it (rev20n LOW: a bug confined to them passed)."""
    from fdgui.core.numbers.format import epsilon as epsilon_text

    named = "; ".join(f"{label(entry, False)}: exact change's slope "
                      f"{significant(entry.numeric, 6)}, gradient {significant(entry.analytic, 6)}"
                      for entry in same)  # fmt: skip
    more = "; …" if count > len(same) else ""
    return (
        f"Inconclusive: at ε = {epsilon_text(report.settings.epsilon)} the exact engine's loss "
        f"changes disagree with the gradient for {count:,} of {checked:,} entries ({named}{more}), "
        "but L+ and L− are the same float64 number there: no difference of float64 losses "
        "reproduces those changes, so nothing confirms the disagreement. A bug is not ruled "
        "out, so this is no pass: check again at a larger ε (leave ε empty for the "
        "recommended one)."
    )


def _noise_open_words(report: CheckReport, label, count: int, checked: int) -> str:
    """Open entries of a noisy loss only (note "noise-open", review17p M1): they agreed within
    the window the noise widened at the first ε, but wider steps put the slope beyond two
    bars of the gradient, and nothing could tell a bug from the noise, a drift or a kink."""
    shown = [entry for entry in report.worst if entry.note == "noise-open"][:NAMED]
    named = "; ".join(
        f"{label(entry, False)}: wider steps {significant(entry.numeric, 6)}, gradient "
        f"{significant(entry.analytic, 6)}"
        for entry in shown
    )
    named = f" ({named}{'; …' if count > len(shown) else ''})"
    verb = "agrees" if count == 1 else "agree"
    return (
        f"Inconclusive: {count:,} of {checked:,} entries{named} {verb} with the gradient only "
        "within the window the loss's noise widened at the first ε (σ = "
        f"{significant(report.noise_sigma, 2)} between evaluations); at wider steps, where "
        "that noise is small against the step, the slope lies more than two bars from the "
        "gradient, and the checks that would call it wrong could not tell a bug from the noise, "
        "a drift of the loss from call to call or a kink: a bug is not ruled out, so this is no "
        f"pass. Sweep {label(shown[0], False)} in the ε explorer (fdgui-cli sweep --probe) to "
        "decide."
    )


def _coarse_open_words(report: CheckReport, label, count: int, checked: int) -> str:
    """Open entries whose axis shows a coarser part's steps no step of the check moves (note
    "coarse-open", review20n C1): the small steps measure the float64 rest of the loss alone,
    and no step resolves whether the gradient's difference is that part's slope or a bug."""
    shown = [entry for entry in report.worst if entry.note == "coarse-open"][:NAMED]
    named = "; ".join(
        f"{label(entry, False)}: numeric {significant(entry.numeric, 6)}, gradient "
        f"{significant(entry.analytic, 6)}"
        for entry in shown
    )
    named = f" ({named}{'; …' if count > len(shown) else ''})" if shown else ""
    verb, stay = ("disagrees", "stays") if count == 1 else ("disagree", "stay")
    where = label(shown[0], False) if shown else "the entry"
    return (
        f"Inconclusive: too coarse to judge (no ε moves the coarser part). {count:,} of "
        f"{checked:,} entries{named} {verb} with the gradient at the check's small steps and "
        f"{stay} open: along those the small steps called wrong the loss has a part coarser "
        "than float64 (a float16 or bfloat16 sum, a quantiser) that moves in steps of about "
        f"{significant(report.coarse_step, 2)} and "
        "stays frozen over every step the check's small differences take: those measure the "
        "rest of the loss alone, while a gradient of the whole loss holds the part's slope "
        "too, and the wider steps' error (a step's height over the step) hides that slope. A "
        "bug is not ruled out, so this is no pass. Compute that part in float64 to check the "
        f"gradient, or sweep {where} in the ε explorer (fdgui-cli sweep --probe) at wider ε."
    )


def no_estimate_words(report: CheckReport, label: Callable[[Entry, bool], str]) -> str:
    """The inconclusive verdict of a check where the loss is not a finite number beside θ
    for some entries (their gradient finite): nothing estimates those, so no pass."""
    projection = report.settings.mode == "projection"
    unit = ("direction", "directions") if projection else ("entry", "entries")
    count = sum(t.no_estimate for t in report.tensors)
    checked = sum(t.checked for t in report.tensors)
    first = next((e for e in report.worst if e.note == "no-loss"), None)
    where = f" (the first: {label(first, projection)})" if first is not None else ""
    return (
        f"Inconclusive: the loss is not a finite number at θ + ε or θ − ε for {count:,} of "
        f"{checked:,} {unit[1] if checked != 1 else unit[0]}{where}, so finite differences "
        "estimate nothing there and their gradient is not judged: no pass. The loss must be "
        "defined (finite) around the point under check."
    )


def open_tensor_words(tensor) -> str:
    """A tensor's status in words when entries of it disagree clearly and stay open (at the
    first ε, or, a noisy loss's "noise-open" entries, at wider steps)."""
    return (
        f"{tensor.unresolved:,} of {tensor.checked:,} entries disagree with the gradient (at the "
        "first ε, or, on a noisy loss, at wider steps) and no further look could confirm that "
        "or show the steps at fault: undecided, so this tensor cannot pass"
    )


def loose_directions_words(report: CheckReport) -> str:
    """The inconclusive verdict of a projections check some of whose directions agree only
    within a window of a percent of their gradient or more, or stay undecided."""
    count = sum(t.loose_directions for t in report.tensors)
    checked = sum(t.checked for t in report.tensors)
    names = ", ".join(t.name for t in report.tensors if t.loose_directions)
    verb = "agrees" if count == 1 else "agree"
    return (
        f"Inconclusive: {count:,} of {checked:,} directions ({names}) {verb} only within a "
        "window of 1 % of the gradient or more, or cannot be decided at all: the loss rounds "
        "far coarser than float64 at these steps (a part computed in a lower precision, such "
        "as float32, or noise). A bug of that size is not ruled out, and directions are not "
        "re-checked on wider steps, so this is no pass. Run the full check (--mode full), "
        "which re-checks such entries on wider steps."
    )
