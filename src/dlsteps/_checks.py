"""Argument checks shared by the helpers: they fail early, naming the argument and its range."""

import math

import torch


def positive_finite(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise ``ValueError``."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}") from None
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return x


def finite(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a finite number, else raise ``ValueError``."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return x


def non_negative_finite(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and >= 0, else raise ``ValueError``."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}") from None
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return x


def int_in_range(name: str, value: int, low: int, high: int | None = None) -> int:
    """Return ``value`` if it is an integer in [low, high] (high=None: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        allowed = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value


def features_and_labels(X: torch.Tensor, y: torch.Tensor) -> None:
    """Check that X is (n, d) and y is (n,) or (n, 1) with n >= 1."""
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D tensor (examples, features), got shape {tuple(X.shape)}")
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one example, got 0 rows")
    if y.shape[0] != X.shape[0] or y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
        raise ValueError(
            f"y must have shape ({X.shape[0]},) or ({X.shape[0]}, 1) to match X, "
            f"got {tuple(y.shape)}"
        )


def tensor(name: str, value: object, ndim: int | tuple[int, ...] | None = None) -> torch.Tensor:
    """``value`` must be a tensor (of ``ndim`` dimensions, if given) holding at least one number."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and value.ndim not in dims:
        want = " or ".join(f"{d}-D" for d in dims)
        raise ValueError(f"{name} must be {want}, got shape {tuple(value.shape)}")
    if value.numel() == 0:
        raise ValueError(f"{name} must hold at least one number, got shape {tuple(value.shape)}")
    return value


def paired(name_pred: str, pred: torch.Tensor, name: str, target: torch.Tensor) -> torch.Tensor:
    """``target`` with the shape of ``pred``: the same number of elements is required, so that
    (n,) against (n, 1) pairs element with element instead of broadcasting to (n, n)."""
    tensor(name_pred, pred)
    tensor(name, target)
    if target.numel() != pred.numel():
        raise ValueError(
            f"{name} must have as many elements as {name_pred} {tuple(pred.shape)}, "
            f"got shape {tuple(target.shape)}"
        )
    return target.reshape(pred.shape)
