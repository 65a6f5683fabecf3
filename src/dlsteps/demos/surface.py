"""SGD paths over the loss surface of y = w·x + b: learning rate, batch size and noise."""

import altair as alt
import pandas as pd
import torch
from matplotlib.axes import Axes

from dlsteps import data, live, models, plots, static, training
from dlsteps.space import Slider, Space

NUM_EPOCHS, RECORDS_PER_EPOCH, CELLS = 20, 5, 30
W_RANGE, B_RANGE = (-1.0, 5.0), (-3.0, 11.0)
STAR = "M0,-1L.22,-.31L.95,-.31L.36,.12L.59,.81L0,.38L-.59,.81L-.36,.12L-.95,-.31L-.22,-.31Z"
SPACE = Space(
    Slider("lr", "learning rate", (0.0003, 0.001, 0.003, 0.01, 0.03), 0.003),
    Slider("batch_size", "batch size", (1, 2, 5, 10, 20, 50, data.LINE_N), 10),
    Slider("noise", "noise σ", (0.0, 2.0, 4.0, 6.0), 2.0),
)
NOTE = (
    f"{NUM_EPOCHS} epochs of SGD on {data.LINE_N} points, from w = b ≈ 0; "
    "the star marks the true (w, b)."
)


def runs(lrs, batch_size, noises, *, seed=0) -> training.SGDRuns:
    """Every (noise, lr) pair side by side (run g: noise g // len(lrs), lr g % len(lrs)).

    ``params[g]`` holds run g's path over (w, b), five points an epoch.
    """
    for lr in lrs:
        SPACE.check(lr=lr)
    for noise in noises:
        SPACE.check(noise=noise)
    SPACE.check(batch_size=batch_size)
    x, Y = data.line_data(noises, seed=seed)
    Y = Y.repeat_interleave(len(lrs), dim=1)  # (n, noises × lrs)
    rates = torch.tensor([float(lr) for lr in lrs]).repeat(len(noises))
    return training.sgd_linreg_runs(
        x, Y, rates, batch_size, NUM_EPOCHS, seed=seed, records_per_epoch=RECORDS_PER_EPOCH
    )


def run(lr: float, batch_size: int, noise: float, *, seed: int = 0) -> training.SGDRuns:
    """One path of the demo; divergence is recorded in ``diverged_at``, never raised."""
    return runs([lr], batch_size, [noise], seed=seed)


def draw(ax: Axes, lr: float, batch_size: int, noise: float) -> Axes:
    path = {f"batch size {batch_size}": run(lr, batch_size, noise)}
    x, Y = data.line_data([noise], seed=0)
    return plots.draw_surface_paths(x, Y[:, 0], path, ax=ax, w_range=W_RANGE, b_range=B_RANGE)


def grid(*, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All paths (one row each) and the loss surface of each noise level (one row a cell)."""
    lrs, noises = SPACE["lr"].values, SPACE["noise"].values
    paths = []
    for batch_size in SPACE["batch_size"].values:
        r = runs(lrs, batch_size, noises, seed=seed)
        for g in range(len(lrs) * len(noises)):
            ok = torch.isfinite(r.loss[g])
            paths.append(
                {
                    "lr": lrs[g % len(lrs)],
                    "batch_size": batch_size,
                    "noise": noises[g // len(lrs)],
                    "w": [round(v, 4) for v in r.params[g, ok, 0].tolist()],
                    "b": [round(v, 4) for v in r.params[g, ok, 1].tolist()],
                    "diverged_at": int(r.diverged_at[g]),
                }
            )
    x, Y = data.line_data(noises, seed=seed)
    ws, bs = torch.linspace(*W_RANGE, CELLS), torch.linspace(*B_RANGE, CELLS)
    surface = [
        {"noise": sigma, "w": round(float(ws[j]), 4), "b": round(float(bs[i]), 4), "loss": loss}
        for k, sigma in enumerate(noises)
        for i, row in enumerate(models.loss_surface(x, Y[:, k], ws, bs).tolist())
        for j, loss in enumerate(float(f"{v:.3g}") for v in row)
    ]
    return pd.DataFrame(paths), pd.DataFrame(surface)


def panel() -> live.LivePanel:
    return live.space_panel(SPACE, draw, NOTE, figsize=(6.0, 4.5))


def twin() -> static.StaticChart:
    paths, surface = grid()
    cell_w = (W_RANGE[1] - W_RANGE[0]) / (CELLS - 1)
    cell_b = (B_RANGE[1] - B_RANGE[0]) / (CELLS - 1)
    heat = (
        alt.Chart(surface)
        .transform_filter(static.select([SPACE["noise"]]))
        # Each cell centred on its grid point; the half cells beyond the axes are clipped, so no
        # cell covers the caption above the plot.
        .transform_calculate(
            w1=f"datum.w - {cell_w / 2}",
            w2=f"datum.w + {cell_w / 2}",
            b1=f"datum.b - {cell_b / 2}",
            b2=f"datum.b + {cell_b / 2}",
        )
        .mark_rect(opacity=0.8, clip=True)
        .encode(
            x=alt.X("w1:Q", scale=alt.Scale(domain=list(W_RANGE)), title="weight w"),
            x2="w2:Q",
            y=alt.Y("b1:Q", scale=alt.Scale(domain=list(B_RANGE)), title="bias b"),
            y2="b2:Q",
            color=alt.Color(
                "loss:Q",
                scale=alt.Scale(type="log", scheme="viridis", reverse=True),
                title="½ MSE",
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    chosen = alt.Chart(paths).transform_filter(static.select(SPACE.sliders))
    path = (
        chosen.transform_flatten(["w", "b"])
        .transform_window(k="row_number()")
        .mark_line(point=alt.OverlayMarkDef(color="#c0392b"), color="#c0392b", clip=True)
        .encode(x="w:Q", y="b:Q", order="k:Q")
    )
    truth = (
        alt.Chart(pd.DataFrame({"w": [data.LINE_W], "b": [data.LINE_B]}))
        .mark_point(shape=STAR, size=250, filled=True, color="black")
        .encode(x="w:Q", y="b:Q")
    )
    layers = [heat, path, truth, static.caption(SPACE.sliders, base=chosen)]
    layers.append(static.diverged(150, base=chosen))
    description = (
        f"The loss surface of y ≈ w·x + b as a heat map, the true (w, b) as a star, and the path "
        f"of {NUM_EPOCHS} epochs of SGD over it, for the learning rate, batch size and noise "
        "chosen with the sliders below."
    )
    return static.layered(SPACE, layers, paths, 300, description, filter=False)
