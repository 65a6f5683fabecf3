"""Plot helpers draw what they say: checked on the artists they leave on the axes."""

import pytest
from matplotlib.patches import Circle

from dlsteps import plots


def test_network_draws_every_unit_and_every_connection():
    ax = plots.draw_network(["x1", "x2", "x3"], ["h1", "h2"], ["o1", "o2", "o3", "o4"])
    units = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(units) == 3 + 2 + 4
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 3 * 2 + 2 * 4  # fully connected between neighbouring layers only
    names = [t.get_text() for t in ax.texts if t.get_text().endswith("layer")]
    assert names == ["input layer", "hidden layer", "output layer"]


def test_network_rejects_a_single_layer_and_mismatched_names():
    with pytest.raises(ValueError, match="layers must be at least two non-empty columns, got 1"):
        plots.draw_network(["x1"])
    with pytest.raises(ValueError, match=r"names must have one entry per layer \(2\), got 1"):
        plots.draw_network(["x1"], ["o1"], names=["inputs"])
