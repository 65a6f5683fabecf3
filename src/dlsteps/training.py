"""Training loops. Each returns its history and never draws; plotting lives in ``plots``.

Divergence is a result, not an exception: a loop whose loss turns inf/NaN stops and records the
1-based step at which it happened in ``diverged_at``; ``diverged_at == 0`` means the run never
diverged. Every record in the package uses this one marker.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median

import torch
from torch import nn
from tqdm.auto import tqdm

from dlsteps import _checks, data, models


class Timer:
    """Collect wall-clock times: each ``with timer:`` block appends one duration in seconds."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __enter__(self) -> "Timer":
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.times.append(time.perf_counter() - self._start)

    def median(self) -> float:
        """Median of the recorded times (robust to the odd slow run on a busy machine)."""
        if not self.times:
            raise ValueError("Timer has no recorded times yet; time a block with `with timer:`")
        return median(self.times)


@dataclass(frozen=True)
class SGDConfig:
    """Hyperparameters of minibatch SGD."""

    lr: float = 0.03
    batch_size: int = 10
    num_epochs: int = 3

    def __post_init__(self) -> None:
        _checks.positive_finite("lr", self.lr)
        _checks.int_in_range("batch_size", self.batch_size, 1)
        _checks.int_in_range("num_epochs", self.num_epochs, 1)


@dataclass
class LinRegFit:
    """Result of a linear-regression fit: parameters, loss per epoch, and divergence."""

    w: torch.Tensor  # (d, 1)
    b: torch.Tensor  # (1,)
    epoch_losses: list[float] = field(default_factory=list)  # mean training loss after each epoch
    diverged_at: int = 0  # the SGD step (1-based) whose loss was inf/NaN; 0: never


def _check_fit_args(X: torch.Tensor, y: torch.Tensor, config: SGDConfig) -> None:
    _checks.features_and_labels(X, y)
    _checks.int_in_range("config.batch_size", config.batch_size, 1, X.shape[0])


def fit_linreg(
    X: torch.Tensor, y: torch.Tensor, config: SGDConfig, *, seed: int, progress: bool = True
) -> LinRegFit:
    """Linear regression from scratch: minibatch SGD on the squared loss, autograd for gradients."""
    _check_fit_args(X, y, config)
    gen = torch.Generator().manual_seed(seed)
    w, b = models.init_linreg(X.shape[1], generator=gen)
    w, b = w.detach().to(X.device).requires_grad_(), b.detach().to(X.device).requires_grad_()
    fit, step = LinRegFit(w, b), 0
    for _ in tqdm(range(config.num_epochs), desc="epochs", disable=not progress):
        for X_b, y_b in data.minibatches(X, y, config.batch_size, generator=gen):
            step += 1
            loss = models.squared_loss(models.linreg(X_b, w, b), y_b).sum()
            if not torch.isfinite(loss):
                fit.diverged_at = step
                return fit
            loss.backward()
            models.sgd([w, b], config.lr, X_b.shape[0])
        with torch.no_grad():
            fit.epoch_losses.append(models.squared_loss(models.linreg(X, w, b), y).mean().item())
    return fit


def fit_linreg_concise(
    X: torch.Tensor, y: torch.Tensor, config: SGDConfig, *, seed: int, progress: bool = True
) -> LinRegFit:
    """The same fit with ``DataLoader``, ``nn.Linear``, ``nn.MSELoss`` and ``torch.optim.SGD``.

    It trains on ``nn.MSELoss`` (the mean of squares, twice fit_linreg's ½ squared loss, so its
    steps are twice as large at the same lr) but records ½ MSE in ``epoch_losses``, the same
    quantity as fit_linreg.
    """
    _check_fit_args(X, y, config)
    gen = torch.Generator().manual_seed(seed)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X, y.reshape(-1, 1)),
        batch_size=config.batch_size,
        shuffle=True,
        generator=gen,
    )
    net = nn.Linear(X.shape[1], 1).to(X.device)
    with torch.no_grad():
        net.weight.copy_(0.01 * torch.randn(net.weight.shape, generator=gen))
        net.bias.zero_()
    loss_fn, opt = nn.MSELoss(), torch.optim.SGD(net.parameters(), lr=config.lr)
    fit, step = LinRegFit(net.weight, net.bias), 0
    for _ in tqdm(range(config.num_epochs), desc="epochs", disable=not progress):
        for X_b, y_b in loader:
            step += 1
            loss = loss_fn(net(X_b), y_b)
            if not torch.isfinite(loss):
                fit.diverged_at = step
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
        if fit.diverged_at:
            break
        with torch.no_grad():  # ½ MSE, the quantity fit_linreg records, so the two compare
            fit.epoch_losses.append(loss_fn(net(X), y.reshape(-1, 1)).item() / 2)
    fit.w, fit.b = net.weight.detach().T.clone(), net.bias.detach().clone()  # (1, d) -> (d, 1)
    return fit


@dataclass
class SGDRuns:
    """G linear-regression SGD runs side by side, recorded at fixed fractions of an epoch."""

    epochs: torch.Tensor  # (K,) epoch coordinate of each record, 0 = before training
    loss: torch.Tensor  # (G, K) mean ½ squared loss on the full data; NaN once diverged
    params: torch.Tensor  # (G, K, d + 1) [w..., b] at each record; NaN once diverged
    diverged_at: torch.Tensor  # (G,) SGD step (1-based) whose loss was inf/NaN, 0 if none


def sgd_linreg_runs(
    X: torch.Tensor,
    Y: torch.Tensor,
    lrs: torch.Tensor,
    batch_size: int,
    num_epochs: int,
    *,
    seed: int,
    records_per_epoch: int = 10,
) -> SGDRuns:
    """Run G SGD fits of y = Xw + b at once, run g on labels Y[:, g] with rate lrs[g].

    X is (n, d), Y is (n, G), lrs is (G,). Every run starts from the same initial weights and sees
    the same shuffles as ``fit_linreg(X, Y[:, g], ..., seed=seed)``, so a single run equals it; the
    gradient is the closed form Xᵀ(Xw + b − y)/B of the ½ squared loss, which a test checks
    against autograd. A run whose minibatch loss turns inf/NaN stops updating (it diverged).

    Each run's arithmetic is its own: run g gives the same numbers, bit for bit, alone or beside
    any other runs (a matrix product over all G runs at once rounds differently for different G,
    so a run trained in a batch of 54 ended elsewhere than the same run trained alone). Products
    are elementwise, (G, B, d + 1), and every sum runs along a row of one run: meant for a few
    features.
    """
    lrs = torch.as_tensor(lrs, dtype=X.dtype, device=X.device).reshape(-1)
    if lrs.numel() == 0:
        raise ValueError("lrs must hold at least one learning rate, got none")
    if Y.ndim != 2 or Y.shape != (X.shape[0], lrs.shape[0]):
        raise ValueError(f"Y must have shape ({X.shape[0]}, {lrs.shape[0]}), got {tuple(Y.shape)}")
    for i, lr in enumerate(lrs.tolist()):
        _checks.positive_finite(f"lrs[{i}]", lr)
    _checks.features_and_labels(X, Y[:, :1])
    n, d = X.shape
    _checks.int_in_range("batch_size", batch_size, 1, n)
    _checks.int_in_range("num_epochs", num_epochs, 1)
    _checks.int_in_range("records_per_epoch", records_per_epoch, 1)

    gen = torch.Generator().manual_seed(seed)
    w0, _ = models.init_linreg(d, generator=gen)  # the same draw as fit_linreg
    G = lrs.shape[0]
    theta = torch.zeros(G, d + 1, dtype=X.dtype, device=X.device)  # one row per run: w..., b
    theta[:, :d] = w0.detach().to(X.device).reshape(1, d)
    X1 = torch.cat([X, torch.ones(n, 1, dtype=X.dtype, device=X.device)], dim=1)  # (n, d + 1)
    Yt = Y.T.contiguous()  # (G, n): each run's labels in a row

    def predict(Xb: torch.Tensor) -> torch.Tensor:
        return (theta[:, None, :] * Xb).sum(2)  # (G, 1, d + 1) * (B, d + 1) -> (G, B)

    steps_per_epoch = math.ceil(n / batch_size)
    K = num_epochs * records_per_epoch + 1
    records_at: dict[int, list[int]] = {}  # SGD step -> indices of the records taken after it
    for j in range(K):
        records_at.setdefault(j * steps_per_epoch // records_per_epoch, []).append(j)
    loss = torch.empty(G, K, dtype=X.dtype, device=X.device)
    params = torch.empty(G, K, d + 1, dtype=X.dtype, device=X.device)
    diverged_at = torch.zeros(G, dtype=torch.long, device=X.device)

    def record(step: int) -> None:
        if step not in records_at:
            return
        dead = diverged_at > 0
        # Summed in float64: a float32 sum of 1,000 squares near 1e35 overflows although their
        # mean, the loss, is finite (and a minibatch's smaller sum did not overflow).
        full = (((predict(X1) - Yt).double() ** 2).mean(1) / 2).to(X.dtype)  # (G,)
        for j in records_at[step]:
            loss[:, j] = torch.where(dead, math.nan, full)
            params[:, j] = torch.where(dead[:, None], math.nan, theta)

    step = 0
    record(0)
    for _ in range(num_epochs):
        order = torch.randperm(n, generator=gen).to(X.device)
        X1_epoch, Y_epoch = X1[order], Yt[:, order]  # shuffle once; batches are then cheap views
        X1T_epoch = X1_epoch.T.contiguous()  # (d + 1, n): each feature's values in a row
        for start in range(0, n, batch_size):
            step += 1
            stop = start + batch_size
            r = predict(X1_epoch[start:stop]) - Y_epoch[:, start:stop]  # residuals (G, B)
            bad = ~torch.isfinite((r * r).sum(1)) & (diverged_at == 0)
            diverged_at = torch.where(bad, step, diverged_at)
            rate = torch.where(diverged_at == 0, lrs, 0.0)  # diverged runs stop (and turn NaN)
            grad = (r[:, None, :] * X1T_epoch[:, start:stop]).sum(2)  # Xᵀr per run: (G, d + 1)
            theta = theta - rate[:, None] * grad / r.shape[1]
            record(step)
    return SGDRuns(
        torch.arange(K, dtype=X.dtype) / records_per_epoch,
        loss,
        params,
        diverged_at,
    )


# --- Classifiers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassifierConfig:
    """Hyperparameters of classifier training; ``schedule='cosine'`` decays lr to 0 smoothly."""

    lr: float = 0.1
    batch_size: int = 256
    num_epochs: int = 10
    schedule: str = "constant"

    def __post_init__(self) -> None:
        _checks.positive_finite("lr", self.lr)
        _checks.int_in_range("batch_size", self.batch_size, 1)
        _checks.int_in_range("num_epochs", self.num_epochs, 1)
        if self.schedule not in ("constant", "cosine"):
            raise ValueError(f"schedule must be 'constant' or 'cosine', got {self.schedule!r}")

    def lr_at(self, step: int, total_steps: int) -> float:
        """The learning rate for SGD step ``step`` (0-based) of ``total_steps``."""
        if self.schedule == "constant":
            return self.lr
        return self.lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))


@dataclass
class History:
    """Per-epoch record of classifier training."""

    train_loss: list[float] = field(default_factory=list)  # mean over the epoch's minibatches
    train_acc: list[float] = field(default_factory=list)  # likewise, while the model trained
    test_acc: list[float] = field(default_factory=list)  # after each epoch
    epoch_seconds: list[float] = field(default_factory=list)  # training time, evaluation aside
    diverged_at: int = 0  # the SGD step (1-based) whose loss was inf/NaN; 0: never


@torch.no_grad()
def evaluate(
    net: Callable[[torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int = 4096,
) -> float:
    """Accuracy of ``net`` on (X, y), in large batches, without gradients, in eval mode.

    A ``nn.Module`` is switched to ``eval()`` (dropout off, batch norm frozen) for the
    measurement and put back into the mode it was in.
    """
    _checks.tensor("X", X)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must be 1-D with {len(X)} labels to match X, got {tuple(y.shape)}")
    _checks.int_in_range("batch_size", batch_size, 1)
    was_training = isinstance(net, nn.Module) and net.training
    if was_training:
        net.eval()
    correct = sum(
        (net(X[i : i + batch_size]).argmax(-1) == y[i : i + batch_size]).sum().item()
        for i in range(0, len(X), batch_size)
    )
    if was_training:
        net.train()
    return correct / len(X)


def fit_classifier(
    net: Callable[[torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer | models.SGD,
    train: "data.ImageSplit",
    test: "data.ImageSplit",
    config: ClassifierConfig,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = models.cross_entropy,
    seed: int = 0,
    progress: bool = True,
) -> History:
    """Train ``net`` with minibatches of ``train``; evaluate on ``test`` after every epoch.

    The optimizer must start at ``config.lr``. With ``schedule="constant"`` its learning rate is
    never touched, so a scheduler of the caller's own keeps working; with ``"cosine"`` it is set
    before every step and put back to ``config.lr`` at the end. A ``nn.Module`` trains in
    ``train()`` mode and is evaluated in ``eval()`` mode.
    """
    for name, split in (("train", train), ("test", test)):
        if not isinstance(split, data.ImageSplit):
            raise TypeError(f"{name} must be a data.ImageSplit, got {type(split).__name__}")
        _checks.tensor(f"{name}.X", split.X)
        if split.y.ndim != 1 or len(split.y) != len(split.X):
            raise ValueError(
                f"{name}.y must be 1-D with {len(split.X)} labels, got {tuple(split.y.shape)}"
            )
    _checks.int_in_range("config.batch_size", config.batch_size, 1, len(train.X))
    for group in optimizer.param_groups:
        if group["lr"] != config.lr:
            raise ValueError(f"optimizer lr must equal config.lr = {config.lr}, got {group['lr']}")
    gen, history = torch.Generator().manual_seed(seed), History()
    total = config.num_epochs * math.ceil(len(train.X) / config.batch_size)
    step = 0
    try:
        for _ in tqdm(range(config.num_epochs), desc="epochs", disable=not progress):
            if isinstance(net, nn.Module):
                net.train()
            start, losses, accs = time.perf_counter(), [], []
            for X, y in data.minibatches(train.X, train.y, config.batch_size, generator=gen):
                if config.schedule != "constant":
                    for group in optimizer.param_groups:
                        group["lr"] = config.lr_at(step, total)
                step += 1
                logits = net(X)
                if step == 1:  # the labels must fit the number of logits the net outputs
                    models.check_labels(train.y, logits.shape[-1], "train.y")
                    models.check_labels(test.y, logits.shape[-1], "test.y")
                loss = loss_fn(logits, y)
                if not torch.isfinite(loss):
                    history.diverged_at = step
                    return history
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.detach())
                accs.append((logits.argmax(-1) == y).float().mean())
            history.epoch_seconds.append(time.perf_counter() - start)
            history.train_loss.append(torch.stack(losses).mean().item())
            history.train_acc.append(torch.stack(accs).mean().item())
            history.test_acc.append(evaluate(net, test.X, test.y))
    finally:
        if config.schedule != "constant":
            for group in optimizer.param_groups:
                group["lr"] = config.lr
    return history


def fit_sgd(
    net: nn.Module,
    train: "data.ImageSplit",
    test: "data.ImageSplit",
    lr: float,
    batch_size: int,
    num_epochs: int,
    *,
    seed: int = 0,
) -> History:
    """Plain minibatch SGD (constant lr) on ``nn.CrossEntropyLoss``, without a progress bar."""
    config = ClassifierConfig(lr=lr, batch_size=batch_size, num_epochs=num_epochs)
    return fit_classifier(
        net,
        torch.optim.SGD(net.parameters(), lr=config.lr),
        train,
        test,
        config,
        loss_fn=nn.CrossEntropyLoss(),
        seed=seed,
        progress=False,
    )


def confusion_matrix(pred: torch.Tensor, y: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(true class, predicted class) counts as a (num_classes, num_classes) int64 tensor."""
    _checks.int_in_range("num_classes", num_classes, 1)
    if pred.shape != y.shape or y.ndim != 1:
        raise ValueError(
            "pred and y must be 1-D of the same length, "
            f"got {tuple(pred.shape)} and {tuple(y.shape)}"
        )
    models.check_labels(y, num_classes, "y")
    models.check_labels(pred, num_classes, "pred")
    return torch.bincount(y * num_classes + pred, minlength=num_classes**2).reshape(
        num_classes, num_classes
    )


# --- Gradient descent in one dimension ---------------------------------------------------------


@dataclass
class Descent1D:
    """Iterates of gradient descent on f(x) = x²."""

    xs: torch.Tensor  # (k + 1,) x_0 ... x_k; stops early once f(x) is inf/NaN
    diverged_at: int = 0  # the step whose f(x) was no longer finite; 0: never


def descend_1d(lr: float, *, x0: float = 10.0, num_steps: int = 40) -> Descent1D:
    """Run x ← x − lr · f'(x) from x0 for ``num_steps`` steps (float32, like the models)."""
    lr = _checks.positive_finite("lr", lr)
    _checks.int_in_range("num_steps", num_steps, 1)
    xs = [torch.tensor(_checks.finite("x0", x0))]
    if not torch.isfinite(xs[0]):
        raise ValueError(f"x0 must be a float32 number, got {x0!r}")
    for step in range(1, num_steps + 1):
        x = xs[-1] - lr * models.parabola_grad(xs[-1])
        if not torch.isfinite(models.parabola(x)):
            return Descent1D(torch.stack(xs), step)
        xs.append(x)
    return Descent1D(torch.stack(xs))
