"""Gradients through a deep stack: how far each activation lets them travel back."""

import math

import altair as alt
import pandas as pd
import torch
from matplotlib.axes import Axes

from dlsteps import live, models, plots, static
from dlsteps.space import Slider, Space

WIDTH, NUM_INPUTS = 64, 64
SPACE = Space(
    Slider("input_range", "input range ±", (1.0, 2.0, 4.0, 8.0), 2.0),
    Slider("depth", "depth", tuple(range(1, 21)), 10),
)
NOTE = (
    f"Each layer: a {WIDTH}×{WIDTH} weight matrix (no bias), entries N(0, 1/{WIDTH}), then the "
    f"activation; {NUM_INPUTS} random inputs."
)


def run(input_range: float, depth: int) -> dict[str, torch.Tensor]:
    """The gradient norm at each layer's input, for every activation."""
    SPACE.check(input_range=input_range, depth=depth)
    return {
        name: models.gradient_norms(name, depth, input_range, width=WIDTH, num_examples=NUM_INPUTS)
        for name in models.ACTIVATIONS
    }


def draw(ax: Axes, input_range: float, depth: int) -> Axes:
    return plots.draw_gradient_norms(run(input_range, depth), ax=ax)


def grid() -> pd.DataFrame:
    """One row per (input range, depth, activation, layer)."""
    return pd.DataFrame(
        [
            {**combo, "activation": name, "layer": layer + 1, "norm": float(f"{v:.4g}")}
            for combo in SPACE.combinations()
            for name, norms in run(**combo).items()
            for layer, v in enumerate(norms.tolist())
        ]
    )


def panel() -> live.LivePanel:
    return live.space_panel(SPACE, draw, NOTE)


def twin() -> static.StaticChart:
    norms = grid()
    # One axis for every slider position, from the power of ten below the smallest norm to the
    # one above the largest: nothing is clipped, and moving a slider does not rescale the axis.
    low, high = (
        10.0 ** f(math.log10(v))
        for f, v in ((math.floor, norms.norm.min()), (math.ceil, norms.norm.max()))
    )
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "layer:Q",
                scale=alt.Scale(domain=[1, SPACE["depth"].high]),
                title="layer (1 = input)",
            ),
            y=alt.Y(
                "norm:Q",
                scale=alt.Scale(type="log", domain=[low, high]),
                title="gradient norm",
            ),
            color=alt.Color("activation:N", legend=alt.Legend(orient="bottom")),
        )
    )
    label = static.caption(SPACE.sliders).transform_filter(
        "datum.layer == 1 && datum.activation == 'ReLU'"
    )
    description = (
        "Gradient norm at the input of each layer (log scale) of a deep stack with ReLU, sigmoid "
        "and tanh activations, for the input range and depth chosen with the sliders below."
    )
    return static.layered(SPACE, [lines, label], norms, 240, description)
