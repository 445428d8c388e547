"""The memory bill counts the round-off measurement's whole points near θ0 (review12p H1:
a sampled check of 2 entries of a 5e7-parameter probe was estimated at 12 GB and
OOM-killed at 19.4 GB; the measurement's lines × fan offsets × θ were not counted). A model
that measures its round-off (it has ``loss_precision``: a probe) is refused in words when
they do not fit; a model that does not is billed as before."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fdgui.core.errors import InputError
from fdgui.core.netcheck import settings as netcheck_settings
from fdgui.core.netcheck.roundoff import roundoff_points
from fdgui.core.netcheck.settings import CheckSettings, estimate_memory_bytes


def _model(count: int, measures: bool):
    tensors = (SimpleNamespace(name="theta", shape=(count,)),)
    if measures:
        return SimpleNamespace(tensors=tensors, loss_precision=lambda: "float64")
    return SimpleNamespace(tensors=tensors)


@pytest.mark.parametrize("count", [10_000, 1_000_000, 50_000_000])
def test_the_roundoff_points_are_billed(count):
    settings = CheckSettings(None, mode="sample", samples=2, engine="forward")
    plain = estimate_memory_bytes(settings, _model(count, False))
    probe = estimate_memory_bytes(settings, _model(count, True))
    points = roundoff_points(1) * count * 8  # one copy of the measurement's points
    assert probe >= 2 * points and probe >= plain
    if count >= 1_000_000:  # (below, one chunk's fixed work is the larger)
        assert probe - plain >= points


def test_a_probe_too_large_for_its_roundoff_points_is_refused_in_words(monkeypatch):
    count = 50_000_000
    model = _model(count, True)
    model.theta0 = lambda: None
    settings = CheckSettings(None, mode="sample", samples=2, engine="forward")
    monkeypatch.setattr(netcheck_settings, "available_memory_bytes", lambda: 22 * 2**30)
    monkeypatch.setattr(netcheck_settings, "check_model", lambda settings, model: None)
    with pytest.raises(InputError) as caught:
        settings.validate(model)
    message = caught.value.message
    assert "50,000,000 parameters" in message
    assert "round-off measurement's points near θ0" in message
