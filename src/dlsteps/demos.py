"""Slider demos, the computing half: pure functions from slider values to real training runs.

Drawing lives in ``plots``; ``widgets`` only maps slider values to these arguments.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import torch

from dlsteps import _checks, data, models, training

TRUE_W, TRUE_B = (2.0, -3.4), 4.2
NUM_EXAMPLES = 1000


def linreg_data(
    noises: Sequence[float], *, seed: int, num_examples: int = NUM_EXAMPLES
) -> tuple[torch.Tensor, torch.Tensor]:
    """The chapter's data for several noise levels: X (n, 2) and Y (n, len(noises)).

    All columns share X and the same standard-normal draws ε, scaled by each σ, so that moving
    the noise slider changes only the noise, not the sample.
    """
    for sigma in noises:
        _checks.non_negative_finite("noise", sigma)
    _checks.int_in_range("num_examples", num_examples, 1)
    gen = torch.Generator().manual_seed(seed)  # the draw order of data.synthetic_linear
    X = torch.randn(num_examples, len(TRUE_W), generator=gen)  # (n, 2)
    eps = torch.randn(num_examples, 1, generator=gen)  # (n, 1)
    clean = X @ torch.tensor(TRUE_W).reshape(-1, 1) + TRUE_B  # (n, 1)
    return X, clean + eps * torch.tensor(list(noises), dtype=torch.float32)  # (n, G)


def run_linreg(
    lr: float, batch_size: int, noise: float, num_epochs: int = 3, *, seed: int = 0
) -> training.SGDRuns:
    """One SGD run of the linear-regression demo; divergence is recorded, never raised."""
    X, Y = linreg_data([noise], seed=seed)
    return training.sgd_linreg_runs(
        X, Y, torch.tensor([float(lr)]), batch_size, num_epochs, seed=seed
    )


@dataclass(frozen=True)
class LinRegGrid:
    """The slider grid of the static linear-regression demo (every combination is run)."""

    log10_lrs: tuple[float, ...] = (-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0)
    log2_batch_sizes: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7)
    noises: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0)
    num_epochs: int = 3


def run_linreg_grid(grid: LinRegGrid = LinRegGrid(), *, seed: int = 0) -> pd.DataFrame:
    """Run every (lr, batch size, noise) of ``grid``; one row per run, its loss curve as a list.

    Each batch size runs all its (lr, noise) pairs side by side in one ``sgd_linreg_runs`` call;
    each run equals ``run_linreg`` with the same values.
    """
    X, Y = linreg_data(grid.noises, seed=seed)
    lrs = torch.tensor([10.0**k for k in grid.log10_lrs])
    rows = []
    for log2_bs in grid.log2_batch_sizes:
        # columns: every lr for the first noise, then every lr for the next noise, ...
        Y_all = Y.repeat_interleave(len(lrs), dim=1)  # (n, noises * lrs)
        runs = training.sgd_linreg_runs(
            X, Y_all, lrs.repeat(len(grid.noises)), 2**log2_bs, grid.num_epochs, seed=seed
        )
        for g in range(Y_all.shape[1]):
            noise, log10_lr = grid.noises[g // len(lrs)], grid.log10_lrs[g % len(lrs)]
            finite = runs.loss[g][torch.isfinite(runs.loss[g])]
            rows.append(
                {
                    "log10_lr": log10_lr,
                    "log2_batch": log2_bs,
                    "noise": noise,
                    "loss": [float(f"{v:.4g}") for v in finite.tolist()],
                    "diverged_at": int(runs.diverged_at[g]),
                }
            )
    return pd.DataFrame(rows)


# --- Gradient descent in one dimension -------------------------------------------------------


def parabola(x: torch.Tensor) -> torch.Tensor:
    """f(x) = x², the function of the 1-D gradient-descent demo."""
    return x**2


def parabola_grad(x: torch.Tensor) -> torch.Tensor:
    """f'(x) = 2x, written by hand (a test checks it against autograd)."""
    return 2 * x


@dataclass
class Descent1D:
    """Iterates of gradient descent on f(x) = x²."""

    xs: torch.Tensor  # (k + 1,) x_0 ... x_k; stops early once f(x) is inf/NaN
    diverged_at: int | None  # the step whose f(x) was no longer finite


def descend_1d(lr: float, *, x0: float = 10.0, num_steps: int = 40) -> Descent1D:
    """Run x ← x − lr · f'(x) from x0 for ``num_steps`` steps (float32, like the models)."""
    _checks.positive_finite("lr", lr)
    _checks.int_in_range("num_steps", num_steps, 1)
    xs = [torch.tensor(float(x0))]
    for step in range(1, num_steps + 1):
        x = xs[-1] - lr * parabola_grad(xs[-1])
        if not torch.isfinite(parabola(x)):
            return Descent1D(torch.stack(xs), step)
        xs.append(x)
    return Descent1D(torch.stack(xs), None)


def run_descent_grid(log10_lrs: Sequence[float], **kwargs: float) -> pd.DataFrame:
    """One row per learning rate: the iterates and f at each, for the static twin."""
    rows = []
    for k in log10_lrs:
        run = descend_1d(10.0**k, **kwargs)
        rows.append(
            {
                "log10_lr": k,
                "x": [float(f"{v:.5g}") for v in run.xs.tolist()],
                "diverged_at": run.diverged_at or 0,
            }
        )
    return pd.DataFrame(rows)


# --- SGD paths on the loss surface of y = w·x + b ---------------------------------------------

LINE_W, LINE_B, LINE_N = 2.0, 5.0, 100


def line_data(
    noises: Sequence[float], *, seed: int, num_examples: int = LINE_N
) -> tuple[torch.Tensor, torch.Tensor]:
    """x ~ U[0, 15] of shape (n, 1) and Y = 2x + 5 + σ·ε of shape (n, len(noises))."""
    for sigma in noises:
        _checks.non_negative_finite("noise", sigma)
    gen = torch.Generator().manual_seed(seed)
    x = 15 * torch.rand(num_examples, 1, generator=gen)  # (n, 1)
    eps = torch.randn(num_examples, 1, generator=gen)  # (n, 1)
    return x, LINE_W * x + LINE_B + eps * torch.tensor(list(noises), dtype=torch.float32)


def run_surface_paths(
    lr: float, batch_size: int, noise: float, num_epochs: int = 20, *, seed: int = 0
) -> training.SGDRuns:
    """One SGD path over (w, b) for the line data; ``runs.params[0]`` holds the path."""
    x, Y = line_data([noise], seed=seed)
    return training.sgd_linreg_runs(
        x, Y, torch.tensor([float(lr)]), batch_size, num_epochs, seed=seed, records_per_epoch=5
    )


def loss_surface(
    x: torch.Tensor, y: torch.Tensor, ws: torch.Tensor, bs: torch.Tensor
) -> torch.Tensor:
    """½ mean squared error of y ≈ w·x + b on a grid: (len(bs), len(ws))."""
    pred = ws[None, :, None] * x.reshape(1, 1, -1) + bs[:, None, None]  # (B, W, n)
    return ((pred - y.reshape(1, 1, -1)) ** 2).mean(-1) / 2


@dataclass(frozen=True)
class SurfaceGrid:
    """Slider grid of the static loss-surface demo."""

    log10_lrs: tuple[float, ...] = (-3.5, -3.0, -2.5, -2.0, -1.5)
    log2_batch_sizes: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7)  # 2**7 > 100: full batch
    noises: tuple[float, ...] = (0.0, 2.0, 4.0, 6.0)
    num_epochs: int = 20
    w_range: tuple[float, float] = (-1.0, 5.0)
    b_range: tuple[float, float] = (-3.0, 11.0)


def batch_size_of(log2_batch: int, n: int = LINE_N) -> int:
    """The batch size a log₂ slider position stands for; past n it means the full batch."""
    return min(2**log2_batch, n)


def run_surface_grid(
    grid: SurfaceGrid = SurfaceGrid(), *, seed: int = 0, cells: int = 30
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All SGD paths of ``grid`` (one row each) and the loss surface per noise (one row a cell)."""
    x, Y = line_data(grid.noises, seed=seed)
    lrs = torch.tensor([10.0**k for k in grid.log10_lrs])
    paths = []
    for log2_bs in grid.log2_batch_sizes:
        Y_all = Y.repeat_interleave(len(lrs), dim=1)  # (n, noises * lrs)
        runs = training.sgd_linreg_runs(
            x,
            Y_all,
            lrs.repeat(len(grid.noises)),
            batch_size_of(log2_bs),
            grid.num_epochs,
            seed=seed,
            records_per_epoch=5,
        )
        for g in range(Y_all.shape[1]):
            ok = torch.isfinite(runs.loss[g])
            w, b = runs.params[g, ok, 0], runs.params[g, ok, 1]
            paths.append(
                {
                    "log10_lr": grid.log10_lrs[g % len(lrs)],
                    "log2_batch": log2_bs,
                    "noise": grid.noises[g // len(lrs)],
                    "w": [round(v, 4) for v in w.tolist()],
                    "b": [round(v, 4) for v in b.tolist()],
                    "diverged_at": int(runs.diverged_at[g]),
                }
            )
    ws = torch.linspace(*grid.w_range, cells)
    bs = torch.linspace(*grid.b_range, cells)
    surface = [
        {
            "noise": sigma,
            "w": round(float(ws[j]), 4),
            "b": round(float(bs[i]), 4),
            "loss": float(f"{float(L[i, j]):.3g}"),
        }
        for k, sigma in enumerate(grid.noises)
        for L in [loss_surface(x, Y[:, k], ws, bs)]
        for i in range(cells)
        for j in range(cells)
    ]
    return pd.DataFrame(paths), pd.DataFrame(surface)


# --- Softmax regression on Fashion-MNIST --------------------------------------------------------


def softmax_net(*, seed: int) -> torch.nn.Sequential:
    """Concise softmax regression, 784 -> 10, weights N(0, 0.01²) from ``seed``, bias 0."""
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    with torch.no_grad():
        net[1].weight.copy_(
            0.01 * torch.randn(10, 784, generator=torch.Generator().manual_seed(seed))
        )
        net[1].bias.zero_()
    return net


def fit_sgd(
    net: torch.nn.Module,
    train: "data.ImageSplit",
    test: "data.ImageSplit",
    lr: float,
    batch_size: int,
    num_epochs: int,
    *,
    seed: int = 0,
) -> training.History:
    """Plain minibatch SGD on ``nn.CrossEntropyLoss`` of the logits, no progress bar."""
    config = training.ClassifierConfig(lr=lr, batch_size=batch_size, num_epochs=num_epochs)
    return training.fit_classifier(
        net,
        torch.optim.SGD(net.parameters(), lr=lr),
        train,
        test,
        config,
        loss_fn=torch.nn.CrossEntropyLoss(),
        seed=seed,
        progress=False,
    )


def run_softmax(
    train: "data.ImageSplit",
    test: "data.ImageSplit",
    lr: float,
    batch_size: int,
    num_epochs: int,
    *,
    seed: int = 0,
) -> training.History:
    """Train concise softmax regression with SGD; divergence is recorded in the history."""
    return fit_sgd(softmax_net(seed=seed), train, test, lr, batch_size, num_epochs, seed=seed)


def history_row(history: training.History, **slider_values: float) -> dict[str, object]:
    """One static-grid row: the slider values of a run and its per-epoch history, rounded."""
    return {
        **slider_values,
        "train_loss": [round(v, 4) for v in history.train_loss],
        "train_acc": [round(v, 4) for v in history.train_acc],
        "test_acc": [round(v, 4) for v in history.test_acc],
        "diverged_at": history.diverged_at or 0,
    }


@dataclass(frozen=True)
class SoftmaxGrid:
    """Slider grid of the static softmax demo; the epochs slider shows a prefix of each run."""

    log10_lrs: tuple[float, ...] = (-2.0, -1.5, -1.0, -0.5, 0.0)
    log2_batch_sizes: tuple[int, ...] = (7, 8, 9, 10)
    num_epochs: int = 10


def run_softmax_grid(
    train: "data.ImageSplit",
    test: "data.ImageSplit",
    grid: SoftmaxGrid = SoftmaxGrid(),
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Every (lr, batch size) of ``grid`` trained for ``grid.num_epochs``; one row per run."""
    rows = []
    for k in grid.log10_lrs:
        for log2_bs in grid.log2_batch_sizes:
            h = run_softmax(train, test, 10.0**k, 2**log2_bs, grid.num_epochs, seed=seed)
            rows.append(history_row(h, log10_lr=k, log2_batch=log2_bs))
    return pd.DataFrame(rows)


# --- Multilayer perceptrons ---------------------------------------------------------------------

ACTIVATIONS = {"ReLU": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def activation_curves(x_max: float = 8.0, points: int = 401) -> pd.DataFrame:
    """Each activation and its derivative (by autograd) on [-x_max, x_max]; long format."""
    _checks.positive_finite("x_max", x_max)
    rows = []
    for name, fn in ACTIVATIONS.items():
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


def gradient_norms(
    activation: str, depth: int, input_range: float, *, width: int = 64, seed: int = 0
) -> torch.Tensor:
    """Mean norm of ∂(sum of outputs)/∂(layer input) at each layer of a deep stack, (depth,).

    The stack has ``depth`` layers, each a bias-free (width, width) weight matrix with entries
    N(0, 1/width) followed by the activation; the 64 inputs are uniform in
    [-input_range, input_range]. Entry 0 is the gradient reaching the
    network's input, the last entry that at the last layer's input. Saturating activations
    shrink the gradient at every layer it passes back through.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    _checks.int_in_range("depth", depth, 1)
    _checks.positive_finite("input_range", input_range)
    gen = torch.Generator().manual_seed(seed)
    H = input_range * (2 * torch.rand(64, width, generator=gen) - 1)  # (examples, width)
    inputs = []
    for layer in range(depth):
        if layer == 0:
            H.requires_grad_()
        else:
            H.retain_grad()  # an intermediate result: keep its gradient for the measurement
        inputs.append(H)
        W = torch.randn(width, width, generator=gen) / width**0.5
        H = ACTIVATIONS[activation](H @ W)
    H.sum().backward()
    return torch.stack([h.grad.norm(dim=1).mean() for h in inputs])


def mlp_net(num_hiddens: int, *, seed: int) -> torch.nn.Sequential:
    """Concise MLP 784 -> num_hiddens (ReLU) -> 10, default PyTorch init from ``seed``."""
    _checks.int_in_range("num_hiddens", num_hiddens, 1)
    torch.manual_seed(seed)  # nn.Linear draws its initial weights from the global generator
    return torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(784, num_hiddens),
        torch.nn.ReLU(),
        torch.nn.Linear(num_hiddens, 10),
    )


def run_mlp(
    train: "data.ImageSplit",
    test: "data.ImageSplit",
    num_hiddens: int,
    lr: float,
    num_epochs: int,
    *,
    batch_size: int = 128,
    seed: int = 0,
) -> training.History:
    """Train the concise MLP with plain SGD; divergence is recorded in the history."""
    net = mlp_net(num_hiddens, seed=seed)
    return fit_sgd(net, train, test, lr, batch_size, num_epochs, seed=seed)


@dataclass(frozen=True)
class MLPGrid:
    """Slider grid of the static MLP demo; the epochs slider shows a prefix of each run."""

    log2_hiddens: tuple[int, ...] = (2, 5, 8)  # 4, 32 and 256 hidden units
    log10_lrs: tuple[float, ...] = (-2.0, -1.5, -1.0, -0.5)
    num_epochs: int = 10


def run_mlp_grid(
    train: "data.ImageSplit", test: "data.ImageSplit", grid: MLPGrid = MLPGrid(), *, seed: int = 0
) -> pd.DataFrame:
    """Every (hidden units, lr) of ``grid`` trained for ``grid.num_epochs``; one row per run."""
    rows = []
    for log2_h in grid.log2_hiddens:
        for k in grid.log10_lrs:
            h = run_mlp(train, test, 2**log2_h, 10.0**k, grid.num_epochs, seed=seed)
            rows.append(history_row(h, log2_hiddens=log2_h, log10_lr=k))
    return pd.DataFrame(rows)


# --- The normal distribution and robust regression ----------------------------------------------


def normal_curves(
    mus: Sequence[float], sigmas: Sequence[float], *, x_max: float = 7.0, points: int = 141
) -> pd.DataFrame:
    """models.normal_pdf on [-x_max, x_max] for every (μ, σ); one row per curve, p as a list."""
    x = torch.linspace(-x_max, x_max, points)
    return pd.DataFrame(
        [
            {
                "mu": mu,
                "sigma": sigma,
                "p": [round(v, 5) for v in models.normal_pdf(x, mu, sigma).tolist()],
            }
            for mu in mus
            for sigma in sigmas
        ]
    )


def robust_fit(
    x: torch.Tensor,
    Y: torch.Tensor,
    loss: str,
    delta: float | torch.Tensor = 1.0,
    *,
    iterations: int = 100,
) -> torch.Tensor:
    """Fit y ≈ w·x + b to each column of Y (n, G) by minimising the mean ``loss``; (G, 2) [w, b].

    Iteratively reweighted least squares: each step solves a weighted least-squares problem with
    weights that make its quadratic match the loss at the current residuals (1 for L2,
    1/|r| for L1, min(1, δ/|r|) for Huber). A test checks the result against gradient descent.
    """
    if loss not in models.REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {sorted(models.REGRESSION_LOSSES)}, got {loss!r}")
    delta = torch.as_tensor(delta, dtype=torch.float64).expand(Y.shape[1])
    if not (torch.isfinite(delta) & (delta > 0)).all():
        raise ValueError(f"delta must be a finite number > 0, got {delta.min().item()}")
    x64 = x.reshape(-1, 1).double()  # (n, 1)
    x2 = x64**2
    X1 = torch.cat([x64, torch.ones_like(x64)], 1)  # (n, 2)
    Y = Y.double()  # (n, G)
    weights = torch.ones_like(Y)
    for _ in range(1 if loss == "L2" else iterations):
        # The weighted normal equations [[Σwx², Σwx], [Σwx, Σw]] θ = [Σwxy, Σwy], solved in
        # closed form for all G fits at once (a 2×2 system: Cramer's rule).
        sxx, sx, s1 = (weights * x2).sum(0), (weights * x64).sum(0), weights.sum(0)  # (G,)
        sxy, sy = (weights * x64 * Y).sum(0), (weights * Y).sum(0)
        det = sxx * s1 - sx**2
        theta = torch.stack([(s1 * sxy - sx * sy) / det, (sxx * sy - sx * sxy) / det], 1)
        r = (Y - X1 @ theta.T).abs().clamp_min(1e-9)  # (n, G)
        weights = 1 / r if loss == "L1" else torch.clamp(delta / r, max=1.0)
    return theta.float()


def robust_data(
    count: int, size: float, *, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The line data with noise σ = 1 and ``count`` labels shifted up by ``size``: x, y, indices."""
    x, y = line_data([1.0], seed=seed)
    y_out, idx = data.add_outliers(
        y[:, 0], count, size, generator=torch.Generator().manual_seed(seed + 1)
    )
    return x[:, 0], y_out, idx


def run_robust(count: int, size: float, delta: float, *, seed: int = 0) -> dict[str, torch.Tensor]:
    """Fitted [w, b] for each loss on the data with these outliers."""
    _checks.positive_finite("delta", delta)
    x, y, _ = robust_data(count, size, seed=seed)
    return {name: robust_fit(x, y[:, None], name, delta)[0] for name in models.REGRESSION_LOSSES}


@dataclass(frozen=True)
class RobustGrid:
    """Slider grid of the static robust-regression demo."""

    counts: tuple[int, ...] = (0, 5, 10, 15, 20, 25, 30)
    sizes: tuple[float, ...] = (5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0)
    deltas: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def run_robust_grid(
    grid: RobustGrid = RobustGrid(), *, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fits for every (count, size, δ) and loss, and the data points for every (count, size)."""
    points, columns = [], []
    for count in grid.counts:
        for size in grid.sizes:
            x, y, idx = robust_data(count, size, seed=seed)
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
    Y = torch.stack(columns, 1).repeat_interleave(len(grid.deltas), dim=1)  # (n, data x deltas)
    deltas = torch.tensor(grid.deltas).repeat(len(columns))
    fits = []
    for name in models.REGRESSION_LOSSES:
        theta = robust_fit(x, Y, name, deltas)  # one batched fit for every column
        for g, (w, b) in enumerate(theta.tolist()):
            point = points[g // len(grid.deltas)]
            fits.append(
                {
                    "count": point["count"],
                    "size": point["size"],
                    "delta": grid.deltas[g % len(grid.deltas)],
                    "loss": name,
                    "w": round(w, 4),
                    "b": round(b, 4),
                }
            )
    return pd.DataFrame(fits), pd.DataFrame(points)
