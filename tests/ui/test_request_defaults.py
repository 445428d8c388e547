"""The window opens with the requests' defaults, so the CLI and the window agree."""

from fdgui.core import requests


def test_explorer_defaults_are_the_requests_defaults():
    from fdgui.ui.explorer.model import DEFAULT_TEXTS

    for field, default in {**requests.ENTRY_DEFAULTS, **requests.SWEEP_DEFAULTS,
                           **requests.EXPRESSION_DEFAULTS}.items():  # fmt: skip
        assert DEFAULT_TEXTS[field] == default, field


def test_netcheck_defaults_are_the_requests_defaults():
    from fdgui.ui.netcheck.model import DEFAULT_TEXTS

    for field, default in requests.CHECK_DEFAULTS.items():
        if field in DEFAULT_TEXTS:
            assert DEFAULT_TEXTS[field] == default, field
    assert set(DEFAULT_TEXTS) <= set(requests.CHECK_DEFAULTS)
