"""Plotting functions: each takes an optional ``ax``, draws on it and returns it."""

import itertools
import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from dlsteps import _checks, data, models


def _axes(ax: Axes | None, figsize: tuple[float, float] = (5.0, 3.5)) -> Axes:
    return ax if ax is not None else plt.subplots(figsize=figsize, layout="constrained")[1]


def draw_network(
    *layers: Sequence[str], names: Sequence[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Draw a fully connected network: one column of labelled units per layer, left to right.

    Every unit of a layer is joined to every unit of the next; ``names`` labels the columns
    (default: "input layer", "hidden layer", ..., "output layer").
    """
    if len(layers) < 2 or any(len(layer) == 0 for layer in layers):
        raise ValueError(f"layers must be at least two non-empty columns, got {len(layers)}")
    if names is None:
        names = ["input layer", *["hidden layer"] * (len(layers) - 2), "output layer"]
    if len(names) != len(layers):
        raise ValueError(f"names must have one entry per layer ({len(layers)}), got {len(names)}")
    height = max(len(layer) for layer in layers)
    ax = _axes(ax, (2.0 * len(layers), 0.75 * height + 1.0))

    def column(labels: Sequence[str], x: float) -> list[tuple[float, float]]:
        ys = [(len(labels) - 1) / 2 - i for i in range(len(labels))]
        for label, y in zip(labels, ys, strict=True):
            ax.add_patch(plt.Circle((x, y), 0.3, facecolor="white", edgecolor="C0", lw=2, zorder=2))
            ax.text(x, y, label, ha="center", va="center", fontsize=12, zorder=3)
        return [(x, y) for y in ys]

    columns = [column(labels, 2.0 * i) for i, labels in enumerate(layers)]
    for left, right in itertools.pairwise(columns):
        for x0, y0 in left:
            for x1, y1 in right:
                arrow = {"arrowstyle": "->", "color": "0.4"}
                ax.annotate("", (x1 - 0.3, y1), (x0 + 0.3, y0), arrowprops=arrow)
    for i, name in enumerate(names):
        ax.text(2.0 * i, -height / 2 - 0.3, name, ha="center", va="top")
    ax.set_xlim(-0.6, 2.0 * (len(layers) - 1) + 0.6)
    ax.set_ylim(-height / 2 - 0.9, height / 2 + 0.1)
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
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epoch 2, never 2.25
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


ZERO_FLOOR = 1e-16  # where a log axis draws a loss of exactly 0 (lower still, if need be)


def zero_floor(loss: torch.Tensor) -> float:
    """Where a log axis draws a loss of exactly 0: ``ZERO_FLOOR``, or a decade below the
    smallest positive loss if that lies lower, so that the floor sits under every real value.

    A log axis cannot show 0 (matplotlib drops the point and Vega-Lite filters it): a noise-free
    run that lands exactly on the weights that made its labels would vanish from the plot.
    """
    _checks.tensor("loss", loss, 1)
    positive = loss[torch.isfinite(loss) & (loss > 0)]
    if len(positive) == 0:
        return ZERO_FLOOR
    return min(ZERO_FLOOR, 10.0 ** (math.floor(math.log10(float(positive.min()))) - 1))


def draw_sgd_run(runs, g: int = 0, *, ax: Axes | None = None, ylim=None) -> Axes:
    """Draw run ``g`` of a ``training.SGDRuns``: the loss curve, or where it diverged.

    ``ylim``: fixed limits of the log loss axis; ``None``, the run's own range (a noise-free run
    falls to about 1e-11, an exploding one climbs to 1e35: both stay in view). A loss of exactly
    0 is drawn on a dotted floor line (``zero_floor``) that says so.
    """
    _checks.int_in_range("g", g, 0, len(runs.loss) - 1)
    ax = _axes(ax)
    loss = runs.loss[g].detach().cpu()
    keep = loss.isfinite()
    floor = zero_floor(loss)
    shown = torch.where(loss == 0, floor, loss)
    ax.plot(runs.epochs[keep], shown[keep], marker=".", color="C0")
    ax.set(
        xlabel="epoch",
        ylabel="training loss (½ squared error)",
        yscale="log",
        ylim=ylim,
        xlim=(0, float(runs.epochs[-1])),
    )
    ax.grid(alpha=0.3)
    if (loss == 0).any():
        ax.axhline(floor, color="C3", ls=":", lw=1)
        ax.text(
            0.02,
            floor,
            f"loss exactly 0 (drawn at {floor:.0e})",
            transform=ax.get_yaxis_transform(),  # x across the axes, y in loss units
            va="bottom",
            color="C3",
        )
    if runs.diverged_at[g] > 0:
        divergence_note(ax, int(runs.diverged_at[g]))
    else:
        ax.set_title(f"final loss {float(loss[-1]):.4g}", fontsize="medium")
    return ax


def draw_descent(run, *, ax: Axes | None = None, xlim: float = 12.0) -> Axes:
    """Draw f(x) = x² and the iterates of a ``training.Descent1D`` run on it."""
    xlim = _checks.positive_finite("xlim", xlim)
    ax = _axes(ax)
    grid = np.linspace(-xlim, xlim, 200)
    ax.plot(grid, grid**2, color="0.6", label="$f(x) = x^2$")
    xs = run.xs.detach().cpu().numpy()
    ax.plot(xs, xs**2, "-o", color="C1", ms=4, label="iterates $x_k$")
    ax.set(xlim=(-xlim, xlim), ylim=(-5, xlim**2 * 1.05), xlabel="x", ylabel="f(x)")
    ax.legend(loc="upper center")
    if run.diverged_at:
        divergence_note(ax, run.diverged_at)
    else:
        ax.set_title(f"after {len(xs) - 1} steps: x = {xs[-1]:.3g}", fontsize="medium")
    return ax


def draw_surface_paths(
    x,
    y,
    paths: Mapping[str, object],
    *,
    ax: Axes | None = None,
    w_range=(-1.0, 5.0),
    b_range=(-3.0, 11.0),
) -> Axes:
    """Contours of the ½ MSE over (w, b) and, per label, the path of an ``SGDRuns`` (run 0)."""
    ax = _axes(ax, (6.0, 4.5))
    ws, bs = torch.linspace(*w_range, 120), torch.linspace(*b_range, 120)
    surface = models.loss_surface(x, y, ws, bs)
    levels = np.geomspace(max(float(surface.min()), 1e-2), float(surface.max()), 14)
    ax.contour(
        ws.numpy(), bs.numpy(), surface.numpy(), levels=levels, cmap="viridis_r", linewidths=0.8
    )
    for (label, runs), color in zip(paths.items(), ["C3", "C1", "C0", "C2"], strict=False):
        path = runs.params[0][torch.isfinite(runs.loss[0])].numpy()
        suffix = (
            f" (diverged at step {int(runs.diverged_at[0])})" if runs.diverged_at[0] > 0 else ""
        )
        ax.plot(path[:, 0], path[:, 1], "-o", ms=2, lw=1.2, color=color, label=label + suffix)
    ax.plot([data.LINE_W], [data.LINE_B], "k*", ms=12, label="true (w, b)")
    ax.set(xlim=w_range, ylim=b_range, xlabel="weight w", ylabel="bias b")
    ax.legend(fontsize="medium", loc="upper right")
    return ax


def show_images(
    images: torch.Tensor,
    titles: Sequence[str] | None = None,
    *,
    ncols: int = 8,
    axes: np.ndarray | None = None,
    scale: float = 1.4,
    vrange: tuple[float, float] | None = None,
) -> np.ndarray:
    """Draw (n, 28, 28) or (n, 1, 28, 28) images in a grid with optional titles; return the axes.

    ``vrange``: the values drawn white and black, the same for every image (``(0, 1)`` for
    pixels), so that darker means a larger value across images. ``None``: each image from its
    own lowest value (white) to its own highest (black), as for standardised inputs.
    """
    _checks.tensor("images", images, (3, 4))
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image ({len(images)}), got {len(titles)}")
    _checks.int_in_range("ncols", ncols, 1)
    _checks.positive_finite("scale", scale)
    vmin, vmax = (None, None) if vrange is None else vrange
    if vrange is not None and not (math.isfinite(vmin) and math.isfinite(vmax) and vmin < vmax):
        raise ValueError(f"vrange must be (low, high), finite with low < high, got {vrange!r}")
    images = images.detach().cpu().reshape(len(images), *images.shape[-2:])
    if axes is None:
        nrows = -(-len(images) // ncols)
        _, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(ncols * scale, nrows * scale * 1.15),
            layout="constrained",
            squeeze=False,
        )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i].numpy(), cmap="gray_r", vmin=vmin, vmax=vmax)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    return axes


def plot_history(history, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Train loss, train accuracy and test accuracy per epoch from a ``training.History``."""
    ax = _axes(ax)
    epochs = range(1, len(history.train_loss) + 1)
    ax.plot(epochs, history.train_loss, "-", label="train loss")
    ax.plot(epochs, history.train_acc, "--", label="train accuracy")
    ax.plot(epochs, history.test_acc, "-.", label="test accuracy")
    highest = max([1.0, *history.train_loss])
    top = min(highest, 2.5)  # a huge first-epoch loss would flatten the rest
    ax.set(xlabel="epoch", ylim=(0, top * 1.05), title=title)
    if highest > top:  # say what the axis leaves out
        ax.text(
            0.02,
            0.97,
            f"train loss above {top:g}, up to {highest:.3g}",
            transform=ax.transAxes,
            va="top",
            fontsize="medium",
            color="C0",
        )
    ax.grid(alpha=0.3)
    ax.legend()
    if history.diverged_at:
        divergence_note(ax, history.diverged_at)
    return ax


def draw_confusion(cm: torch.Tensor, classes: Sequence[str], *, ax: Axes | None = None) -> Axes:
    """A confusion matrix with counts in the cells: rows are true classes, columns predictions."""
    k = len(classes)
    if tuple(cm.shape) != (k, k):
        raise ValueError(f"cm must have shape ({k}, {k}), one row per class, got {tuple(cm.shape)}")
    ax = _axes(ax, (6.5, 5.5))
    ax.imshow(cm.numpy(), cmap="Blues")
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(
                j,
                i,
                int(cm[i, j]),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if cm[i, j] > cm.max() / 2 else "black",
            )
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    ax.set(xlabel="predicted class", ylabel="true class")
    return ax


def activation_curves(x_max: float = 8.0, points: int = 401) -> pd.DataFrame:
    """Each activation and its derivative (by autograd) on [-x_max, x_max]; long format."""
    _checks.positive_finite("x_max", x_max)
    _checks.int_in_range("points", points, 2)
    rows = []
    for name, fn in models.ACTIVATIONS.items():
        x = torch.linspace(-x_max, x_max, points, requires_grad=True)
        fn(x).sum().backward()
        rows.append(
            pd.DataFrame(
                {
                    "activation": name,
                    "x": x.detach().numpy(),
                    "value": fn(x.detach()).numpy(),
                    "derivative": x.grad.numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def draw_activations(curves, *, axes: np.ndarray | None = None) -> np.ndarray:
    """One panel per activation: the function and its derivative (``activation_curves``)."""
    names = list(dict.fromkeys(curves["activation"]))
    if axes is None:
        _, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3), layout="constrained")
    for ax, name in zip(np.ravel(axes), names, strict=True):
        part = curves[curves["activation"] == name]
        ax.plot(part["x"], part["value"], label=name)
        ax.plot(part["x"], part["derivative"], "--", label="derivative")
        ax.set(title=name, xlabel="x")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    return axes


def draw_gradient_norms(norms: Mapping[str, torch.Tensor], *, ax: Axes | None = None) -> Axes:
    """Gradient norm at each layer's input (layer 1 = the network's input), log scale."""
    ax = _axes(ax)
    for (name, values), marker in zip(norms.items(), "os^", strict=False):
        ax.plot(range(1, len(values) + 1), values.numpy(), marker=marker, label=name)
    ax.set(xlabel="layer (1 = input)", ylabel="gradient norm", yscale="log")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def draw_densities(
    params: Mapping[str, tuple[float, float]], *, ax: Axes | None = None, x_max: float = 7.0
) -> Axes:
    """Normal densities on [-x_max, x_max], one per label -> (μ, σ); the first one in grey."""
    x_max = _checks.positive_finite("x_max", x_max)
    ax = _axes(ax)
    x = torch.linspace(-x_max, x_max, 281)
    for i, (label, (mu, sigma)) in enumerate(params.items()):
        style = {"color": "0.6"} if i == 0 and len(params) > 1 else {}
        ax.plot(x.numpy(), models.normal_pdf(x, mu, sigma).numpy(), label=label, **style)
    ax.set(xlabel="x", ylabel="density p(x)", xlim=(-x_max, x_max))
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def draw_robust_fits(
    x: torch.Tensor,
    y: torch.Tensor,
    outliers: torch.Tensor,
    fits: Mapping[str, torch.Tensor],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Data (outliers in red) and one fitted line per loss, labelled with its [w, b].

    The legend names the lines only. The data lie along the line and the outliers above it, so
    the y axis reaches further down to leave the lower right corner empty for the legend.
    """
    ax = _axes(ax, (6.0, 4.0))
    mask = torch.zeros(len(y), dtype=torch.bool)
    mask[outliers] = True
    ax.scatter(x[~mask], y[~mask], s=10, color="0.5")
    ax.scatter(x[mask], y[mask], s=14, color="C3")
    grid = torch.tensor([0.0, data.LINE_X_MAX])
    for (name, (w, b)), style in zip(fits.items(), ["-", "--", ":"], strict=False):
        ax.plot(grid, w * grid + b, style, lw=2, label=f"{name}: w = {w:.2f}, b = {b:.2f}")
    ax.plot(grid, data.LINE_W * grid + data.LINE_B, color="k", lw=0.8, label="true line")
    ax.set(xlabel="x", ylabel="y", xlim=(0, data.LINE_X_MAX))
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.5 * (high - low), high)
    ax.legend(fontsize="medium", loc="lower right")
    return ax
