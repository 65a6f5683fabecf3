"""Models and losses written from scratch, each checked against PyTorch in the tests."""

from collections.abc import Iterable

import torch

from dlsteps import _checks


def init_linreg(
    num_inputs: int, *, generator: torch.Generator, sigma: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return w ~ N(0, sigma²) of shape (d, 1) and b = 0 of shape (1,), both requiring grad."""
    _checks.int_in_range("num_inputs", num_inputs, 1)
    w = (sigma * torch.randn(num_inputs, 1, generator=generator)).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    return w, b


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear model: (n, d) @ (d, 1) + b -> (n, 1)."""
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise ½ (ŷ − y)²; y is reshaped to ŷ's shape, so (n,) and (n, 1) both work."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """In-place SGD step p ← p − lr · grad / batch_size (grad of the summed loss); zeroes grads."""
    lr = _checks.positive_finite("lr", lr)
    _checks.int_in_range("batch_size", batch_size, 1)
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
            p.grad.zero_()


def closed_form(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Least squares via the normal equations; returns w of shape (d, 1) and b of shape (1,)."""
    _checks.features_and_labels(X, y)
    X1 = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype)], dim=1)  # (n, d) -> (n, d+1)
    # Solve (X1ᵀX1) θ = X1ᵀy in float64: the normal equations square the condition number.
    A = X1.double().T @ X1.double()
    theta = torch.linalg.solve(A, X1.double().T @ y.double().reshape(-1, 1))  # (d+1, 1)
    theta = theta.to(X.dtype)
    return theta[:-1], theta[-1]
