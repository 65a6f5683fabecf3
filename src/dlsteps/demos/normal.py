"""The normal density: its mean μ and standard deviation σ."""

import math

import altair as alt
import pandas as pd
import torch
from matplotlib.axes import Axes

from dlsteps import live, models, plots, static
from dlsteps.space import Slider, Space

X_MAX, POINTS = 7.0, 141
SPACE = Space(
    Slider("mu", "mean μ", tuple(k / 2 for k in range(-6, 7)), 0.0),
    Slider("sigma", "std σ", tuple(k / 4 for k in range(2, 13)), 1.0),
)
NOTE = (
    "The grey curve is the standard normal N(0, 1), for reference; "
    "at μ 0 and σ 1 the blue curve covers it."
)
# The tallest density the sliders reach (at the smallest σ), with a little room above it.
P_MAX = 1.05 / (math.sqrt(2 * math.pi) * min(SPACE["sigma"].values))


def run(mu: float, sigma: float) -> torch.Tensor:
    """The density N(μ, σ²) at ``POINTS`` points of [-X_MAX, X_MAX]."""
    SPACE.check(mu=mu, sigma=sigma)
    return models.normal_pdf(torch.linspace(-X_MAX, X_MAX, POINTS), mu, sigma)


def draw(ax: Axes, mu: float, sigma: float) -> Axes:
    SPACE.check(mu=mu, sigma=sigma)
    curves = {"N(0, 1)": (0.0, 1.0), f"N({mu:g}, {sigma:g}²)": (mu, sigma)}
    ax = plots.draw_densities(curves, ax=ax, x_max=X_MAX)
    ax.set_ylim(0, P_MAX)  # one scale for every slider position, as in the twin
    return ax


def grid() -> pd.DataFrame:
    """One row per (μ, σ), the density as a list."""
    return pd.DataFrame(
        [{**c, "p": [round(v, 5) for v in run(**c).tolist()]} for c in SPACE.combinations()]
    )


def panel() -> live.LivePanel:
    return live.space_panel(SPACE, draw, NOTE)


def twin() -> static.StaticChart:
    step = 2 * X_MAX / (POINTS - 1)
    base = (
        alt.Chart()
        .transform_calculate(x=f"sequence({-X_MAX}, {X_MAX + step / 2}, {step})")  # run's points
        .transform_flatten(["p", "x"])
        .mark_line()
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[-X_MAX, X_MAX])),
            y=alt.Y("p:Q", scale=alt.Scale(domain=[0, P_MAX]), title="density p(x)"),
        )
    )
    standard = base.transform_filter("datum.mu == 0 && datum.sigma == 1").encode(
        color=alt.value("#999")
    )
    chosen = base.transform_filter(static.select(SPACE.sliders)).encode(color=alt.value("#1f77b4"))
    label = static.caption(SPACE.sliders).transform_filter(static.select(SPACE.sliders))
    description = (
        "The normal density for the mean μ and standard deviation σ chosen with the sliders "
        "below, over the standard normal density in grey."
    )
    layers = [standard, chosen, label]
    return static.layered(SPACE, layers, grid(), 240, description, filter=False)
