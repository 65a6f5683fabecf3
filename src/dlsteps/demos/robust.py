"""Robust regression: outliers pull the L2 fit; L1 and Huber (its δ) resist them."""

import altair as alt
import pandas as pd
import torch
from matplotlib.axes import Axes

from dlsteps import data, live, models, plots, static
from dlsteps.space import Slider, Space

SPACE = Space(
    Slider("count", "outliers", (0, 5, 10, 15, 20, 25, 30), 10),
    Slider("size", "outlier size", (5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0), 20.0),
    Slider("delta", "Huber δ", (0.5, 1.0, 1.5, 2.0, 2.5, 3.0), 1.0),
)
NOTE = (
    f"{data.LINE_N} points from y = {data.LINE_W:g}x + {data.LINE_B:g} + N(0, 1); "
    "outliers (red) are shifted up."
)
Y_MAX = 80.0
LOSSES = list(models.REGRESSION_LOSSES)  # L2, L1, Huber
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c"]  # matplotlib's C0, C1, C2, as in plots.draw_robust_fits


def run(count: int, size: float, delta: float, *, seed: int = 0) -> dict[str, torch.Tensor]:
    """Fitted [w, b] for each loss on the line data with these outliers."""
    SPACE.check(count=count, size=size, delta=delta)
    x, y, _ = data.outlier_data(count, size, seed=seed)
    return {
        name: models.robust_fit(x, y[:, None], name, delta)[0] for name in models.REGRESSION_LOSSES
    }


def draw(ax: Axes, count: int, size: float, delta: float) -> Axes:
    fits = run(count, size, delta)
    x, y, idx = data.outlier_data(count, size)
    return plots.draw_robust_fits(x, y, idx, fits, ax=ax)


def grid(*, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fits for every (count, size, δ) and loss, and the points for every (count, size)."""
    points, columns = [], []
    for count in SPACE["count"].values:
        for size in SPACE["size"].values:
            x, y, idx = data.outlier_data(count, size, seed=seed)
            outlier = torch.zeros(len(y), dtype=torch.bool)
            outlier[idx] = True
            points.append(
                {
                    "count": count,
                    "size": size,
                    "x": [round(v, 3) for v in x.tolist()],
                    "y": [round(v, 3) for v in y.tolist()],
                    "outlier": outlier.tolist(),
                }
            )
            columns.append(y)
    deltas = SPACE["delta"].values
    Y = torch.stack(columns, 1).repeat_interleave(len(deltas), dim=1)  # (n, data × deltas)
    fits = []
    for name in models.REGRESSION_LOSSES:  # one batched fit per loss for every column
        theta = models.robust_fit(x, Y, name, torch.tensor(deltas).repeat(len(columns)))
        for g, (w, b) in enumerate(theta.tolist()):
            point = points[g // len(deltas)]
            fits.append(
                {
                    "count": point["count"],
                    "size": point["size"],
                    "delta": deltas[g % len(deltas)],
                    "loss": name,
                    "w": round(w, 4),
                    "b": round(b, 4),
                }
            )
    return pd.DataFrame(fits), pd.DataFrame(points)


def panel() -> live.LivePanel:
    return live.space_panel(SPACE, draw, NOTE, figsize=(6, 4))


def twin() -> static.StaticChart:
    fits, points = grid()
    x_max = data.LINE_X_MAX
    fits = fits.assign(
        x0=0.0,
        x1=x_max,
        y0=fits.b,
        y1=x_max * fits.w + fits.b,
        error=((fits.w - data.LINE_W) ** 2 + (fits.b - data.LINE_B) ** 2) ** 0.5,
    )
    scale_x, scale_y = alt.Scale(domain=[0, x_max]), alt.Scale(domain=[0, Y_MAX])
    dots = (
        alt.Chart(points)
        .transform_filter(static.select([SPACE["count"], SPACE["size"]]))
        .transform_flatten(["x", "y", "outlier"])
        .mark_circle(size=18)
        .encode(
            x=alt.X("x:Q", scale=scale_x, title="x"),
            y=alt.Y("y:Q", scale=scale_y, title="y"),
            color=alt.Color(
                "outlier:N",
                scale=alt.Scale(range=["#888", "#d62728"]),
                title="outlier",
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    chosen = alt.Chart(fits).transform_filter(static.select(SPACE.sliders))
    lines = chosen.mark_rule(strokeWidth=2).encode(
        x="x0:Q",
        x2="x1:Q",
        y="y0:Q",
        y2="y1:Q",
        # The styles of the live panel and the chapter's figure: L2 blue solid, L1 orange
        # dashed, Huber green dotted (Vega would otherwise pair them in alphabetical order).
        strokeDash=alt.StrokeDash(
            "loss:N",
            scale=alt.Scale(domain=LOSSES, range=[[1, 0], [6, 4], [2, 2]]),
            title="fit",
            legend=alt.Legend(orient="bottom"),
        ),
        stroke=alt.Stroke("loss:N", scale=alt.Scale(domain=LOSSES, range=COLOURS)),
    )
    line = {  # the line that made the data, thin and black as in the live panel
        "x0": 0.0,
        "x1": x_max,
        "y0": data.LINE_B,
        "y1": data.LINE_W * x_max + data.LINE_B,
        "said": f"true line y = {data.LINE_W:g}x + {data.LINE_B:g}",
    }
    true_line = (
        alt.Chart(pd.DataFrame([line]))
        .mark_rule(color="black", strokeWidth=0.8)
        .encode(x="x0:Q", x2="x1:Q", y="y0:Q", y2="y1:Q", description="said:N")
    )
    rows = {name: Y_MAX - 3 - 5 * i for i, name in enumerate(models.REGRESSION_LOSSES)}
    errors = (
        chosen.transform_calculate(
            text="datum.loss + ': w = ' + format(datum.w, '.2f')"
            " + ', b = ' + format(datum.b, '.2f')"
            " + ', distance to true (w, b) ' + format(datum.error, '.2f')",
            row=f"{rows}[datum.loss]",  # in y's data units
        )
        .mark_text(align="left", fontSize=11)
        .encode(text="text:N", x=alt.value(5), y=alt.Y("row:Q", scale=scale_y))
    )
    description = (
        "Points on a line with outliers shifted up (red), and the lines fitted to them with the "
        "L2, L1 and Huber losses, for the number and size of outliers and the Huber δ chosen "
        "with the sliders below, over the true line (thin, black) that made the data. Each fit is "
        "labelled with its w, b and its distance from the true (w, b)."
    )
    layers = [dots, true_line, lines, errors]
    return static.layered(SPACE, layers, fits, 280, description, filter=False)
