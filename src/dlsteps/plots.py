"""Plotting functions: each takes an optional ``ax``, draws on it and returns it."""

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes


def _axes(ax: Axes | None, figsize: tuple[float, float] = (5.0, 3.5)) -> Axes:
    return ax if ax is not None else plt.subplots(figsize=figsize, layout="constrained")[1]


def draw_network(inputs: Sequence[str], outputs: Sequence[str], *, ax: Axes | None = None) -> Axes:
    """Draw a one-layer, fully connected network: inputs in a column, each joined to each output."""
    ax = _axes(ax, (4.0, 3.0))

    def column(labels: Sequence[str], x: float) -> list[tuple[float, float]]:
        ys = [(len(labels) - 1) / 2 - i for i in range(len(labels))]
        for label, y in zip(labels, ys, strict=True):
            ax.add_patch(plt.Circle((x, y), 0.3, facecolor="white", edgecolor="C0", lw=2, zorder=2))
            ax.text(x, y, label, ha="center", va="center", fontsize=12, zorder=3)
        return [(x, y) for y in ys]

    left, right = column(inputs, 0.0), column(outputs, 2.0)
    for x0, y0 in left:
        for x1, y1 in right:
            ax.annotate(
                "", (x1 - 0.3, y1), (x0 + 0.3, y0), arrowprops={"arrowstyle": "->", "color": "0.4"}
            )
    ax.text(0.0, -len(inputs) / 2 - 0.3, "input layer", ha="center", va="top")
    ax.text(2.0, -len(inputs) / 2 - 0.3, "output layer", ha="center", va="top")
    ax.set_xlim(-0.6, 2.6)
    ax.set_ylim(-len(inputs) / 2 - 0.9, len(inputs) / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str = "epoch",
    ylabel: str = "loss",
    logy: bool = True,
    start: int = 1,
    ax: Axes | None = None,
) -> Axes:
    """Draw one line per named curve; point i of a curve sits at x = start + i."""
    ax = _axes(ax)
    for (label, values), marker in zip(curves.items(), "osD^v<>", strict=False):
        ax.plot(range(start, start + len(values)), values, marker=marker, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def divergence_note(ax: Axes, step: int) -> None:
    """Write "diverged at step k" across the axes, where a reader cannot miss it."""
    ax.text(
        0.5,
        0.5,
        f"diverged at step {step}",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=14,
        color="C3",
        bbox={"facecolor": "white", "edgecolor": "C3"},
    )


def draw_sgd_run(runs, g: int = 0, *, ax: Axes | None = None, ylim=(1e-5, 1e4)) -> Axes:
    """Draw run ``g`` of a ``training.SGDRuns``: the loss curve, or where it diverged."""
    ax = _axes(ax)
    loss = runs.loss[g].detach().cpu()
    keep = loss.isfinite()
    ax.plot(runs.epochs[keep], loss[keep].clamp_min(ylim[0]), marker=".", color="C0")
    ax.set(
        xlabel="epoch",
        ylabel="training loss (½ squared error)",
        yscale="log",
        ylim=ylim,
        xlim=(0, float(runs.epochs[-1])),
    )
    ax.grid(alpha=0.3)
    if runs.diverged_at[g] >= 0:
        divergence_note(ax, int(runs.diverged_at[g]))
    else:
        ax.set_title(f"final loss {float(loss[-1]):.4g}", fontsize=10)
    return ax
