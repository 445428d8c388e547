"""`fdgui --smoke` says why when the calculator cannot compute (a session's bad value)."""

import json

from fdgui import app


class _Calculator:
    def calculate(self):
        return None

    def errors(self):
        return {"loss_plus": "1e1000000 is beyond float64"}


class _Window:
    def model(self, _key):
        return _Calculator()

    def close(self):
        pass


def test_smoke_without_a_gradient_gives_the_reason(capsys):
    assert app._smoke(None, _Window(), all_panels=False, from_session=True) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert "loss_plus" in result["error"] and "beyond float64" in result["error"]
