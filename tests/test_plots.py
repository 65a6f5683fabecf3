"""Plot helpers draw what they say: checked on the artists they leave on the axes."""

import pandas as pd
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


@pytest.mark.parametrize("count, size", [(10, 20.0), (30, 40.0), (30, 5.0), (0, 5.0)])
def test_the_robust_legend_covers_no_point(count, size):
    """In the live panel's figure, no data point or outlier lies under the legend."""
    from matplotlib.figure import Figure

    from dlsteps.demos import robust

    figure = Figure(figsize=(6, 4))
    figure.subplots_adjust(left=0.15, right=0.97, bottom=0.16, top=0.9)  # as the live panel
    ax = robust.draw(figure.add_subplot(), count, size, 1.0)
    figure.canvas.draw()
    box = ax.get_legend().get_window_extent()
    points = [xy for c in ax.collections for xy in ax.transData.transform(c.get_offsets())]
    assert len(points) == 100
    assert not [xy for xy in points if box.contains(*xy)]


def test_curves_put_ticks_on_whole_epochs_only():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    plots.plot_curves({"a": [1.0, 0.5, 0.2], "b": [0.9, 0.4, 0.3]}, ax=ax)
    ticks = ax.get_xticks()
    assert len(ticks) >= 3 and all(t == int(t) for t in ticks), ticks


@pytest.fixture(scope="module")
def linreg_twin_spec():
    from dlsteps.demos import linreg

    return linreg.twin().spec


def _linreg_twin_svg(spec, chosen):
    """The twin drawn by Vega-Lite as SVG, 500 px wide, with the sliders at ``chosen``."""
    import json

    import vl_convert

    from dlsteps.demos import linreg

    spec = json.loads(json.dumps(spec))
    spec["width"] = 500
    for p in spec["params"]:
        name = p["name"].removeprefix("p_")
        if name in chosen:
            p["value"] = list(linreg.SPACE[name].values).index(chosen[name])
    return vl_convert.vegalite_to_svg(spec)


@pytest.mark.parametrize(
    "chosen, reaches",
    [({"noise": 0.0, "num_epochs": 10}, 1e-10), ({"lr": 3.0, "batch_size": 200}, 1e10)],
)
def test_the_linreg_twin_draws_each_run_on_its_own_range(linreg_twin_spec, chosen, reaches):
    """A noise-free run falls to about 1e-11, an exploding one climbs past 1e10: the y axis
    shows both (a fixed axis from 1e-5 to 1e4 drew them flat at its edge)."""
    import re

    svg = _linreg_twin_svg(linreg_twin_spec, chosen)
    labels = [float(t) for t in re.findall(r">(\d(?:\.\d+)?e[+-]\d+)<", svg)]
    assert labels, "no tick label on the log axis"
    assert (min(labels) <= reaches) if reaches < 1 else (max(labels) >= reaches), labels


@pytest.mark.parametrize("lr", [0.3, 1.0])
def test_a_linreg_panel_draws_a_loss_of_exactly_zero_on_a_labelled_floor(lr):
    """Without noise, lr 0.3 and 1 land exactly on the float32 weights that made the labels: the
    loss is 0, which a log axis drops (the line vanished and the title said "final loss 0")."""
    from matplotlib.figure import Figure

    from dlsteps.demos import linreg

    run = linreg.run(lr, 10, 0.0, 10)
    loss = run.loss[0]
    assert (loss == 0).any()
    ax = linreg.draw(Figure().add_subplot(), lr, 10, 0.0, 10)
    drawn = ax.lines[0].get_ydata()
    assert len(drawn) == len(loss) and (drawn > 0).all()  # every record, none at 0
    floor = plots.zero_floor(loss)
    assert floor < loss[loss > 0].min() and ax.get_ylim()[0] <= floor  # below all, in view
    assert list(drawn[(loss == 0).numpy()]) == [floor] * int((loss == 0).sum())
    assert [t.get_text() for t in ax.texts] == [f"loss exactly 0 (drawn at {floor:.0e})"]


def test_a_linreg_panel_without_a_zero_loss_draws_no_floor():
    from matplotlib.figure import Figure

    from dlsteps.demos import linreg

    ax = linreg.draw(Figure().add_subplot(), 0.03, 10, 0.0, 10)
    assert len(ax.texts) == 0 and len(ax.lines) == 1  # a dotted floor only where a loss is 0


@pytest.mark.parametrize("lr", [0.3, 1.0])
def test_the_linreg_twin_draws_a_loss_of_exactly_zero_on_a_labelled_floor(linreg_twin_spec, lr):
    """The twin's log axis filtered a loss of 0 out, as the live panel dropped it: both now draw
    it on the same labelled floor, and a screen reader hears "exactly 0"."""
    import re

    from dlsteps.demos import linreg

    loss = linreg.run(lr, 10, 0.0, 10).loss[0]
    floor = plots.zero_floor(loss)
    svg = _linreg_twin_svg(linreg_twin_spec, {"lr": lr, "noise": 0.0, "num_epochs": 10})
    assert f"loss exactly 0 (drawn at {floor:.0e})" in svg
    point = r'aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="point"'
    points = re.findall(point, svg)
    assert len(points) == len(loss)  # every record drawn, the zeros too
    assert sum(p.endswith("loss exactly 0") for p in points) == int((loss == 0).sum())
    ticks = [float(t) for t in re.findall(r">(\d(?:\.\d+)?e[+-]\d+)<", svg)]
    assert min(ticks) <= floor


def test_the_linreg_twin_draws_no_floor_where_the_chosen_epochs_hold_no_zero(linreg_twin_spec):
    svg = _linreg_twin_svg(linreg_twin_spec, {"lr": 0.3, "noise": 0.0, "num_epochs": 2})
    assert "loss exactly 0" not in svg


@pytest.mark.parametrize("chosen", [{"lr": 0.3, "noise": 0.0, "num_epochs": 10}, {}])
def test_every_image_in_the_linreg_twin_has_a_name(linreg_twin_spec, chosen):
    """axe's svg-img-alt: an element with role graphics-symbol needs an aria-label. The zero-loss
    rule, empty where no loss is 0 (the default run), was an unnamed one in the HTML book."""
    import re

    svg = _linreg_twin_svg(linreg_twin_spec, chosen)
    symbols = re.findall(r"<[a-z]+ [^>]*role=\"graphics-symbol\"[^>]*>", svg)
    assert symbols  # the curve's points at least
    assert [s for s in symbols if "aria-label=" not in s] == []


def test_the_robust_twin_draws_the_true_line_and_names_each_fits_distance_from_it():
    """The live panel draws the true line; the twin did not, and labelled the fits' distance
    from the true (w, b) only "error"."""
    import re

    import vl_convert

    from dlsteps import data
    from dlsteps.demos import robust

    svg = vl_convert.vegalite_to_svg({**robust.twin().spec, "width": 500})
    line = f"true line y = {data.LINE_W:g}x + {data.LINE_B:g}"
    assert f'aria-label="{line}"' in svg
    labels = re.findall(
        r"(L2|L1|Huber): w = [-\d.]+, b = [-\d.]+, distance to true \(w, b\) [\d.]+", svg
    )
    assert sorted(set(labels)) == ["Huber", "L1", "L2"]


def test_the_robust_twin_draws_each_loss_as_the_live_panel_does():
    """L2 blue solid, L1 orange dashed, Huber green dotted, in the panel and in the twin."""
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    from dlsteps.demos import robust

    ax = robust.draw(Figure().add_subplot(), 10, 20.0, 1.0)
    panel = {
        line.get_label().split(":")[0]: (to_hex(line.get_color()), line.get_linestyle())
        for line in ax.get_lines()
        if ":" in line.get_label()
    }
    (lines,) = [
        layer["encoding"] for layer in robust.twin().spec["layer"] if "stroke" in layer["encoding"]
    ]
    colour, dash = lines["stroke"]["scale"], lines["strokeDash"]["scale"]
    twin = {
        name: (
            colour["range"][colour["domain"].index(name)],
            dash["range"][dash["domain"].index(name)],
        )
        for name in panel
    }
    styles = {"-": [1, 0], "--": [6, 4], ":": [2, 2]}
    assert {name: (c, styles[s]) for name, (c, s) in panel.items()} == twin


def test_the_normal_demo_axis_fits_its_tallest_curve_with_little_room_to_spare():
    from matplotlib.figure import Figure

    from dlsteps.demos import normal

    tallest = max(max(row) for row in normal.grid().p)
    curve = next(layer for layer in normal.twin().spec["layer"] if "y" in layer["encoding"])
    top = curve["encoding"]["y"]["scale"]["domain"][1]
    assert tallest <= top <= 1.1 * tallest, (tallest, top)
    ax = normal.draw(Figure().add_subplot(), 0.0, 0.5)
    assert ax.get_ylim() == (0, top)  # the live panel on the same scale


def test_images_share_one_grey_scale_when_given_a_range():
    """A faint image (max 0.5) is drawn lighter than a dark one (max 1) with vrange=(0, 1);
    without it each image spans the whole scale on its own."""
    import torch
    from matplotlib.figure import Figure

    images = torch.stack([torch.linspace(0, 0.5, 784), torch.linspace(0, 1, 784)]).reshape(
        2, 28, 28
    )
    shared = plots.show_images(images, axes=Figure().subplots(1, 2, squeeze=False), vrange=(0, 1))
    assert [ax.get_images()[0].get_clim() for ax in shared.flat] == [(0, 1), (0, 1)]
    own = plots.show_images(images, axes=Figure().subplots(1, 2, squeeze=False))
    assert [ax.get_images()[0].get_clim()[1] for ax in own.flat] == [0.5, 1.0]
    with pytest.raises(ValueError, match="vrange"):
        plots.show_images(images, vrange=(1, 0))


def _history(loss):
    from dlsteps import training

    n = len(loss)
    return training.History(list(loss), [0.5] * n, [0.6] * n, [0.1] * n)


def test_a_classifier_twin_shows_a_large_loss_instead_of_clipping_it():
    """A run whose loss reaches 24 has a loss axis that reaches 24 (it was clipped at 2)."""
    import json
    import re

    import vl_convert

    from dlsteps import static
    from dlsteps.space import Slider, Space

    space = Space(
        Slider("lr", "learning rate", (0.1, 1.0), 1.0),
        Slider("num_epochs", "epochs", (1, 2, 3), 3, prefix=True),
    )
    losses = {0.1: [0.9, 0.5, 0.4], 1.0: [23.6, 10.4, 8.2]}
    chart = static.history_twin(
        space, lambda tr, te, lr, num_epochs, seed: _history(losses[lr]), None, None
    )
    spec = json.loads(json.dumps(chart.spec))
    spec["width"] = 500
    svg = vl_convert.vegalite_to_svg(spec)
    ticks = [float(t) for t in re.findall(r">(\d+(?:\.\d+)?)</text>", svg)]
    assert max(ticks) >= 20, ticks


def test_the_history_panel_says_what_its_axis_leaves_out():
    from matplotlib.figure import Figure

    def notes(loss):
        ax = plots.plot_history(_history(loss), ax=Figure().add_subplot())
        return [t.get_text() for t in ax.texts]

    assert notes([0.9, 0.5, 0.4]) == []
    assert notes([23.6, 10.4, 8.2]) == ["train loss above 2.5, up to 23.6"]


def test_a_linreg_panel_shows_each_run_on_its_own_range():
    from matplotlib.figure import Figure

    from dlsteps.demos import linreg

    quiet = linreg.draw(Figure().add_subplot(), 0.03, 10, 0.0, 10)
    assert quiet.get_ylim()[0] < 1e-10  # a noise-free run falls below 1e-10
    wild = linreg.draw(Figure().add_subplot(), 3.0, 200, 0.01, 10)
    assert wild.get_ylim()[1] > 1e10  # an exploding one climbs past 1e10


def test_the_gradient_twin_axis_holds_every_norm():
    """The smallest sigmoid norms (below 1e-12 at depth 20) were clamped to a fixed 1e-12 floor."""
    from dlsteps.demos import gradients

    chart = gradients.twin()
    (low, high) = next(
        layer["encoding"]["y"]["scale"]["domain"]
        for layer in chart.spec["layer"]
        if "y" in layer.get("encoding", {})
    )
    norms = pd.DataFrame(chart.spec["datasets"][next(iter(chart.spec["datasets"]))]).norm
    assert low <= norms.min() and norms.max() <= high, (low, norms.min(), norms.max(), high)
