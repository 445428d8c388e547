"""A long sweep reaches pyqtgraph thinned (plots.drawn): the envelope the eye sees, never a
point a plot needs for its range lost, gaps kept, order kept."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fdgui.ui.explorer.plots import DRAWN_POINTS, drawn


def test_short_curves_reach_the_plot_whole():
    x = np.logspace(-8, -1, 2 * DRAWN_POINTS)
    y = np.sin(np.arange(2 * DRAWN_POINTS))
    out_x, out_y = drawn(x, y)
    assert out_x is x and out_y is y


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(2 * DRAWN_POINTS + 1, 60_000),
    seed=st.integers(0, 2**32 - 1),
    holes=st.floats(0, 0.5),
    highest=st.booleans(),
)
def test_a_long_curve_keeps_its_extremes_its_order_and_its_gaps(count, seed, holes, highest):
    random = np.random.default_rng(seed)
    x = np.logspace(-10, 0, count)
    y = np.exp(random.normal(0, 3, count))
    y[random.random(count) < holes] = np.nan
    if random.random() < 0.3:
        y[count // 3 : count // 2] = np.nan  # a long stretch with nothing: a gap stays a gap
    out_x, out_y = drawn(x, y, highest=highest)
    assert len(out_x) == len(out_y) <= DRAWN_POINTS
    assert np.all(np.diff(out_x) >= 0)  # in the order of ε
    assert set(out_x) <= set(x)  # real points, never made up
    finite = np.isfinite(y)
    if finite.any():
        assert np.nanmax(out_y) == y[finite].max()  # the plot's range reaches the top
        if not highest:
            assert np.nanmin(out_y) == y[finite].min()  # and the bottom
    if not finite[count // 3 : count // 2].any():
        inside = (out_x > x[count // 3 + count // 40]) & (out_x < x[count // 2 - count // 40])
        assert not np.isfinite(out_y[inside]).any()


def test_a_30000_row_sweep_hands_each_curve_at_most_the_cap(qtbot):
    import pyqtgraph as pg

    from fdgui.core.requests import table_request_read
    from fdgui.core.sweep.diagnosis import diagnose
    from fdgui.core.sweep.engine import SweepSettings, run_sweep
    from fdgui.ui.explorer.plots import SweepPlots, shown_errors

    rows = ["eps\tL+\tL-\tL"]
    for number in range(30_000):
        eps = 10.0 ** (-1 - 7 * number / 30_000)
        rows.append(f"{eps!r}\t{(1 + eps) ** 3!r}\t{(1 - eps) ** 3!r}\t1")
    objective, _problems, source, _reading = table_request_read("\n".join(rows) + "\n")
    result = run_sweep(objective, SweepSettings(dtype=source))
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    plots = SweepPlots(layout)
    plots.draw(result, diagnose(result))
    items = [*plots.estimates.values(), *plots.errors.values(), plots.floor]
    lengths = [len(item.xData) for item in items if item.xData is not None]
    assert lengths and max(lengths) <= DRAWN_POINTS
    # the error plot's range still spans every row's error
    central = plots.errors["central"].yData
    shown = shown_errors(result, result.central)
    positive = shown[np.isfinite(shown) & (shown > 0)]
    assert np.nanmax(central) == positive.max()
