"""The round-off of one loss value, measured near θ0 (both probe engines use it).

A loss made of large terms that cancel (an offset of 1e9 added and taken away, a sum whose
terms are far larger than the result) rounds as its terms do, not as u·|L|. Losses along a
few fixed random lines through θ0, an eighth of the step apart, are a smooth curve to far
more digits than the loss has: what is left after fitting a cubic is the round-off.

Kinks must not pass for round-off (an L1 penalty's exact zeros, a relu whose input is 0 at
θ0: a kink crossed leaves a residual of its slope change times the spacing, which would make
every tolerance wide enough to pass a wrong gradient). So each line is two one-sided fans of
``FAN_POINTS`` losses starting at θ0 (``numbers.quadratic.fan_residuals``): a kink at θ0 lies
in neither, a jump at θ0 or a kink near it in a single fan; the round-off is the median over
``LINES`` lines of their quieter fan (a kink crossed by a minority of lines is left out),
and the cubic takes out the curvature along the line (a steep exponential's third derivative
is not round-off).

Per tensor: a part of the loss that is coarse in one tensor only ((1e9 + Σ sin b) − 1e9 beside
a smooth Σ cosh a) rounds only where that tensor moves, so each tensor (up to
``TENSOR_LINES`` of them) is measured along a line that moves it alone, and the entries of a
tensor are judged with their own tensor's round-off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from fdgui.core.numbers.precision import recommended_epsilon, unit_roundoff
from fdgui.core.numbers.quadratic import fan_offsets, fan_residuals

ROUNDOFF_SAFETY = 3.0  # the median deviation seen, times this, bounds one loss's round-off
LINES = 3  # random lines through all of θ (two fans each)
TENSOR_LINES = 8  # tensors measured on a line of their own (the rest use the all-θ lines)
# a loss that hardly changes along the fans (a staircase of round-off coarser than its change
# there: float32 arithmetic under an offset of 2e4 moved by 1e-6) tells nothing of its
# round-off: the fans are widened WIDER times, up to WIDENINGS times, until the losses'
# range is TELLING times their residual — and only while the losses still move in whole
# quanta (``quantized``): widened fans that reach a kink (a hinge's margin) measure no
# round-off
WIDER = 16.0
WIDENINGS = 4
TELLING = 8.0
QUANTUM_SLACK = 0.02  # widened fans count only where their changes are whole quanta
# a residual above SHAPE_FLOOR·u·|L| may be the loss's shape (a term C·(x/D)⁴ with D
# near the spacing), not round-off: the fans are measured again NARROWER times closer, up
# to NARROWINGS times; round-off does not depend on the spacing, a smooth shape's residual
# after the cubic falls as its fourth power — one that falls SHAPE_FALL times or more was shape
SHAPE_FLOOR = 8.0
NARROWER = 4.0
NARROWINGS = 6
SHAPE_FALL = 8.0


@dataclass(frozen=True)
class MeasuredRoundoff:
    """The round-off along lines moving all of θ (``overall``) and, for a model of several
    tensors, along lines moving one tensor only (``tensors[p]``; None: not measured)."""

    overall: float
    tensors: tuple[float | None, ...] = ()
    evaluations: int = 0
    scale: float = 0.0  # the loss's median change over a unit move along the all-θ lines
    # the same along each tensor's own line (None: not measured): a tensor whose entries
    # live at 1e-6 changes the loss by 1e8 over a unit move, which says nothing of the size
    # another tensor's losses round at
    scales: tuple[float | None, ...] = ()

    def of(self, position: int) -> float:
        """The round-off the entries of tensor ``position`` see."""
        if position < len(self.tensors) and self.tensors[position] is not None:
            return float(self.tensors[position])
        return self.overall

    def scale_of(self, position: int) -> float:
        """The loss's change over a unit move along tensor ``position``'s own line (the
        all-θ lines' when it has none)."""
        if position < len(self.scales) and self.scales[position] is not None:
            return float(self.scales[position])
        return self.scale


def roundoff_points(tensors: int) -> int:
    """The losses one measurement evaluates (before any widening) for ``tensors`` tensors,
    when its lines agree (``measure_roundoffs``: one all-θ line beside the tensors')."""
    own = min(tensors, TENSOR_LINES) if tensors > 1 else 0
    return ((1 if own else LINES) + own) * fan_offsets().size


# the measurement's losses are asked for as lines (directions and steps): a ``losses`` that
# evaluates lines itself (``along_lines``: a probe builds each point in its own process) is
# sent those; any other gets the points, built here (settings.roundoff_bytes bills them)
ALONG_LINES = True


@dataclass(frozen=True)
class Lines:
    """Points θ + steps[j]·directions[i] (row-major), kept as their lines."""

    directions: np.ndarray
    steps: np.ndarray


def on_lines(losses, theta: np.ndarray, directions: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """L at θ + steps[j]·directions[i] for every line i and step j (row-major), float64:
    through ``losses.along_lines`` where it has one, else at the points built here (bit for
    bit the same points either way)."""
    along = getattr(losses, "along_lines", None)
    if along is not None:
        grid = np.broadcast_to(steps[None, :], (directions.shape[0], steps.size))
        return np.asarray(along(directions, grid), dtype=np.float64)
    moves = steps[None, :, None] * directions[:, None, :]
    points = (theta[None, None, :] + moves).reshape(-1, theta.size)
    return np.asarray(losses(points), dtype=np.float64)


def _directions(size: int, span: slice | None, seed: int, lines: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    units = np.zeros((lines, size))
    part = slice(0, size) if span is None else span
    units[:, part] = rng.normal(size=(lines, part.stop - part.start))
    units /= np.linalg.norm(units, axis=1, keepdims=True)
    return units


def measure_roundoffs(
    losses: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    precision: str,
    epsilon: float | None = None,
    share: float | None = None,
    offsets: list[int] | None = None,
    step_scales: list[float] | None = None,
) -> MeasuredRoundoff:
    """The round-off along all of θ and along a line of each tensor's own (``offsets``: the
    tensors' starts and the end; one tensor when None).

    Each value is the median over the lines (LINES of them through all of θ, one per
    tensor) of their quieter fan's residual (``fan_residuals``); their points are
    ``epsilon``/8 apart (the precision's recommended step when None; wider while the loss
    hardly changes along them); 0 when no fan has enough finite losses, and (``share``
    given) when that median is more than ``share`` of the fans' median range: a jump or
    kink in most fans, not round-off (a check must not widen its tolerances by it; an
    estimate's bar may).

    Fewer lines where they agree: with a line of each tensor's own, the first all-θ line
    is measured with them, and the other LINES − 1 only when its value and the tensors'
    differ by more than AGREE times (a kink crossed by that line, a part coarse in one
    tensor): then the median of LINES decides as before. A loss that rounds alike
    everywhere (most networks) costs LINES − 1 lines less (review9e, speed)."""
    arguments = (losses, theta, precision, epsilon, share, offsets, step_scales)
    count = 1 if offsets is None else len(offsets) - 1
    if count < 2:
        return _measure(*arguments, LINES, True)
    found = _measure(*arguments, 1, True)
    if _agree(found):
        return found
    overall = _measure(*arguments, LINES, False)
    return replace(
        found,
        overall=overall.overall,
        scale=overall.scale,
        evaluations=found.evaluations + overall.evaluations,
    )


AGREE = 4.0  # the first all-θ line and the tensors' own lines agree within this factor


def _agree(found: MeasuredRoundoff) -> bool:
    """Whether the one all-θ line's round-off and every tensor line's are all 0 or all
    within a factor AGREE of each other."""
    values = [found.overall, *(v for v in found.tensors if v is not None)]
    if all(v == 0 for v in values):
        return True
    if any(v == 0 for v in values):
        return False
    return max(values) <= AGREE * min(values)


def _measure(losses, theta, precision, epsilon, share, offsets, step_scales, lines,
             tensor_lines) -> MeasuredRoundoff:  # fmt: skip
    """measure_roundoffs with ``lines`` all-θ lines, and (``tensor_lines``) a line of each
    tensor's own."""
    spacing = (recommended_epsilon(precision, 0.0) if epsilon is None else float(epsilon)) / 8
    k = fan_offsets()
    groups: list[slice | None] = [None]
    positions: list[int] = []
    bounds = list(offsets) if offsets is not None else [0, theta.size]
    count = len(bounds) - 1
    if count > 1 and tensor_lines:
        positions = [p for p in range(count) if bounds[p + 1] > bounds[p]][:TENSOR_LINES]
        groups += [slice(bounds[p], bounds[p + 1]) for p in positions]
    units = [
        _directions(theta.size, span, 11 + number, lines if span is None else 1)
        for number, span in enumerate(groups)
    ]
    if step_scales is not None and any(value != 1.0 for value in step_scales):
        # a tensor whose entries live far below 1 is moved at its own scale (own_scales):
        # a unit along the lines is then one such scale of each tensor
        stretch = np.ones(theta.size)
        for position, value in enumerate(step_scales):
            stretch[bounds[position] : bounds[position + 1]] = value
        units = [lines * stretch for lines in units]
    reach = spacing * float(np.max(np.abs(k)))
    if precision == "float64":  # (a coarser loss's own rounding dwarfs such curvature)
        own_share = unit_roundoff(precision) ** 0.25
        units = [_left_alone(lines, theta, reach, own_share) for lines in units]
    found = [0.0] * len(groups)
    scales = [0.0] * len(groups)
    sizes = [0.0] * len(groups)  # the largest |L| each group's fans saw
    first = set()  # groups measured at the first spacing (no widening)
    parts: dict[int, tuple[float, np.ndarray, np.ndarray]] = {}  # a coarser part's quantum
    quanta = set()  # groups whose losses move in whole multiples of a quantum
    u = unit_roundoff(precision)
    pending = list(range(len(groups)))
    told: dict[int, list[float]] = {}  # residuals of fans the share rule did not trust
    evaluations = 0
    for widening in range(WIDENINGS + 1):
        chosen = np.concatenate([units[number] for number in pending])
        along = k * spacing * WIDER**widening  # the fans' steps along each line
        values = on_lines(losses, theta, chosen, along).reshape(chosen.shape[0], k.size)
        evaluations += values.size
        waiting, row = [], 0
        for number in pending:
            lines = units[number].shape[0]
            group = values[row : row + lines]
            at = Lines(chosen[row : row + lines], along)
            row += lines
            middle, spread = _fans(group)
            with np.errstate(invalid="ignore"):
                sizes[number] = float(np.max(np.abs(group), initial=0.0, where=np.isfinite(group)))
            floor = SHAPE_FLOOR * u * max(sizes[number], 1e-300)
            if share is not None and not middle <= share * spread:
                # a jump or kink in most fans, or a loss that hardly changes along them
                # beside a coarser part's rounding: wider fans tell them apart (``_told``)
                if widening < WIDENINGS and middle > floor:
                    told.setdefault(number, []).append(middle)
                    waiting.append(number)
                    continue
                middle = 0.0
            elif number in told:  # round-off does not grow with the spacing, a kink's does
                middle = _told(told.pop(number), middle, floor)
                found[number] = max(found[number], middle)
                if middle > 0:
                    unit = spread / ((k.size // 2) * spacing * WIDER**widening)
                    scales[number] = max(scales[number], unit)
                continue
            quantum = loss_quantum(group, floor)
            if not quantum and not parts.get(number, (0.0,))[0]:  # a coarser part's steps
                parts[number] = (part_quantum(group, floor), at, group)  # (_parts_kept)
            if quantum > 0:  # a loss rounded to a quantum: each value is off by up to half
                middle = max(middle, quantum / 2)  # (a fan whose changes happen to be
                quanta.add(number)  # equal has no residual: that luck is not its round-off)
            steps = quantized(group) if widening else True
            if steps is False:
                continue  # widened onto kinks or curves, not a staircase: keep what was seen
            if steps:
                found[number] = max(found[number], middle)
                unit = spread / ((k.size // 2) * spacing * WIDER**widening)
                scales[number] = max(scales[number], unit)
                if spread >= TELLING * middle and spread > 0:
                    if not widening:
                        first.add(number)
                    continue  # the losses moved well beyond their residual: measured
            if widening < WIDENINGS:  # the loss hardly changed along the fans: wider
                waiting.append(number)
        pending = waiting
        if not pending:
            break
    shaped = [
        n for n in sorted(first - quanta) if found[n] > SHAPE_FLOOR * u * max(sizes[n], 1e-300)
    ]
    if shaped:
        floors = {n: SHAPE_FLOOR * u * sizes[n] for n in shaped}
        narrowed, spent = _without_shape(losses, theta, units, floors, found, spacing)
        evaluations += spent
        for number, value in narrowed.items():
            found[number] = value
    kept, spent = _parts_kept(losses, theta, dict(enumerate(found)), parts)
    evaluations += spent
    found = [kept[number] for number in range(len(found))]
    tensors: list[float | None] = [None] * count if positions else []
    own: list[float | None] = list(tensors)
    for position, value, unit in zip(positions, found[1:], scales[1:], strict=True):
        tensors[position], own[position] = value, unit
    return MeasuredRoundoff(found[0], tuple(tensors), evaluations, scales[0], tuple(own))


GROWTH = 4.0  # a residual that grew this much over a WIDER-times spacing is a kink's


def _told(narrower: list[float], middle: float, floor: float) -> float:
    """The round-off of a group whose fans at the narrower spacings had a residual above the
    trusted share of their range (``narrower``) and, widened, one within it (``middle``).

    Along a tensor that hardly moves the loss, beside a part that rounds coarser than float64
    (an upstream layer feeding a float32 block: the block's rounding reaches the loss at
    5e-9 whichever entry moves), the fans' range is small against that rounding: taken for
    a kink, the tensor kept u·|L| and its correct entries were "wrong at every ε" (review11n
    C1). Round-off stays the same as the spacing widens while the range grows with it; a
    kink crossed leaves its slope change times the spacing, which grows too. So the
    largest residual seen stands where the widened one is within GROWTH times the narrower
    ones, and above float64's own (``floor``); 0 otherwise, as before."""
    if not middle > floor or middle > GROWTH * max(narrower):
        return 0.0
    return max(middle, *narrower)


def _without_shape(losses, theta, units, floors, found, spacing):
    """({group: its residual at a spacing where it stopped falling or reached its floor},
    evaluations) for the groups (``floors``: the residual plain round-off explains) whose
    residual at ``spacing`` may be the loss's shape: one entry of a tensor moved at its own
    scale that carries C·((b − b0)/D)⁴ with D near the step left a residual 1e10 times the
    round-off, which widened every other entry's tolerance so far that a sign flip there
    was "undecided" (review9i C2).

    A kink crossed by the fans (a relu unit whose input is 1e-8 from 0 at θ0) leaves a
    residual of its slope change times the spacing, or times its distance while that is
    under the spacing — falling, or steady, until the fans no longer reach it, and then
    plain round-off. Round-off does not depend on the spacing, so a group is narrowed on
    while its residual is above its floor, and a residual that comes down to the floor at
    two narrower spacings in a row (or at the narrowest) was never round-off: the measured
    value is the floor's then. Taken for round-off, such a kink's residual (1e6 times u·|L|)
    made every small step of the second look too coarse to decide, so a correct gradient
    beside the kink was called wrong (review_final19 CRITICAL-2).

    The narrowest spacing is measured with the first narrower one (one call): a residual
    still above the floor there is round-off (then found at every spacing: a loss that
    cancels to 0 at θ0) or a kink within that spacing's reach, so the spacings between are
    not measured; it replaces the first spacing's where it is SHAPE_FALL times smaller."""
    k = fan_offsets()
    numbers = list(floors)
    now = {number: found[number] for number in numbers}
    below: set[int] = set()  # groups at or under their floor at the last spacing
    known: dict[int, dict[int, tuple[float, float]]] = {}  # narrowing: {group: (middle, spread)}
    evaluations = 0

    def measured(narrowings: list[int], groups: list[int]) -> None:
        """The groups' (residual, range) at those narrowings, all in one call."""
        nonlocal evaluations
        chosen = np.concatenate([units[number] for number in groups])
        steps = np.concatenate([k * spacing / NARROWER**n for n in narrowings])
        values = on_lines(losses, theta, chosen, steps)
        values = values.reshape(chosen.shape[0], len(narrowings), k.size)
        evaluations += values.size
        for column, narrowing in enumerate(narrowings):
            row = 0
            for number in groups:
                lines = units[number].shape[0]
                got = _fans(values[row : row + lines, column])
                known.setdefault(narrowing, {})[number] = got
                row += lines

    # the narrowest spacing with the first: a residual still above its floor there is
    # round-off or a kink within that spacing's reach, which no spacing between would have
    # brought down either, so the group is settled in one call (a loss that cancels to 0 at
    # θ0 rounds above u·|L| at every spacing: it was narrowed six times, six calls of a loss
    # that may take a second each, issue 9)
    measured([1, NARROWINGS], numbers)
    for number in numbers:
        middle, spread = known[NARROWINGS][number]
        if spread >= TELLING * middle and spread > 0 and middle > floors[number]:
            if middle * SHAPE_FALL <= found[number]:  # fell like a shape over the range
                found[number] = middle
            del now[number]
    for narrowing in range(1, NARROWINGS + 1):
        if not now:
            break
        if any(number not in known.get(narrowing, {}) for number in now):
            measured([narrowing], list(now))
        going = {}
        for number, before in now.items():
            middle, spread = known[narrowing][number]
            if spread < TELLING * middle or spread <= 0:
                continue  # the losses hardly moved (a staircase's few steps): tells nothing
            if middle <= floors[number]:  # plain round-off here: once more, then it stands
                if number in below or narrowing == NARROWINGS:
                    found[number] = max(middle, now_floor(before, floors[number]))
                    continue
                below.add(number)
                going[number] = middle
                continue
            below.discard(number)
            if middle * SHAPE_FALL <= before:  # fell like a shape: round-off is below it
                found[number] = middle
            going[number] = middle
        now = going
    return {number: found[number] for number in numbers}, evaluations


def now_floor(before: float, floor: float) -> float:
    """The larger of two residuals at or under a group's floor (the last two spacings')."""
    return before if before <= floor else 0.0


QUANTUM_TOLERANCE = 0.05  # a change within this share of a quantum of a whole multiple


def loss_quantum(lines: np.ndarray, floor: float) -> float:
    """The quantum a loss is rounded to (round(L/Q)·Q), seen along the lines' losses; 0 where
    none shows. Second differences above ``floor`` (the plain round-off's) give the quantum
    candidates (their smallest, a half or a third of it); one is taken where the second
    differences are a mix of zeros and non-zeros (a staircase: a smooth curve has no zero
    second differences, a straight line no non-zero ones) and every change between
    neighbouring losses, and every second difference, is a whole multiple of it within
    QUANTUM_TOLERANCE (review9i C9: a loss rounded to 1e-9 failed a correct gradient)."""
    with np.errstate(all="ignore"):
        first = np.diff(lines, axis=1)
        second = np.diff(lines, n=2, axis=1)
    first, second = first[np.isfinite(first)], np.abs(second[np.isfinite(second)])
    moving = second > floor
    if not moving.any() or moving.all() or first.size == 0:
        return 0.0
    smallest = float(second[moving].min())
    for candidate in (smallest, smallest / 2, smallest / 3):
        if candidate <= floor:
            break
        with np.errstate(all="ignore"):
            parts = np.concatenate([first, second[moving]]) / candidate
        if np.all(np.abs(parts - np.round(parts)) <= QUANTUM_TOLERANCE):
            return candidate
    return 0.0


def part_quantum(lines: np.ndarray, floor: float) -> float:
    """The quantum a coarser PART of the loss moves in, seen along the lines' losses beside a
    smooth float64 rest (a float64 cross-entropy plus a penalty computed in float32: the
    penalty's values lie on a float32 grid, the sum's do not); 0 where none shows.

    The third differences of a smooth loss at a fan's spacing vanish below ``floor`` (its
    L‴·s³ and round-off); those of a part rounded to a quantum Q are whole multiples of Q
    (its jumps, wherever it crosses a step). A kink crossed leaves differences of its slope
    change times fractions of the spacing, which are no common multiples. So a quantum is
    read where at least PART_JUMPS third differences exceed PART_FLOOR·``floor``, every one
    of them is a whole multiple of a candidate (the smallest, a half or a third of it) within
    QUANTUM_TOLERANCE, and they are not one value repeated (a smooth shape's third
    differences are alike: they must differ in size or in sign, or sit beside zeros), and
    some line crosses two steps or more (``_stairs``: not a single jump, not kinks at θ0).

    Such a loss is float64-smooth between its steps: at spacings where the part does not
    move, the fans show no round-off and the central differences miss the part's derivative
    altogether (review9m CRITICAL-1: correct gradients "wrong at their own scale"). Its
    round-off is Q/2 at every step, which the narrower fans must not talk down."""
    with np.errstate(all="ignore"):
        third = np.diff(lines, n=3, axis=1)
        # (differences under PART_FLOOR floors are the smooth rest's and its round-off)
        beyond = np.isfinite(third) & (np.abs(third) > PART_FLOOR * floor)
    if not beyond.any():
        return 0.0
    third = third[np.isfinite(third)]
    moving = np.abs(third) > PART_FLOOR * floor
    if int(moving.sum()) < PART_JUMPS:
        return 0.0
    jumps = third[moving]
    smallest = float(np.abs(jumps).min())
    for candidate in (smallest, smallest / 2, smallest / 3):
        if candidate <= PART_FLOOR * floor:
            break
        ratios = third / candidate  # every one, the small ones 0 quanta
        slack = QUANTUM_TOLERANCE + floor / candidate
        if not np.all(np.abs(ratios - np.round(ratios)) <= slack):
            continue
        whole = np.round(ratios)
        if moving.all() and np.unique(whole).size < 2:
            return 0.0  # one value repeated: a smooth shape's, not a staircase's
        with np.errstate(all="ignore"):  # a quartic's third differences lie on a line
            bent = np.abs(np.diff(lines, n=5, axis=1)) > candidate / 2
        return candidate if _stairs(lines, candidate) and bent.any() else 0.0
    return 0.0


STAIR_BENDS = 3  # second differences off a line's own by half a quantum: two steps or more


def _stairs(lines: np.ndarray, quantum: float) -> bool:
    """Whether some line crosses two steps of the part or more: at least STAIR_BENDS of its
    second differences lie half a quantum or more off their median (the smooth rest's
    L''·s²). A single jump bends the line at two points only, kinks at (or a hair from) θ0 —
    relu units 1e-9 from 0 — at the middle point only."""
    with np.errstate(all="ignore"):
        second = np.diff(lines, n=2, axis=1)
        off = np.abs(second - np.nanmedian(second, axis=1, keepdims=True)) >= quantum / 2
    return bool(np.any(np.sum(off, axis=1) >= STAIR_BENDS))


PART_JUMPS = 3  # third differences above the floor needed to read a part's quantum
PART_FLOOR = 8.0  # ... and a quantum above this many floors (64·u·|L|: not float64's own ulps)


def _parts_kept(losses, theta, narrowed: dict[int, float], parts) -> tuple[dict[int, float], int]:
    """(``narrowed`` with each group below half its coarser part's quantum put back at that
    half, evaluations). Narrower fans that cross none of the part's steps see a
    float64-smooth loss — and miss the part's derivative (review9m CRITICAL-1) — so their
    residual is no measure of its round-off; nor is the residual of fans whose steps happen
    to keep to a line. Kept only where the points the quantum was read at give the very
    same losses again: a part rounded coarser is deterministic, a loss with rare jumps (a
    dropped sample now and then, noise its repeats at θ0 may all miss) shows them
    elsewhere the second time."""
    out, spent = dict(narrowed), 0
    for number, value in narrowed.items():
        quantum, points, group = parts.get(number, (0.0, None, None))
        if not quantum > 2 * value or points is None:
            continue
        again = on_lines(losses, theta, points.directions, points.steps).reshape(group.shape)
        spent += again.size
        if np.array_equal(again, group, equal_nan=True):
            out[number] = quantum / 2
    return out, spent


def _left_alone(lines: np.ndarray, theta: np.ndarray, reach: float, share: float) -> np.ndarray:
    """The lines with the entries they would move by more than ``share`` = u^(1/4) of
    themselves (over the fans' ``reach``) left where they are, zeros aside, and the other
    entries' part stretched back to unit length (if some entry still moves; else the line
    as it was). A loss may vary on the scale of an entry's own size (log1p((w/s − c)²) with
    s = 1e-8 beside weights of 1): a fan that moves such an entry by a fair share of itself
    strays from any cubic by that entry's own curvature, which would pass for round-off of
    the whole tensor and widen every entry's window by twenty orders (review9h #6); a share
    of u^(1/4) leaves u of it. The round-off of the loss's arithmetic is measured as well
    along the other entries."""
    values = np.abs(theta)[None, :]
    out = lines
    for _ in range(2):  # once more after the stretch, which moves the others further
        keep = (values == 0) | (np.abs(out) * reach <= share * values)
        if keep.all():
            return out  # (the very same lines: a staircase's fans depend on every bit)
        kept = out * keep
        norms = np.linalg.norm(kept, axis=1, keepdims=True)
        if not np.all(norms > 0):
            return lines  # nothing else moves: the line as it was
        out = kept / norms if out is lines else kept
    return out


def quantized(lines: np.ndarray) -> bool | None:
    """Whether the changes between neighbouring losses are whole multiples (within
    QUANTUM_SLACK) of the smallest one, which itself comes at least twice: the staircase of
    a coarse rounding, which widened fans may measure (True). A kink or a curve crossed by
    them changes the loss by amounts that are not (a flat run, a part of a step, whole
    steps: False). None while too few changes were seen to tell (widened again)."""
    with np.errstate(all="ignore"):
        changes = np.abs(np.diff(lines, axis=1)).ravel()
    changes = changes[np.isfinite(changes) & (changes > 0)]
    if changes.size == 0:
        return None
    ratios = changes / changes.min()
    if not np.all(np.abs(ratios - np.round(ratios)) <= QUANTUM_SLACK * ratios):
        return False
    return True if np.sum(ratios <= 1 + QUANTUM_SLACK) >= 2 else None


def _fans(lines: np.ndarray) -> tuple[float, float]:
    """The median over the lines of their quieter fan's residual, and the median range of
    those fans' losses; only fans whose losses changed count (a fan on one step of a
    staircase is constant and tells nothing): (0, 0) when none did."""
    half = fan_offsets().size // 2
    residuals, ranges = [], []
    for line in lines:
        fans = (line[: half + 1], line[half:])
        told = []
        for fan, residual in zip(fans, fan_residuals(line), strict=True):
            finite = fan[np.isfinite(fan)]
            size = float(np.ptp(finite)) if finite.size else 0.0
            if residual is not None and size > 0:
                told.append((residual, size))
        if told:  # the quieter side: a kink or jump at θ0 is in one fan only
            residual, size = min(told)
            residuals.append(residual)
            ranges.append(size)
    if not residuals:
        return 0.0, 0.0
    return float(np.median(residuals)), float(np.median(ranges))


def measure_roundoff(
    losses: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    precision: str,
    epsilon: float | None = None,
    share: float | None = None,
) -> float:
    """The round-off along lines through all of θ (``measure_roundoffs``)."""
    return measure_roundoffs(losses, theta, precision, epsilon, share).overall
