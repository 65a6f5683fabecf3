"""Data: synthetic regression data and minibatch iteration over in-memory tensors."""

from collections.abc import Iterator, Sequence

import torch

from dlsteps import _checks


def synthetic_linear(
    w: Sequence[float] | torch.Tensor,
    b: float,
    num_examples: int,
    noise: float = 0.01,
    *,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw X ~ N(0, 1) of shape (n, d) and y = Xw + b + N(0, noise²) of shape (n, 1)."""
    _checks.int_in_range("num_examples", num_examples, 1)
    noise = _checks.non_negative_finite("noise", noise)
    w = torch.as_tensor(w, dtype=torch.float32).reshape(-1, 1)  # (d, 1)
    X = torch.randn(num_examples, w.shape[0], generator=generator)  # (n, d)
    eps = torch.randn(num_examples, 1, generator=generator)  # (n, 1)
    return X, X @ w + b + noise * eps


def minibatches(
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    *,
    generator: torch.Generator | None = None,
    shuffle: bool = True,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield (X[idx], y[idx]) batches of ``batch_size`` rows; the last batch may be smaller."""
    _checks.features_and_labels(X, y)
    _checks.int_in_range("batch_size", batch_size, 1, X.shape[0])
    n = X.shape[0]
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size].to(X.device)
        yield X[idx], y[idx]
