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
