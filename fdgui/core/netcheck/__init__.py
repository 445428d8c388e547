"""Check a model's gradient against finite differences, entry by entry, in batches.

The package, by role:

- ``settings``: what to check (``CheckSettings``: mode, dtype, engine, ...), its validation
  and the memory it needs;
- ``tolerances``: ε and the agreement a correct gradient reaches, per dtype and engine;
- ``engines``: which engine checks what; ``exact`` is the structured float64 engine for the
  built-in network (loss changes formed without cancellation; its power series in ``jets``),
  ``forward`` plain central differences of any model's own loss, batched through
  ``Model.losses``; ``projection`` the random directions of projection mode;
- ``chunks``: the ``Chunk`` an engine returns for each piece of a tensor, and its gathering;
- ``check``: ``run_check`` (a generator yielding progress, returning the report) with
  ``progress`` (the fraction done, weighted by cost) and ``blas`` (one BLAS thread);
- ``planner``: the cost of every mode before it runs;
- ``results``: the report dataclasses, verdict logic and heat maps.

Everything a caller needs is importable from ``fdgui.core.netcheck`` itself.
"""

from fdgui.core.netcheck.blas import single_threaded_blas
from fdgui.core.netcheck.check import run_check, run_to_completion
from fdgui.core.netcheck.chunks import Chunk, TensorResult
from fdgui.core.netcheck.engines import make_engine
from fdgui.core.netcheck.jets import SERIES_TAIL, series_degree
from fdgui.core.netcheck.planner import CostPlan, plan_costs, tensor_weights
from fdgui.core.netcheck.progress import Progress
from fdgui.core.netcheck.projection import direction, projection_losses
from fdgui.core.netcheck.results import (
    HEAT_MAP_SIDE,
    WORST_COUNT,
    CheckReport,
    Entry,
    TensorReport,
    build_report,
    heat_map_of,
)
from fdgui.core.netcheck.settings import (
    ENGINE_TITLES,
    ENGINES,
    MAX_DIRECTIONS,
    MAX_SAMPLES,
    MEMORY_FRACTION,
    MODE_TITLES,
    MODES,
    CheckSettings,
    available_memory_bytes,
    check_count,
    estimate_memory_bytes,
)
from fdgui.core.netcheck.tolerances import (
    Tolerances,
    check_epsilon,
    check_tolerances,
    engine_epsilon,
    forward_epsilon,
    recommended_tolerances,
)

__all__ = [
    "ENGINES",
    "ENGINE_TITLES",
    "HEAT_MAP_SIDE",
    "MAX_DIRECTIONS",
    "MAX_SAMPLES",
    "MEMORY_FRACTION",
    "MODES",
    "MODE_TITLES",
    "SERIES_TAIL",
    "WORST_COUNT",
    "CheckReport",
    "CheckSettings",
    "Chunk",
    "CostPlan",
    "Entry",
    "Progress",
    "TensorReport",
    "TensorResult",
    "Tolerances",
    "available_memory_bytes",
    "build_report",
    "check_count",
    "check_epsilon",
    "check_tolerances",
    "direction",
    "engine_epsilon",
    "estimate_memory_bytes",
    "forward_epsilon",
    "heat_map_of",
    "make_engine",
    "plan_costs",
    "projection_losses",
    "recommended_tolerances",
    "run_check",
    "run_to_completion",
    "series_degree",
    "single_threaded_blas",
    "tensor_weights",
]
