"""A memory refusal advises only what would fit: each mode it names is estimated to fit the
memory a check may use, and no mode that would be refused the same way is named."""

from __future__ import annotations

import pytest

from fdgui.core.models.mlp import NetworkSpec
from fdgui.core.netcheck.memory_advice import MODE_WORDS
from fdgui.core.netcheck.settings import (
    MEMORY_FRACTION,
    CheckSettings,
    estimate_memory_bytes,
    memory_refusal,
)


@pytest.mark.parametrize("mode", ["full", "sample", "projection"])
@pytest.mark.parametrize("layers", [(3000, 3000, 10), (800, 600, 10), (64, 128, 10)])
@pytest.mark.parametrize("share", [0.3, 0.6, 0.9, 1.0])
def test_the_advice_names_only_modes_that_fit(mode, layers, share):
    settings = CheckSettings(NetworkSpec(layer_sizes=layers, batch_size=1), mode=mode)
    needed = estimate_memory_bytes(settings)
    available = int(needed * share / MEMORY_FRACTION)  # the check itself does not fit
    if share >= 1.0:
        available -= 1
    message = memory_refusal(settings, None, needed, available).message
    advice = message.rsplit("; ", 1)[1]
    for other, words in MODE_WORDS.items():
        fits = estimate_memory_bytes(CheckSettings(settings.spec, mode=other)) <= (
            MEMORY_FRACTION * available
        )
        assert (words in advice) == (fits and other != mode), (other, advice)
    assert advice.endswith("use smaller layers")


def test_a_models_refusal_ends_in_an_action_not_a_noun():
    """The advice for a person's own model names what to do (review11p M2: it ended in
    '; free memory', read as a sentence cut off)."""
    from types import SimpleNamespace

    model = SimpleNamespace(tensors=(SimpleNamespace(name="theta", shape=(50_000_000,)),))
    settings = CheckSettings(None, mode="full", engine="forward")
    needed = estimate_memory_bytes(settings, model)
    message = memory_refusal(settings, model, needed, needed // 100).message
    assert message.endswith("close other programs to free memory"), message
