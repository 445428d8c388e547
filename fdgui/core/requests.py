"""Typed requests from typed text: every input field's default, and its checks, in one place.

The window's panel models and the CLI commands hand in texts (field → text, as typed; a
missing field takes its default from here) and get back typed settings, or one
``InputError`` naming every wrong field at once (``error.errors``: field → message). The
field names are canonical everywhere (``layers``, ``batch``, ...); the core's own names
(``layer_sizes``, ``batch_size``) are mapped here, so no caller splits messages apart.

- ``network_request`` → NetworkRequest(spec, bug): the built-in MLP.
- ``entry_request`` → EntryRequest(network, tensor, index): one parameter of it (sweeps).
- ``expression_request`` → the expression objective (an expression in w and the point w0).
- ``sweep_request`` → SweepSettings (dtype and the ε grid).
- ``check_request`` → the network check's CheckSettings.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fdgui.core.errors import InputError

if TYPE_CHECKING:
    from fdgui.core.models.mlp import NetworkSpec
    from fdgui.core.sweep.engine import SweepSettings
    from fdgui.core.sweep.objectives import EntryObjective

Texts = Mapping[str, str | None]
WHOLE_DIGITS = 18  # a whole-number field longer than this is refused before int() sees it

# The one default of every field (the window opens with these; the CLI's options default to
# them). 64,128,10: 9,610 parameters, what the window and `fdgui-cli sweep` show.
NETWORK_DEFAULTS: dict[str, str] = {
    "layers": "64,128,10",
    "activation": "tanh",
    "loss": "cross-entropy",
    "batch": "32",
    "seed": "0",
    "bug": "",  # empty: the correct backprop
}
ENTRY_DEFAULTS: dict[str, str] = {**NETWORK_DEFAULTS, "tensor": "W1", "index": "0"}
EXPRESSION_DEFAULTS: dict[str, str] = {"expression": "sin(w)*exp(-w**2)", "point": "0.7"}
# "min" empty: the smallest ε follows the dtype and w (precision.default_epsilon_min)
# an empty "min" follows the dtype at w, an empty "max" follows w (``automatic_epsilon_max``)
SWEEP_DEFAULTS: dict[str, str] = {"dtype": "float64", "min": "", "max": "", "points": "400"}
# a probe file (your own code): seconds per call into it, the Python that runs it (empty:
# the one running fdgui), and which entry of it the explorer sweeps
PROBE_DEFAULTS: dict[str, str] = {"probe_timeout": "30", "probe_python": ""}
PROBE_TIMEOUT_FLOOR = 0.1  # seconds: below this even a trivial loss's round trip may not fit
PROBE_ENTRY_DEFAULTS: dict[str, str] = {**PROBE_DEFAULTS, "probe_tensor": "", "probe_index": "0"}


def probe_timeout(text: str, field: str = "probe_timeout") -> float:
    """Seconds a probe may take for one loss evaluation, as typed: at least
    PROBE_TIMEOUT_FLOOR, at most a day (read by ``normalise_text``'s rule, as every number)."""
    from fdgui.core.numbers.parsing import normalise_text

    stripped = normalise_text(text)
    try:
        value = float(stripped)
    except ValueError:
        raise InputError(field, f"{stripped!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:
        raise InputError(field, f"{stripped} is outside (0, 86400] seconds")
    if value < PROBE_TIMEOUT_FLOOR:  # a call into the process alone takes milliseconds
        raise InputError(
            field,
            f"{stripped} s is too short: every call would time out; give at least "
            f"{PROBE_TIMEOUT_FLOOR:g} s",
        )
    return value


CHECK_DEFAULTS: dict[str, str] = {
    **NETWORK_DEFAULTS,
    **PROBE_DEFAULTS,
    "source": "network",  # "network" (the built-in MLP) or "probe" (a probe file)
    "mode": "full",
    "dtype": "float64",
    "samples": "16",  # entries per tensor (mode "sample")
    "directions": "8",  # directions per tensor (mode "projection")
    "epsilon": "",  # empty: the recommended ε per parameter
    "engine": "exact",  # "exact" (the built-in MLP's structured engine) or "forward"
}
# the core's field names → the canonical ones
CANONICAL_FIELDS: dict[str, str] = {"layer_sizes": "layers", "batch_size": "batch"}


@dataclass(frozen=True)
class NetworkRequest:
    """The built-in network and the backprop under check (None: the correct one)."""

    spec: NetworkSpec
    bug: str | None = None


@dataclass(frozen=True)
class EntryRequest:
    """One entry of a parameter tensor of the built-in network (what a network sweep varies)."""

    network: NetworkRequest
    tensor: str
    index: int


def canonical(field: str) -> str:
    """``layer_sizes`` → ``layers``, ``batch_size`` → ``batch``; other names stay."""
    return CANONICAL_FIELDS.get(field, field)


def canonical_error(error: InputError) -> InputError:
    """The same error with canonical field names."""
    errors = {canonical(field): message for field, message in error.errors.items()}
    return InputError.collected(errors)


def _texts(texts: Texts, defaults: Mapping[str, str]) -> dict[str, str]:
    """Defaults overlaid with the given texts (None: take the default)."""
    merged = dict(defaults)
    merged.update({field: text for field, text in texts.items() if text is not None})
    return merged


def whole_number(text: str, field: str) -> int:
    """One whole-number text, or InputError(field) in the words every field uses."""
    errors: dict[str, str] = {}
    value = _whole(text, field, errors)
    _raise(errors)
    assert value is not None
    return value


def _whole(text: str, field: str, errors: dict[str, str]) -> int | None:
    """A whole number read by the rule every number follows (``normalise_text``: the minus
    signs people paste, −1 or –1, and spaces inside, 1 000, as in ``parse_number``)."""
    from fdgui.core.numbers.parsing import normalise_text, shorten

    stripped = normalise_text(text)
    if len(stripped) > WHOLE_DIGITS:
        errors[field] = f"{shorten(stripped)!r} has too many digits"
        return None
    try:
        return int(stripped)
    except ValueError:
        errors[field] = (
            f"{shorten(stripped)!r} is not a whole number" if stripped else "type a number"
        )
        return None


def _validated(
    make: Callable[[dict[str, Any]], Any],
    check: Callable[[Any], None],
    values: dict[str, Any],
    placeholders: dict[str, Any],
    errors: dict[str, str],
) -> Any:
    """``make(values)`` if ``check`` accepts it, else None with every wrong field in ``errors``.

    The core's checks stop at the first wrong field; each one found is replaced by a
    placeholder that is known to pass and the check runs again, so all are reported.
    """
    for _ in range(len(placeholders) + 1):
        current = {**values, **{f: placeholders[f] for f in errors if f in placeholders}}
        candidate = make(current)
        try:
            check(candidate)
        except InputError as error:
            for field, message in error.errors.items():
                field = canonical(field)
                if field in errors or field not in placeholders:
                    errors.setdefault(field, message)
                    return None
                errors[field] = message
            continue
        return None if errors else candidate
    return None  # pragma: no cover - every round adds a field


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise InputError.collected(errors)


def _forget_bug_on_placeholders(errors: dict[str, str], bug: str | None) -> None:
    """Whether a known bug applies depends on the network; with the layers or the batch wrong
    it was judged on a placeholder network, so its message would be about the wrong one."""
    from fdgui.core.models.mlp import BUGS

    if "bug" in errors and bug in BUGS and ("layers" in errors or "batch" in errors):
        del errors["bug"]


# ---------------------------------------------------------------- the built-in network


_NETWORK_PLACEHOLDERS: dict[str, Any] = {
    "layers": (2, 2),
    "activation": "tanh",
    "loss": "cross-entropy",
    "batch": 2,
    "seed": 0,
    "bug": None,
}


def _network_values(texts: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    from fdgui.core.models.mlp import parse_layer_sizes

    values: dict[str, Any] = {
        "activation": texts["activation"].strip(),
        "loss": texts["loss"].strip(),
        "bug": texts["bug"].strip() or None,
    }
    try:
        values["layers"] = parse_layer_sizes(texts["layers"])  # strict: 20,,10 is refused
    except InputError as error:
        errors["layers"] = error.message
    for field in ("batch", "seed"):
        values[field] = _whole(texts[field], field, errors)
    return values


def _spec(values: dict[str, Any]) -> NetworkSpec:
    from fdgui.core.models.mlp import NetworkSpec

    return NetworkSpec(
        values["layers"], values["activation"], values["loss"], values["batch"], values["seed"]
    )


def _check_network(request: NetworkRequest) -> None:
    from fdgui.core.models.mlp import check_bug

    request.spec.validate()
    check_bug(request.bug, request.spec)


def network_request(texts: Texts) -> NetworkRequest:
    """The built-in network from ``layers, activation, loss, batch, seed, bug``."""
    merged = _texts(texts, NETWORK_DEFAULTS)
    errors: dict[str, str] = {}
    values = _network_values(merged, errors)
    request = _validated(
        lambda v: NetworkRequest(_spec(v), v["bug"]),
        _check_network,
        values,
        _NETWORK_PLACEHOLDERS,
        errors,
    )
    _forget_bug_on_placeholders(errors, values["bug"])
    _raise(errors)
    return request


def _check_entry(tensor: str, index: int | None, sizes: tuple[int, ...], errors: dict) -> None:
    """``tensor`` must name a tensor of a network with layer ``sizes``; ``index`` fit in it."""
    from fdgui.core.models.mlp import NetworkSpec

    shapes = dict(NetworkSpec(sizes).tensor_shapes)
    if tensor not in shapes:
        errors["tensor"] = f"{tensor!r} is not one of {', '.join(shapes)}"
    elif index is not None:
        size = math.prod(shapes[tensor])
        if not 0 <= index < size:
            errors["index"] = f"{index} is outside 0…{size - 1} for {tensor}"


def _check_sweep_memory(spec: NetworkSpec, errors: dict[str, str]) -> None:
    from fdgui.core.models.mlp_model import memory_allowance_bytes, network_memory_bytes
    from fdgui.core.numbers.format import byte_size

    needed, allowed = network_memory_bytes(spec), memory_allowance_bytes()
    if needed > allowed:
        batch_heavy = spec.batch_size * sum(spec.layer_sizes) * 8 > 6 * spec.parameter_count
        advice = "use a smaller batch" if batch_heavy else "use smaller layers"
        errors["batch" if batch_heavy else "layers"] = (
            f"this network needs about {byte_size(needed)} of memory to sweep "
            f"({spec.parameter_count:,} parameters); the explorer allows "
            f"{byte_size(allowed)}: {advice}"
        )


def entry_request(texts: Texts) -> EntryRequest:
    """One entry of the built-in network: the network fields plus ``tensor`` and ``index``
    (a flat index into the tensor); also refuses a network too large to sweep."""
    from fdgui.core.models.mlp import parse_layer_sizes

    merged = _texts(texts, ENTRY_DEFAULTS)
    errors: dict[str, str] = {}
    network = None
    try:
        network = network_request(merged)
    except InputError as error:
        errors.update(error.errors)
    index = _whole(merged["index"], "index", errors)
    if network is not None:
        _check_sweep_memory(network.spec, errors)
    if "layers" not in errors:
        sizes = network.spec.layer_sizes if network else parse_layer_sizes(merged["layers"])
        _check_entry(merged["tensor"].strip(), index, sizes, errors)
    _raise(errors)
    assert network is not None and index is not None
    return EntryRequest(network, merged["tensor"].strip(), index)


# ---------------------------------------------------------------- expressions and sweeps


def expression_request(texts: Texts) -> EntryObjective:
    """An expression in w at the point w0, from ``expression`` and ``point``."""
    from fdgui.core.models.expression import parse_expression
    from fdgui.core.numbers.parsing import parse_number
    from fdgui.core.sweep.objectives import expression_objective

    merged = _texts(texts, EXPRESSION_DEFAULTS)
    errors: dict[str, str] = {}
    try:
        expression = parse_expression(merged["expression"])
        if not expression.uses_w:
            errors["expression"] = "the expression does not depend on w"
    except InputError as error:
        errors["expression"] = error.message
    try:
        point = float(parse_number(merged["point"], "point"))  # type: ignore[arg-type]
    except InputError as error:
        errors["point"] = error.message
    _raise(errors)
    return expression_objective(merged["expression"], point)


def automatic_epsilon_min(texts: Texts) -> bool:
    """Whether the smallest ε is left to follow the dtype (the "min" text is empty)."""
    return not str(_texts(texts, SWEEP_DEFAULTS)["min"] or "").strip()


def automatic_epsilon_max(texts: Texts) -> bool:
    """Whether the largest ε is left to follow w (the "max" text is empty or untold)."""
    return not str(_texts(texts, SWEEP_DEFAULTS)["max"] or "").strip()


def _automatic_max(dtype: str, point: float | None) -> float:
    """The largest ε when untold: ε = |w|, at least 1 (1 while the point is not known),
    at most precision.LARGEST_EPSILON and half the dtype's largest number. The rule-of-
    thumb ε grows with max(1, |w|), and at w = 3e8 a range ending at 1 never moved a
    float32 part the recommended ε (1.44e3) would have (review16x H1: honest "wrong", a
    dropped derivative "correct")."""
    from fdgui.core.numbers import precision

    if point is None or not math.isfinite(point):
        return 1.0
    top = precision.LARGEST_EPSILON
    if dtype in precision.DTYPE_NAMES:  # no ε beyond the dtype's largest number
        top = min(top, precision.largest_finite(dtype) / 2.0)
    return max(1.0, min(abs(point), top))


def sweep_request(texts: Texts, point: float | None = None) -> SweepSettings:
    """The ε grid and dtype from ``dtype, min, max, points``. An empty ``min`` follows the
    dtype: the power of ten just below where ``point`` ± ε vanishes
    (``precision.default_epsilon_min``; the gap at 1 while the point is not known). An
    empty ``max`` follows w (``_automatic_max``: 1 while the point is not known)."""
    from fdgui.core.numbers.parsing import parse_number
    from fdgui.core.sweep.engine import SweepSettings

    merged = _texts(texts, SWEEP_DEFAULTS)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"dtype": merged["dtype"].strip()}
    for field in ("min", "max"):
        if field == "min" and automatic_epsilon_min(texts):
            continue
        if field == "max" and automatic_epsilon_max(texts):
            values["max"] = _automatic_max(values["dtype"], point)
            continue
        try:
            values[field] = float(parse_number(merged[field], field, positive=True))  # type: ignore[arg-type]
        except InputError as error:
            errors[field] = error.message
    values["points"] = _whole(merged["points"], "points", errors)
    if "min" not in values and "min" not in errors:
        values["min"] = _automatic_min(values["dtype"], point, values.get("max"))
    settings = _validated(
        lambda v: SweepSettings(v["dtype"], v["min"], v["max"], v["points"]),
        lambda s: s.validate(),
        values,
        {"dtype": "float64", "min": 1e-16, "max": 1.0, "points": 400},
        errors,
    )
    _raise(errors)
    return settings


def _automatic_min(dtype: str, point: float | None, epsilon_max: float | None) -> float:
    from fdgui.core.numbers import precision

    try:
        precision.check_dtype_name(dtype)
    except ValueError:
        dtype = "float64"  # the dtype's own message is given by the settings' check
    top = epsilon_max if epsilon_max is not None and math.isfinite(epsilon_max) else 1.0
    return precision.default_epsilon_min(dtype, point, max(top, 1e-290))


def resolve_sweep_range(settings: SweepSettings, texts: Texts, point: float | None):
    """``settings`` with the largest ε following w and the smallest following the dtype at
    ``point``, where their texts are empty (the window knows w only once the objective is
    built)."""
    if automatic_epsilon_max(texts):
        settings = dataclasses.replace(settings, epsilon_max=_automatic_max(settings.dtype, point))
    if not automatic_epsilon_min(texts):
        return settings
    low = _automatic_min(settings.dtype, point, settings.epsilon_max)
    return dataclasses.replace(settings, epsilon_min=low)


# ---------------------------------------------------------------- the network check


def check_request(texts: Texts):
    """The network check's settings: the network fields plus ``mode, dtype, samples,
    directions, epsilon`` (empty: the recommended ε) and ``engine`` (passed on when the
    check has engines)."""
    from fdgui.core.netcheck import CheckSettings

    merged = _texts(texts, CHECK_DEFAULTS)
    errors: dict[str, str] = {}
    values = _network_values(merged, errors)
    values.update(mode=merged["mode"].strip(), dtype=merged["dtype"].strip())
    for field in ("samples", "directions"):
        values[field] = _whole(merged[field], field, errors)
    epsilon_text = merged["epsilon"].strip()
    values["epsilon"] = None
    if epsilon_text:
        from fdgui.core.numbers.parsing import parse_number

        try:  # the typed text is what a message echoes (1e-400 is not "0.0")
            values["epsilon"] = float(parse_number(epsilon_text, "epsilon", positive=True))  # type: ignore[arg-type]
        except InputError as error:
            errors["epsilon"] = error.message
    has_engine = "engine" in {f.name for f in dataclasses.fields(CheckSettings)}
    values["engine"] = merged["engine"].strip()

    def make(v: dict[str, Any]) -> Any:
        extra = {"engine": v["engine"]} if has_engine else {}
        return CheckSettings(
            spec=_spec(v),
            mode=v["mode"],
            bug=v["bug"],
            dtype=v["dtype"],
            samples=v["samples"],
            directions=v["directions"],
            epsilon=v["epsilon"],
            **extra,
        )

    placeholders = {
        **_NETWORK_PLACEHOLDERS,
        "mode": "full",
        "dtype": "float64",
        "samples": 1,
        "directions": 1,
        "epsilon": None,
        "engine": CHECK_DEFAULTS["engine"],
    }
    settings = _validated(make, lambda s: s.validate(), values, placeholders, errors)
    _forget_bug_on_placeholders(errors, values["bug"])
    _raise(errors)
    return settings


# ---------------------------------------------------------------- tables and typed derivatives

TABLE_SOURCE_DTYPES: tuple[str, ...] = ("float64", "float32", "float16", "bfloat16", "exact")


def table_request(
    text: str, backprop: str | None = None, source_dtype: str | None = None
) -> tuple[Any, list[str], str]:
    """Measured rows from a CSV/TSV text (ε, L+, L−[, L]; header and # comments optional).

    Returns (the measured objective, one message per bad row with its line number, the source
    format the losses came from: as told ("exact" for digits worked out by hand); untold,
    float64 unless every loss fits a bfloat16/float16/float32 number within its printed
    digits, ``table_source.read_format``).
    Raises InputError ('table' when no row is good, 'backprop', 'source_dtype').
    """
    objective, problems, source, _reading = table_request_read(text, backprop, source_dtype)
    return objective, problems, source


def table_request_read(
    text: str, backprop: str | None = None, source_dtype: str | None = None
) -> tuple[Any, list[str], str, Any]:
    """``table_request`` and, untold, what the losses said of their format (a
    ``table_source.FormatReading``; None when told)."""
    from fdgui.core.calculator.schemes import parse_measurement_table, unreadable_table
    from fdgui.core.numbers.parsing import parse_number
    from fdgui.core.sweep.objectives import measured_objective

    source = (source_dtype or "float64").strip().lower()
    if source_dtype is None or not source_dtype.strip():
        source = "auto"
    elif source not in TABLE_SOURCE_DTYPES:
        raise InputError("source_dtype", f"choose one of {', '.join(TABLE_SOURCE_DTYPES)}")
    reference = None
    if backprop is not None and str(backprop).strip():
        # kept as typed (a Decimal): its last digit is part of its claim (typed_claim.py)
        reference = parse_number(str(backprop), "backprop")
    rows, problems = parse_measurement_table(text)
    if not rows:
        raise InputError("table", unreadable_table(problems))
    reading = None
    if source == "auto":  # not told: float64, unless every loss is a narrower format's number
        from fdgui.core.calculator.table_source import read_format

        reading = read_format(rows)
        source = reading.dtype or "float64"
    return measured_objective(rows, reference), problems, source, reading


def typed_derivative_request(texts: Texts, grad: str) -> EntryObjective:
    """An expression in w at w0 with a derivative typed by a person ("grad"): the typed one
    is the gradient under check, the analytic derivative an independent reference."""
    from fdgui.core.models.expression import parse_expression
    from fdgui.core.models.expression_model import expression_model
    from fdgui.core.sweep.objectives import EntryObjective

    expression_request(texts)  # the expression and the point, checked
    try:
        parse_expression(grad, "grad")
    except InputError as error:
        raise InputError("grad", error.message) from None
    merged = _texts(texts, EXPRESSION_DEFAULTS)
    # the point's text: the typed derivative may be the exact one at the w as typed
    return EntryObjective(expression_model(merged["expression"], merged["point"], grad), 0)
