"""The slider engine: run functions (real training), draw functions, panels and static twins."""

import json
import re

import ipywidgets as W
import pytest
import torch

from dlsteps import data, demos, plots, training, widgets


def test_run_linreg_equals_the_scratch_fit():
    runs = demos.run_linreg(0.03, 10, 0.01)
    X, Y = demos.linreg_data([0.01], seed=0)
    fit = training.fit_linreg(X, Y, training.SGDConfig(0.03, 10, 3), seed=0, progress=False)
    assert torch.allclose(
        runs.params[0, -1], torch.cat([fit.w.flatten(), fit.b]).detach(), atol=1e-5
    )
    assert runs.loss[0, -1] < 1e-3  # it really trained


def test_divergent_lr_is_a_result_not_an_exception():
    runs = demos.run_linreg(10.0, 128, 0.5)
    assert runs.diverged_at[0] > 0 and torch.isnan(runs.loss[0, -1])
    ax = plots.draw_sgd_run(runs)
    assert any(t.get_text() == f"diverged at step {int(runs.diverged_at[0])}" for t in ax.texts)
    assert len(ax.lines[0].get_xdata()) >= 1  # the finite part of the curve is drawn


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0.0}, "lr must be a finite number > 0, got 0.0"),
        ({"lr": -1.0}, "lr must be a finite number > 0, got -1.0"),
        ({"batch_size": 0}, "batch_size must be between 1 and 1000, got 0"),
        ({"batch_size": 1001}, "batch_size must be between 1 and 1000, got 1001"),
        ({"noise": -0.5}, "noise must be a finite number >= 0, got -0.5"),
    ],
)
def test_bad_slider_values_raise_value_error(kwargs, message):
    args = {"lr": 0.03, "batch_size": 10, "noise": 0.01} | kwargs
    with pytest.raises(ValueError, match=message):
        demos.run_linreg(**args)


def test_panel_shows_bad_values_as_a_message_and_keeps_the_last_figure():
    size = W.IntSlider(value=10, min=0, max=5000)
    panel = widgets.live_panel(
        lambda ax, batch_size: widgets.draw_linreg(ax, 0.03, batch_size, 0.01, 1),
        {"batch_size": size},
    )
    good_png = panel.image.value
    assert good_png[:4] == b"\x89PNG" and size.continuous_update is False
    size.value = 0
    assert "batch_size must be between 1 and 1000, got 0" in panel.message.value
    assert panel.image.value == good_png
    size.value = 5000
    assert "got 5000" in panel.message.value


def test_panel_redraws_and_shows_divergence():
    panel = widgets.linreg_panel()
    before = panel.image.value
    panel.controls["lr"].value = 10.0  # diverges
    assert panel.image.value != before and "error" not in panel.message.value.lower()
    panel.controls["batch_size"].value = 1000
    panel.controls["lr"].value = 0.1
    assert panel.image.value != before


def test_linreg_grid_runs_every_combination_for_real():
    grid = demos.run_linreg_grid()
    g = demos.LinRegGrid()
    assert len(grid) == len(g.log10_lrs) * len(g.log2_batch_sizes) * len(g.noises)
    row = grid.query("log10_lr == -1.5 and log2_batch == 3 and noise == 0.5").iloc[0]
    single = demos.run_linreg(10**-1.5, 8, 0.5)
    assert row.loss == pytest.approx(single.loss[0].tolist(), rel=1e-3)
    assert (grid.diverged_at > 0).any() and (grid.diverged_at == -1).any()


def spec_data(chart: widgets.StaticChart) -> list[dict]:
    spec = chart.spec
    return [v for ds in spec.get("datasets", {}).values() for v in ds]


@pytest.mark.parametrize("make", [widgets.linreg_twin, widgets.surface_twin, widgets.descent_twin])
def test_static_twins_bind_every_slider_into_one_filter(make):
    chart = make()
    params = {p["name"]: p["bind"] for p in chart.spec["params"]}
    assert params and all(b["input"] == "range" for b in params.values())
    text = json.dumps(chart.spec)
    for name in params:  # every slider takes part in the filter that selects the run
        assert f"== {name}" in text
    html = chart._repr_mimebundle_()["text/html"]
    assert "vegaEmbed" in html and "http" not in re.sub(r'"\$schema":"[^"]+"', "", html)
    assert len(html.encode()) < 1_000_000


def test_static_twin_changes_with_each_slider():
    """Every slider position picks a different run: the drawn data differ per slider move."""
    grid = demos.run_linreg_grid()
    base = {"log10_lr": -1.5, "log2_batch": 3, "noise": 0.5}

    def curve(**change):
        sel = base | change
        return grid.query(" and ".join(f"{k} == {v}" for k, v in sel.items())).iloc[0].loss

    assert curve() != curve(log10_lr=-1.0)
    assert curve() != curve(log2_batch=4)
    assert curve() != curve(noise=1.0)


def test_descent_demo_gradient_matches_autograd_and_diverges_cleanly():
    x = torch.tensor([-3.0, 0.5, 7.0], requires_grad=True)
    demos.parabola(x).sum().backward()
    assert torch.allclose(x.grad, demos.parabola_grad(x.detach()))
    assert demos.descend_1d(0.2).xs[-1].abs() < 1e-6
    assert demos.descend_1d(0.9).xs[1] == pytest.approx(-8.0)  # oscillates around 0
    run = demos.descend_1d(3.0)
    assert run.diverged_at is not None and torch.isfinite(run.xs).all()
    with pytest.raises(ValueError, match="lr must be a finite number > 0, got 0"):
        demos.descend_1d(0)


def test_surface_paths_reach_the_least_squares_fit_and_reject_bad_batch():
    x, Y = demos.line_data([2.0], seed=0)
    w, b = training.models.closed_form(x, Y)
    runs = demos.run_surface_paths(0.005, 100, 2.0, num_epochs=20)
    assert runs.params.shape[-1] == 2 and runs.diverged_at[0] == -1
    runs = demos.run_surface_paths(0.01, 1, 2.0, num_epochs=20)
    assert abs(runs.params[0, -1, 0] - w.item()) < 0.2  # w converges; b is the slow direction
    with pytest.raises(ValueError, match="batch_size must be between 1 and 100, got 101"):
        demos.run_surface_paths(0.01, 101, 2.0)
    surface = demos.loss_surface(x, Y[:, 0], torch.tensor([w.item()]), torch.tensor([b.item()]))
    resid = ((x * w + b - Y) ** 2).mean() / 2
    assert surface.item() == pytest.approx(resid.item(), rel=1e-5)


@pytest.fixture(scope="module")
def small_fashion():
    train, test = data.load_fashion_mnist(standardize=True)
    return data.class_subset(train, 110), data.class_subset(test, 20)  # 1,100 >= largest batch


def test_softmax_demo_trains_for_real_and_panel_redraws(small_fashion):
    train, test = small_fashion
    assert len(train.y) == 1100 and torch.bincount(train.y).tolist() == [110] * 10
    history = demos.run_softmax(train, test, 0.1, 32, 3)
    assert len(history.test_acc) == 3 and history.test_acc[-1] > 0.5  # far above chance (0.1)
    panel = widgets.softmax_panel(train, test)
    before = panel.image.value
    panel.controls["num_epochs"].value = 2
    assert panel.image.value != before and "1,100 training images" in panel.message.value
    with pytest.raises(ValueError, match="batch_size must be between 1 and 1100, got 2048"):
        demos.run_softmax(train, test, 0.1, 2048, 1)


def test_softmax_twin_has_every_run_and_an_epoch_slider(small_fashion):
    chart = widgets.softmax_twin(*small_fashion)
    names = [p["name"] for p in chart.spec["params"]]
    assert names == ["p_log10_lr", "p_log2_batch", "p_epochs"]
    rows = spec_data(chart)
    grid = demos.SoftmaxGrid()
    assert len(rows) == len(grid.log10_lrs) * len(grid.log2_batch_sizes)
    assert all(len(r["test_acc"]) == grid.num_epochs for r in rows if not r["diverged_at"])


def test_mlp_twin_has_every_run_and_an_epoch_slider(small_fashion):
    chart = widgets.mlp_twin(*small_fashion)
    assert [p["name"] for p in chart.spec["params"]] == ["p_log2_hiddens", "p_log10_lr", "p_epochs"]
    grid = demos.MLPGrid()
    rows = spec_data(chart)
    assert len(rows) == len(grid.log2_hiddens) * len(grid.log10_lrs)
    assert {(r["log2_hiddens"], r["log10_lr"]) for r in rows} == {
        (h, k) for h in grid.log2_hiddens for k in grid.log10_lrs
    }
