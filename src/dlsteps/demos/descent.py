"""Gradient descent on f(x) = x² in one dimension: the learning rate alone decides its fate."""

import altair as alt
import pandas as pd
from matplotlib.axes import Axes

from dlsteps import live, plots, static, training
from dlsteps.space import Slider, Space

X0, NUM_STEPS, X_MAX = 10.0, 40, 12.0
SPACE = Space(
    Slider(
        "lr",
        "learning rate",
        (
            0.01,
            0.02,
            0.05,
            0.1,
            0.2,
            0.3,
            0.4,
            0.5,
            0.6,
            0.7,
            0.8,
            0.9,
            1.0,
            1.1,
            1.2,
            1.5,
            2.0,
            3.0,
        ),
        0.2,
    ),
)
NOTE = f"{NUM_STEPS} steps of x ← x − η·2x from x = {X0:g}."


def run(lr: float) -> training.Descent1D:
    """``NUM_STEPS`` steps of x ← x − lr·2x from ``X0``; divergence is recorded, never raised."""
    SPACE.check(lr=lr)
    return training.descend_1d(lr, x0=X0, num_steps=NUM_STEPS)


def draw(ax: Axes, lr: float) -> Axes:
    return plots.draw_descent(run(lr), ax=ax, xlim=X_MAX)


def grid() -> pd.DataFrame:
    """One row per learning rate: the iterates."""
    rows = []
    for lr in SPACE["lr"].values:
        r = run(lr)
        rows.append(
            {
                "lr": lr,
                "x": [float(f"{v:.5g}") for v in r.xs.tolist()],
                "diverged_at": r.diverged_at,
            }
        )
    return pd.DataFrame(rows)


def panel() -> live.LivePanel:
    return live.space_panel(SPACE, draw, NOTE)


def twin() -> static.StaticChart:
    xs = [X_MAX * k / 120 for k in range(-120, 121)]
    parabola = (
        alt.Chart(pd.DataFrame({"x": xs, "f": [x * x for x in xs]}))
        .mark_line(color="#999")
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[-X_MAX, X_MAX])),
            y=alt.Y("f:Q", scale=alt.Scale(domain=[-5, X_MAX**2 * 1.05]), title="f(x)"),
        )
    )
    chosen = alt.Chart().transform_filter(static.select(SPACE.sliders))
    steps = (
        chosen.transform_flatten(["x"])
        .transform_window(k="row_number()")
        .transform_calculate(f="datum.x * datum.x")
        .mark_line(point=alt.OverlayMarkDef(color="#e67e22"), color="#e67e22", clip=True)
        .encode(x="x:Q", y="f:Q", order="k:Q")
    )
    label = static.caption(SPACE.sliders, base=chosen)
    diverged = static.diverged(110, base=chosen)
    description = (
        f"The parabola f(x) = x² and the first {NUM_STEPS} iterates of gradient descent on it "
        f"from x = {X0:g}, for the learning rate chosen with the slider below."
    )
    layers = [parabola, steps, label, diverged]
    return static.layered(SPACE, layers, grid(), 240, description, filter=False)
