"""Linear regression: learning rate, batch size, noise and epochs of minibatch SGD."""

import altair as alt
import pandas as pd
import torch
from matplotlib.axes import Axes

from dlsteps import data, live, plots, static, training
from dlsteps.space import Slider, Space

TRUE_W, TRUE_B, NUM_EXAMPLES, RECORDS_PER_EPOCH = (2.0, -3.4), 4.2, 1000, 5
SPACE = Space(
    Slider("lr", "learning rate", (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0), 0.03),
    Slider("batch_size", "batch size", (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000), 10),
    Slider("noise", "noise σ", (0.0, 0.01, 0.1, 0.5, 1.0, 2.0), 0.01),
    Slider("num_epochs", "epochs", tuple(range(1, 11)), 3, prefix=True),
)
NOTE = f"Each change retrains on {NUM_EXAMPLES:,} synthetic examples from the same seed."


def runs(lrs, batch_size, noises, num_epochs, *, seed=0) -> training.SGDRuns:
    """Every (noise, lr) pair side by side: run g has noise g // len(lrs) and lr g % len(lrs).

    Run g equals ``training.fit_linreg`` on ``data.synthetic_linear`` with the same seed.
    """
    for lr in lrs:
        SPACE.check(lr=lr)
    for noise in noises:
        SPACE.check(noise=noise)
    SPACE.check(batch_size=batch_size, num_epochs=num_epochs)
    gen = torch.Generator().manual_seed(seed)
    X, Y = data.synthetic_linear(TRUE_W, TRUE_B, NUM_EXAMPLES, noises, generator=gen)
    Y = Y.repeat_interleave(len(lrs), dim=1)  # (n, noises × lrs)
    rates = torch.tensor([float(lr) for lr in lrs]).repeat(len(noises))
    return training.sgd_linreg_runs(
        X, Y, rates, batch_size, num_epochs, seed=seed, records_per_epoch=RECORDS_PER_EPOCH
    )


def run(lr: float, batch_size: int, noise: float, num_epochs: int = 3, *, seed: int = 0):
    """One run of the demo; divergence is recorded in ``diverged_at``, never raised."""
    return runs([lr], batch_size, [noise], num_epochs, seed=seed)


def draw(ax: Axes, lr: float, batch_size: int, noise: float, num_epochs: int) -> Axes:
    return plots.draw_sgd_run(run(lr, batch_size, noise, num_epochs), ax=ax)


def grid(*, seed: int = 0) -> pd.DataFrame:
    """Every slider combination, one row each, its loss curve as a list (epochs: the longest)."""
    lrs, noises = SPACE["lr"].values, SPACE["noise"].values
    rows = []
    for batch_size in SPACE["batch_size"].values:
        r = runs(lrs, batch_size, noises, SPACE["num_epochs"].high, seed=seed)
        for g in range(len(lrs) * len(noises)):
            finite = r.loss[g][torch.isfinite(r.loss[g])]
            rows.append(
                {
                    "lr": lrs[g % len(lrs)],
                    "batch_size": batch_size,
                    "noise": noises[g // len(lrs)],
                    "loss": [float(f"{v:.4g}") for v in finite.tolist()],
                    "diverged_at": int(r.diverged_at[g]),
                    "zero_floor": plots.zero_floor(r.loss[g]),  # where a loss of 0 is drawn
                }
            )
    return pd.DataFrame(rows)


def panel() -> live.LivePanel:
    return live.space_panel(SPACE, draw, NOTE)


def twin(*, seed: int = 0) -> static.StaticChart:
    epochs = static.chosen(SPACE["num_epochs"])
    records = (
        alt.Chart()
        .transform_flatten(["loss"])
        .transform_window(index="row_number()")
        .transform_calculate(epoch=f"(datum.index - 1) / {RECORDS_PER_EPOCH}")
        .transform_filter(f"datum.epoch <= {epochs}")
        # A log axis drops a loss of exactly 0: it goes on the floor line, as in the live panel.
        .transform_calculate(shown="datum.loss > 0 ? datum.loss : datum.zero_floor")
        .transform_calculate(  # what a screen reader says of each point
            said="'epoch ' + format(datum.epoch, '.1f') + ', loss '"
            " + (datum.loss > 0 ? format(datum.loss, '.3~g') : 'exactly 0')"
        )
    )
    curve = records.mark_line(point=True).encode(
        x=alt.X("epoch:Q", scale=alt.Scale(domain=[0, SPACE["num_epochs"].high])),
        y=alt.Y(
            "shown:Q",
            scale=alt.Scale(type="log"),  # each run on its own range: 1e-16 to 1e35
            axis=alt.Axis(format=".0e"),
            title="training loss (½ squared error)",
        ),
        description="said:N",
    )
    zero = (  # the first record whose loss is exactly 0, if the chosen epochs hold one
        records.transform_filter("datum.loss === 0")
        .transform_window(zero_rank="row_number()")
        .transform_filter("datum.zero_rank === 1")
        .transform_calculate(
            note="'loss exactly 0 (drawn at ' + format(datum.zero_floor, '.0e') + ')'"
        )
    )
    # The line is decorative: the note beside it is what a screen reader reads. (Left in the
    # accessibility tree, an empty rule layer is an unnamed image whenever no loss is 0.)
    floor = zero.mark_rule(color="#d62728", strokeDash=[2, 2], aria=False).encode(y="zero_floor:Q")
    note = zero.mark_text(align="left", baseline="bottom", dx=5, dy=-3, color="#d62728").encode(
        x=alt.value(0), y="zero_floor:Q", text="note:N"
    )
    diverged = static.diverged(110).transform_filter(
        f"datum.diverged_at <= {epochs} * ceil({NUM_EXAMPLES} / datum.batch_size)"
    )
    label = static.caption(static.grid_sliders(SPACE))
    description = (
        "Training loss (log scale) per epoch of linear regression trained by minibatch SGD, for "
        "the learning rate, batch size, label noise and number of epochs chosen with the sliders "
        "below, from runs trained when the book was built. A loss of exactly 0 is drawn on a "
        "dotted line at the bottom, labelled."
    )
    layers = [curve, floor, note, label, diverged]
    return static.layered(SPACE, layers, grid(seed=seed), 240, description)
