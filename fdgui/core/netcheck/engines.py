"""Which engine checks what: the exact one for the built-in network, the forward one for any
model (``CheckSettings.engine``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fdgui.core.models.mlp import Network, build_network
from fdgui.core.netcheck.settings import CheckSettings

if TYPE_CHECKING:
    from fdgui.core.models.base import Model
    from fdgui.core.netcheck.exact import ExactEngine
    from fdgui.core.netcheck.forward import ForwardEngine


def make_engine(
    settings: CheckSettings, network: Network | None = None, model: Model | None = None
) -> ExactEngine | ForwardEngine:
    """The engine ``settings.engine`` names, set up at the point under check (validated
    settings: ``settings.validate(model)``).

    exact: ``network`` (or ``model.network`` of the built-in network's model, or a network
    built from ``settings.spec``). forward: ``model``, else the built-in network (``network``
    or built from the spec) with ``settings.bug`` as a model.
    """
    if settings.engine == "exact":
        from fdgui.core.netcheck.exact import ExactEngine

        if network is None and model is not None:
            network = model.network  # type: ignore[attr-defined]  (validated: an MlpModel)
        assert settings.spec is not None
        return ExactEngine(network or build_network(settings.spec), settings)
    from fdgui.core.netcheck.forward import ForwardEngine

    if model is None:
        from fdgui.core.models.mlp_model import MlpModel

        assert settings.spec is not None
        model = MlpModel(network or build_network(settings.spec), settings.bug)
    return ForwardEngine(model, settings)
