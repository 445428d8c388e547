"""Whole points cost their size once on the wire, and never all at once (review12p H1: a
sampled check of 2 entries at 5e7 parameters was OOM-killed: the round-off and noise
measurements' whole-θ points were copied for the pipe in fdgui's process and received
whole in the probe's, 1 KB a parameter). Repeats of a point travel as references to it,
points near θ0 as their few changed entries, and one request carries a bounded number of
bytes; lines through θ0 travel as their direction."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fdgui.probe import client, frames
from fdgui.probe import model as probe_model
from fdgui.probe.model import open_probe

SIZE = 100_000

SOURCE = f"""
import numpy as np
theta0 = np.linspace(-1.0, 1.0, {SIZE})
def loss(t):
    return float(np.sum(np.sin(t) * t))
"""

BATCHED = (
    SOURCE
    + """
def losses(ts):
    return np.sum(np.sin(ts) * ts, axis=1)
"""
)


@pytest.fixture(params=["loss", "losses"])
def probe(request, tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(textwrap.dedent(SOURCE if request.param == "loss" else BATCHED))
    model = open_probe(str(path), timeout=30)
    yield model
    model.close()


def _requests(monkeypatch) -> list[int]:
    """Bytes of each request written to the probe process."""
    sizes: list[int] = []
    encode = frames.encode

    def counted(header, arrays=()):
        pieces = encode(header, arrays)
        sizes.append(sum(len(memoryview(p).cast("B")) for p in pieces))
        return pieces

    monkeypatch.setattr(frames, "encode", counted)
    monkeypatch.setattr(client.frames, "encode", counted)
    return sizes


def _truth(points: np.ndarray) -> np.ndarray:
    return np.array([float(np.sum(np.sin(p) * p)) for p in points])


def test_repeats_and_nearby_points_cost_one_point(probe, monkeypatch):
    theta = probe.theta0()
    moved = theta + 1e-3 * np.where(np.arange(SIZE) % 2, 1.0, -1.0)
    near = np.repeat(theta[None, :], 4, axis=0)
    near[np.arange(4), [3, 70, 900, 5000]] += 1e-2
    points = np.concatenate([np.repeat(theta[None, :], 4, axis=0),
                             np.repeat(moved[None, :], 6, axis=0), near])  # fmt: skip
    sizes = _requests(monkeypatch)
    got = probe.losses(points)
    assert np.array_equal(got, _truth(points))
    # 14 points of 800 kB each: one of them (moved) crosses the pipe, once
    assert sum(sizes) < 1.2 * 8 * SIZE, sizes


def test_whole_points_travel_a_bounded_request_at_a_time(probe, monkeypatch):
    rng = np.random.default_rng(3)
    theta = probe.theta0()
    points = theta[None, :] + rng.normal(size=(7, SIZE)) * 1e-3
    monkeypatch.setattr(probe_model, "REQUEST_BYTES", 2 * 8 * SIZE)
    sizes = _requests(monkeypatch)
    got = probe.losses(points)
    assert np.array_equal(got, _truth(points))
    assert len(sizes) >= 4 and max(sizes) < 2.1 * 8 * SIZE, sizes


def test_lines_travel_as_their_direction(probe, monkeypatch):
    rng = np.random.default_rng(5)
    theta = probe.theta0()
    directions = rng.normal(size=(2, SIZE))
    steps = np.arange(-6.0, 7.0)[None, :] * np.array([[1e-4], [3e-5]])
    points = (theta[None, None, :] + steps[:, :, None] * directions[:, None, :]).reshape(-1, SIZE)
    sizes = _requests(monkeypatch)
    got = probe.losses_on_lines(directions, steps)
    assert np.array_equal(got, _truth(points))  # the very same points, bit for bit
    assert sum(sizes) < 1.1 * 2 * 8 * SIZE, sizes
