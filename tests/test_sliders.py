"""Slider demos: one declaration per demo drives its real runs, live panel and static twin."""

import dataclasses
import re

import ipywidgets as W
import pytest
import torch

from dlsteps import data, demos, live, models, plots, static, training
from dlsteps.space import Slider, Space

SIMPLE = [demos.linreg, demos.descent, demos.surface, demos.normal, demos.robust, demos.gradients]


def test_linreg_run_equals_the_scratch_fit():
    runs = demos.linreg.run(0.03, 10, 0.01)
    gen = torch.Generator().manual_seed(0)
    X, y = data.synthetic_linear(
        demos.linreg.TRUE_W, demos.linreg.TRUE_B, 1000, 0.01, generator=gen
    )
    fit = training.fit_linreg(X, y, training.SGDConfig(0.03, 10, 3), seed=0, progress=False)
    assert torch.allclose(
        runs.params[0, -1], torch.cat([fit.w.flatten(), fit.b]).detach(), atol=1e-5
    )
    assert runs.loss[0, -1] < 1e-3 and runs.diverged_at[0] == 0  # it really trained


def test_divergent_lr_is_a_result_not_an_exception():
    runs = demos.linreg.run(10.0, 100, 0.5)
    assert runs.diverged_at[0] > 0 and torch.isnan(runs.loss[0, -1])
    ax = plots.draw_sgd_run(runs)
    assert [t.get_text() for t in ax.texts] == [f"diverged at step {int(runs.diverged_at[0])}"]
    assert len(ax.lines[0].get_xdata()) >= 1  # the finite part of the curve is drawn


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0.0}, "lr must be between 0.001 and 10, got 0.0"),
        ({"lr": float("nan")}, "lr must be between 0.001 and 10, got nan"),
        ({"batch_size": 0}, "batch_size must be between 1 and 1000, got 0"),
        ({"batch_size": 1001}, "batch_size must be between 1 and 1000, got 1001"),
        ({"noise": -0.5}, "noise must be between 0 and 2, got -0.5"),
        ({"num_epochs": 11}, "num_epochs must be between 1 and 10, got 11"),
    ],
)
def test_values_outside_the_declared_space_raise_value_error(kwargs, message):
    args = {"lr": 0.03, "batch_size": 10, "noise": 0.01} | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        demos.linreg.run(**args)


def test_panel_shows_bad_values_as_a_message_and_keeps_the_last_figure():
    size = W.IntSlider(value=10, min=0, max=5000)
    panel = live.live_panel(
        lambda ax, batch_size: demos.linreg.draw(ax, 0.03, batch_size, 0.01, 1),
        {"batch_size": size},
    )
    good_png = panel.image.value
    assert good_png[:4] == b"\x89PNG" and size.continuous_update is False
    size.value = 0
    assert "batch_size must be between 1 and 1000, got 0" in panel.message.value
    assert panel.image.value == good_png
    size.value = 5000
    assert "got 5000" in panel.message.value


def test_live_panel_shows_divergence_on_its_figure():
    panel = demos.linreg.panel()
    ax = panel.figure.axes[0]
    assert not [t for t in ax.texts if "diverged" in t.get_text()]
    before = panel.image.value
    panel.controls["lr"].value = 10.0
    notes = [t.get_text() for t in ax.texts if t.get_text().startswith("diverged at step")]
    assert notes and panel.image.value != before and "must be" not in panel.message.value


@pytest.mark.parametrize("demo", SIMPLE, ids=lambda m: m.__name__.split(".")[-1])
def test_live_sliders_offer_exactly_the_declared_values(demo):
    panel = demo.panel()
    assert list(panel.controls) == [s.name for s in demo.SPACE.sliders]
    for s in demo.SPACE.sliders:
        control = panel.controls[s.name]
        assert [v for _, v in control.options] == list(s.values)
        assert [t for t, _ in control.options] == [s.text(v) for v in s.values]
        assert control.value == s.default and control.description == s.label
    before = panel.image.value
    last = demo.SPACE.sliders[-1]
    panel.controls[last.name].value = last.high if last.default != last.high else last.low
    assert panel.image.value != before and "must be" not in panel.message.value


def filters(spec) -> list[str]:
    """Every filter expression in the transforms of a Vega-Lite spec and its layers."""
    found = []
    for t in spec.get("transform", []):
        if isinstance(t.get("filter"), str):
            found.append(t["filter"])
    for layer in spec.get("layer", []):
        found += filters(layer)
    return found


def check_twin_spec(chart: static.StaticChart, space: Space) -> None:
    spec = chart.spec
    params = {p["name"]: p for p in spec["params"]}
    assert list(params) == [f"p_{s.name}" for s in space.sliders]
    for s in space.sliders:
        p = params[f"p_{s.name}"]
        assert p["bind"] == {
            "input": "range",
            "min": 0,
            "max": len(s.values) - 1,
            "step": 1,
            "name": f"{s.label} ",
        }
        assert p["value"] == s.values.index(s.default)
    found = filters(spec)
    for s in static.grid_sliders(space):  # each slider takes part in a filter that picks the run
        assert any(f"datum.{s.name} == {static.chosen(s)}" in f for f in found), s.name
    # The page prints each slider's real values (not the index) beside it, in the declared order.
    assert chart.sliders == {
        f"p_{s.name}": {"label": s.label, "texts": [s.text(v) for v in s.values]}
        for s in space.sliders
    }
    # It takes its column's width (phones too) and says what it shows to screen readers.
    assert spec["width"] == "container" and len(spec["description"]) > 60
    html = chart._repr_mimebundle_()["text/html"]
    assert "dlstepsTwin" in html and "http" not in re.sub(r'"\$schema":"[^"]+"', "", html)
    assert len(html.encode()) < 1_000_000


@pytest.mark.parametrize("demo", SIMPLE, ids=lambda m: m.__name__.split(".")[-1])
def test_static_twin_binds_every_declared_slider(demo):
    check_twin_spec(demo.twin(), demo.SPACE)


def test_chosen_picks_the_real_value_of_the_slider_index():
    s = Slider("lr", "learning rate", (0.001, 0.03, 1.0), 0.03)
    assert static.chosen(s) == "[0.001, 0.03, 1.0][p_lr]"
    assert static.chosen_text(s) == '\'learning rate \' + ["0.001", "0.03", "1"][p_lr]'
    assert static.select([s]) == "datum.lr == [0.001, 0.03, 1.0][p_lr]"


def test_linreg_grid_runs_every_combination_for_real():
    grid = demos.linreg.grid()
    space = demos.linreg.SPACE
    assert len(grid) == len(list(space.combinations()))
    assert (grid.groupby(["lr", "batch_size", "noise"]).size() == 1).all()
    row = grid.query("lr == 0.03 and batch_size == 10 and noise == 0.5").iloc[0]
    single = demos.linreg.run(0.03, 10, 0.5, num_epochs=space["num_epochs"].high)
    assert row.loss == [float(f"{v:.4g}") for v in single.loss[0].tolist()]  # the same run
    assert (grid.diverged_at > 0).any() and (grid.diverged_at == 0).any()
    shorter = demos.linreg.run(0.03, 10, 0.5, num_epochs=3)  # the epochs slider: a prefix
    assert row.loss[: len(shorter.loss[0])] == pytest.approx(shorter.loss[0].tolist(), rel=1e-3)


@pytest.mark.parametrize("lr", [0.03, 0.3, 1.0])
def test_the_twin_holds_the_numbers_the_live_panel_draws_without_noise(lr):
    """Without noise the last float32 digits decide where a run ends. The twin's run at lr 0.03
    ended at 1.65e-11 and the live panel's (and the page's glued number) at 1.39e-11; at lr 0.3
    the live panel reached a loss of exactly 0 and the twin never did."""
    space = demos.linreg.SPACE
    row = demos.linreg.grid().query(f"lr == {lr} and batch_size == 10 and noise == 0").iloc[0]
    single = demos.linreg.run(lr, 10, 0.0, num_epochs=space["num_epochs"].high).loss[0]
    assert row.loss == [float(f"{v:.4g}") for v in single.tolist()]
    assert row.zero_floor == plots.zero_floor(single)  # where both draw a loss of 0


def test_every_slider_position_picks_a_different_run():
    grid = demos.linreg.grid().set_index(["lr", "batch_size", "noise"])
    base = (0.03, 10, 0.5)
    assert grid.loc[base].loss != grid.loc[(0.1, 10, 0.5)].loss
    assert grid.loc[base].loss != grid.loc[(0.03, 20, 0.5)].loss
    assert grid.loc[base].loss != grid.loc[(0.03, 10, 1.0)].loss


def test_a_changed_declaration_changes_panel_twin_and_grid(monkeypatch):
    """Adding a value to a slider is one change: the live panel, the twin and the runs follow."""
    old = demos.descent.SPACE["lr"]
    new = dataclasses.replace(old, values=tuple(sorted((*old.values, 0.25))))
    monkeypatch.setattr(demos.descent, "SPACE", Space(new))
    panel = demos.descent.panel()
    assert (("0.25", 0.25) in panel.controls["lr"].options) and len(new.values) == len(
        old.values
    ) + 1
    panel.controls["lr"].value = 0.25
    assert panel.figure.axes[0].get_title() == "after 40 steps: x = " + format(
        float(training.descend_1d(0.25).xs[-1]), ".3g"
    )
    twin = demos.descent.twin()
    check_twin_spec(twin, demos.descent.SPACE)
    rows = [r for ds in twin.spec["datasets"].values() for r in ds if r.get("lr") == 0.25]
    assert len(rows) == 1
    assert rows[0]["x"] == pytest.approx(training.descend_1d(0.25).xs.tolist(), rel=1e-4)


def test_space_declarations_are_checked():
    with pytest.raises(ValueError, match=r"default 0\.5 is not one of"):
        Slider("lr", "learning rate", (0.1, 1.0), 0.5)
    with pytest.raises(ValueError, match="increasing"):
        Slider("lr", "learning rate", (1.0, 0.1), 1.0)
    with pytest.raises(ValueError, match="slider names must differ"):
        Space(Slider("a", "a", (1, 2), 1), Slider("a", "b", (1, 2), 1))
    space = Space(Slider("a", "a", (1, 2, 3), 1), Slider("k", "k", (1, 2), 2, prefix=True))
    assert list(space.combinations()) == [{"a": 1, "k": 2}, {"a": 2, "k": 2}, {"a": 3, "k": 2}]


def test_descent_gradient_matches_autograd_and_diverges_cleanly():
    x = torch.tensor([-3.0, 0.5, 7.0], requires_grad=True)
    models.parabola(x).sum().backward()
    assert torch.allclose(x.grad, models.parabola_grad(x.detach()))
    assert demos.descent.run(0.2).xs[-1].abs() < 1e-6
    assert demos.descent.run(0.9).xs[1] == pytest.approx(-8.0)  # oscillates around 0
    run = demos.descent.run(3.0)
    assert run.diverged_at > 0 and torch.isfinite(run.xs).all()
    with pytest.raises(ValueError, match="lr must be a finite number > 0, got 0"):
        training.descend_1d(0)


def test_surface_paths_reach_the_least_squares_fit_and_reject_bad_batch():
    x, Y = data.line_data([2.0], seed=0)
    w, b = models.closed_form(x, Y)
    runs = demos.surface.run(0.003, 100, 2.0)
    assert runs.params.shape[-1] == 2 and runs.diverged_at[0] == 0
    runs = demos.surface.run(0.01, 1, 2.0)
    assert abs(runs.params[0, -1, 0] - w.item()) < 0.2  # w converges; b is the slow direction
    with pytest.raises(ValueError, match="batch_size must be between 1 and 100, got 101"):
        demos.surface.run(0.01, 101, 2.0)
    surface = models.loss_surface(x, Y[:, 0], torch.tensor([w.item()]), torch.tensor([b.item()]))
    resid = ((x * w + b - Y) ** 2).mean() / 2
    assert surface.item() == pytest.approx(resid.item(), rel=1e-5)


@pytest.fixture(scope="module")
def small_fashion():
    train, test = data.load_fashion_mnist(standardize=True)
    return data.class_subset(train, 110), data.class_subset(test, 20)  # 1,100 >= largest batch


def test_softmax_demo_trains_for_real_and_panel_redraws(small_fashion):
    train, test = small_fashion
    assert len(train.y) == 1100 and torch.bincount(train.y).tolist() == [110] * 10
    history = demos.softmax.run(train, test, 0.1, 128, 3)
    assert len(history.test_acc) == 3 and history.test_acc[-1] > 0.5  # far above chance (0.1)
    panel = demos.softmax.panel(train, test)
    before = panel.image.value
    panel.controls["num_epochs"].value = 2
    assert panel.image.value != before and "1,100 training images" in panel.message.value
    with pytest.raises(ValueError, match="batch_size must be between 128 and 1024, got 2048"):
        demos.softmax.run(train, test, 0.1, 2048, 1)


@pytest.mark.parametrize("demo", [demos.softmax, demos.mlp], ids=["softmax", "mlp"])
def test_classifier_twins_hold_every_run_and_an_epoch_slider(demo, small_fashion):
    chart = demo.twin(*small_fashion)
    check_twin_spec(chart, demo.SPACE)
    rows = [r for ds in chart.spec["datasets"].values() for r in ds if "test_acc" in r]
    names = [s.name for s in static.grid_sliders(demo.SPACE)]
    assert sorted(tuple(r[n] for n in names) for r in rows) == sorted(
        tuple(c[n] for n in names) for c in demo.SPACE.combinations()
    )
    epochs = demo.SPACE["num_epochs"].high
    assert all(len(r["test_acc"]) == epochs for r in rows if not r["diverged_at"])


@pytest.mark.parametrize("demo", SIMPLE, ids=lambda m: m.__name__.split(".")[-1])
def test_live_picture_is_sharp_and_its_text_as_large_as_the_page(demo):
    import io

    from matplotlib.text import Text
    from PIL import Image

    panel = demo.panel()
    css_width = int(panel.image.layout.width.removesuffix("px"))
    assert panel.image.layout.max_width == "100%"
    picture = Image.open(io.BytesIO(panel.image.value))
    assert picture.width == live.PIXEL_RATIO * css_width  # two pixels per CSS pixel
    # 14 CSS px (a notebook's body text) = 10.5 pt at 96 px per inch; every visible text at least
    texts = [t for t in panel.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    assert min(t.get_fontsize() for t in texts) * live.CSS_DPI / 72 >= 14


def test_a_panel_in_a_kernel_merges_slider_moves_made_during_a_run():
    import threading
    import time

    started, release, calls = threading.Event(), threading.Event(), []

    def draw(ax, x):
        calls.append(x)
        if len(calls) == 2:  # the first run after the panel was built: slow
            started.set()
            release.wait(5)
        ax.plot([0, 1], [0, x])

    slider = W.IntSlider(value=0, min=0, max=10)
    panel = live.live_panel(draw, {"x": slider})
    panel.background = True
    slider.value = 1
    assert started.wait(5)
    slider.value, slider.value, slider.value = 2, 3, 4  # moved three times during the run
    time.sleep(live.BUSY_AFTER + 0.3)
    assert panel.message.value == live.WORKING  # the slow run says it is working
    release.set()
    panel.wait()
    assert calls == [0, 1, 4]  # one run with the latest value, not three stale ones
    assert panel.message.value == ""
