"""Models and losses written from scratch, each checked against PyTorch in the tests."""

import math
from collections.abc import Iterable

import torch
from torch import nn

from dlsteps import _checks


def init_linreg(
    num_inputs: int, *, generator: torch.Generator, sigma: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return w ~ N(0, sigma²) of shape (d, 1) and b = 0 of shape (1,), both requiring grad."""
    _checks.int_in_range("num_inputs", num_inputs, 1)
    sigma = _checks.non_negative_finite("sigma", sigma)
    w = (sigma * torch.randn(num_inputs, 1, generator=generator)).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    return w, b


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear model: (n, d) @ (d, 1) + b -> (n, 1)."""
    _checks.tensor("X", X, 2)
    _checks.tensor("w", w, 2)
    if w.shape != (X.shape[1], 1):
        raise ValueError(f"w must have shape ({X.shape[1]}, 1) to match X, got {tuple(w.shape)}")
    if _checks.tensor("b", b).numel() != 1:
        raise ValueError(f"b must hold one number, got shape {tuple(b.shape)}")
    return X @ w + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise ½ (ŷ − y)²; y is reshaped to ŷ's shape, so (n,) and (n, 1) both work."""
    return (y_hat - _checks.paired("y_hat", y_hat, "y", y)) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """In-place SGD step p ← p − lr · grad / batch_size (grad of the summed loss); zeroes grads."""
    lr = _checks.positive_finite("lr", lr)
    _checks.int_in_range("batch_size", batch_size, 1)
    params = list(params)
    for i, p in enumerate(params):
        if p.grad is None:
            raise ValueError(f"params[{i}] has no gradient: call backward() on the loss first")
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
            p.grad.zero_()


def closed_form(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Least squares via the normal equations; returns w of shape (d, 1) and b of shape (1,)."""
    _checks.features_and_labels(X, y)
    X1 = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype)], dim=1)  # (n, d) -> (n, d+1)
    if torch.linalg.matrix_rank(X1.double()) < X1.shape[1]:
        raise ValueError(
            f"X must determine w and b: at least {X1.shape[1]} examples, no constant column and no "
            "column a combination of others"
        )
    # Solve (X1ᵀX1) θ = X1ᵀy in float64: the normal equations square the condition number.
    A = X1.double().T @ X1.double()
    theta = torch.linalg.solve(A, X1.double().T @ y.double().reshape(-1, 1))  # (d+1, 1)
    theta = theta.to(X.dtype)
    return theta[:-1], theta[-1]


# --- Classification -----------------------------------------------------------------------------


def check_labels(y: torch.Tensor, num_classes: int, name: str = "y") -> None:
    """Labels must be integer class indices in [0, num_classes - 1]; errors name ``name``."""
    _checks.int_in_range("num_classes", num_classes, 1)
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(y).__name__}")
    if y.dtype.is_floating_point or y.dtype == torch.bool:
        raise ValueError(f"{name} must hold integer class indices, got dtype {y.dtype}")
    if y.numel() and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"{name} must be class indices in [0, {num_classes - 1}], "
            f"got values from {y.min().item()} to {y.max().item()}"
        )


def _check_logits_and_labels(logits: torch.Tensor, y: torch.Tensor) -> None:
    _checks.tensor("logits", logits, 2)
    _checks.tensor("y", y, 1)
    if len(y) != len(logits):
        raise ValueError(f"y must have {len(logits)} labels, one per row of logits, got {len(y)}")
    check_labels(y, logits.shape[-1])


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax, (batch, classes) -> (batch, classes); stable for any finite logits.

    Subtracting each row's maximum leaves the result unchanged (it cancels in the ratio) but
    keeps exp() from overflowing.
    """
    _checks.tensor("logits", logits)
    shifted = torch.exp(logits - logits.max(dim=-1, keepdim=True).values)
    return shifted / shifted.sum(dim=-1, keepdim=True)


def log_softmax(logits: torch.Tensor) -> torch.Tensor:
    """log softmax(o) = o − logsumexp(o), without ever taking the log of an underflowed 0."""
    _checks.tensor("logits", logits)
    m = logits.max(dim=-1, keepdim=True).values
    return logits - m - torch.log(torch.exp(logits - m).sum(dim=-1, keepdim=True))


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of (batch, classes) logits against (batch,) class indices."""
    _check_logits_and_labels(logits, y)
    return -log_softmax(logits)[torch.arange(len(y), device=y.device), y].mean()


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows whose largest logit is at the true class."""
    _check_logits_and_labels(logits, y)
    return (logits.argmax(dim=-1) == y).float().mean().item()


def init_softmax(
    num_inputs: int, num_outputs: int, *, generator: torch.Generator, sigma: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor]:
    """W ~ N(0, sigma²) of shape (inputs, outputs) and b = 0 of shape (outputs,), with grad."""
    _checks.int_in_range("num_inputs", num_inputs, 1)
    _checks.int_in_range("num_outputs", num_outputs, 2)
    sigma = _checks.non_negative_finite("sigma", sigma)
    W = (sigma * torch.randn(num_inputs, num_outputs, generator=generator)).requires_grad_()
    return W, torch.zeros(num_outputs, requires_grad=True)


def softmax_regression(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Logits of softmax regression: (batch, ...) flattened to (batch, inputs) -> (batch, k)."""
    _checks.tensor("X", X)
    _checks.tensor("W", W, 2)
    flat = X.reshape(len(X), -1)
    if flat.shape[1] != W.shape[0] or b.shape != (W.shape[1],):
        raise ValueError(
            f"W must be ({flat.shape[1]}, k) for X's {flat.shape[1]} inputs and b (k,), "
            f"got W {tuple(W.shape)} and b {tuple(b.shape)}"
        )
    return flat @ W + b


class SGD:
    """Minibatch SGD written by hand, with the interface of ``torch.optim.SGD`` (lr, momentum).

    ``param_groups`` mirrors torch's, so a learning-rate schedule can set ``lr`` on either.
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float, momentum: float = 0.0):
        _checks.positive_finite("lr", lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.param_groups = [{"params": list(params), "lr": lr, "momentum": momentum}]
        self._velocity: dict[int, torch.Tensor] = {}

    @torch.no_grad()
    def step(self) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if group["momentum"]:
                    v = self._velocity.get(id(p))
                    v = grad.clone() if v is None else v.mul_(group["momentum"]).add_(grad)
                    self._velocity[id(p)], grad = v, v
                p -= group["lr"] * grad

    def zero_grad(self) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None


# --- Multilayer perceptrons ---------------------------------------------------------------------


def relu(X: torch.Tensor) -> torch.Tensor:
    """ReLU(x) = max(x, 0), elementwise."""
    _checks.tensor("X", X)
    return torch.maximum(X, torch.zeros_like(X))


def init_mlp(
    num_inputs: int,
    num_hiddens: int,
    num_outputs: int,
    *,
    generator: torch.Generator,
    sigma: float = 0.01,
) -> list[torch.Tensor]:
    """[W1 (inputs, hiddens), b1, W2 (hiddens, outputs), b2]; weights N(0, sigma²), biases 0."""
    _checks.int_in_range("num_inputs", num_inputs, 1)
    _checks.int_in_range("num_hiddens", num_hiddens, 1)
    _checks.int_in_range("num_outputs", num_outputs, 1)
    sigma = _checks.non_negative_finite("sigma", sigma)
    W1 = sigma * torch.randn(num_inputs, num_hiddens, generator=generator)
    W2 = sigma * torch.randn(num_hiddens, num_outputs, generator=generator)
    params = [W1, torch.zeros(num_hiddens), W2, torch.zeros(num_outputs)]
    return [p.requires_grad_() for p in params]


def mlp(X: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    """One hidden ReLU layer: (batch, ...) -> (batch, inputs) -> (batch, hiddens) -> logits."""
    if len(params) != 4:
        raise ValueError(f"params must be [W1, b1, W2, b2], got {len(params)} tensors")
    W1, b1, W2, b2 = params
    _checks.tensor("X", X)
    shapes = [tuple(p.shape) for p in params]
    if (
        W1.ndim != 2
        or W2.ndim != 2
        or shapes[1] != W1.shape[1:]
        or shapes[2:] != [(W1.shape[1], W2.shape[1]), W2.shape[1:]]
    ):
        raise ValueError(
            f"params must be [W1 (d, h), b1 (h,), W2 (h, k), b2 (k,)], got shapes {shapes}"
        )
    if X[0].numel() != W1.shape[0]:
        raise ValueError(f"X must have {W1.shape[0]} inputs per example, got {X[0].numel()}")
    H = relu(X.reshape(len(X), -1) @ W1 + b1)  # (batch, hiddens)
    return H @ W2 + b2  # (batch, outputs)


# --- The normal distribution and regression losses ----------------------------------------------


def normal_pdf(x: torch.Tensor, mu: float, sigma: float) -> torch.Tensor:
    """p(x) = exp(−(x − μ)² / (2σ²)) / √(2πσ²), elementwise.

    σ must be a normal number of x's dtype and μ within its range (float32: 1.2e-38 ≤ σ ≤ 3.4e38),
    so that the density is finite wherever it is defined.
    """
    _checks.tensor("x", x)
    sigma = _checks.positive_finite("sigma", sigma)
    mu = _checks.finite("mu", mu)
    f = torch.finfo(x.dtype if x.is_floating_point() else torch.get_default_dtype())
    if not f.tiny <= sigma <= f.max:  # beyond these, σ rounds to 0 or inf in x's dtype
        raise ValueError(f"sigma must be between {f.tiny:.3g} and {f.max:.3g}, got {sigma!r}")
    if abs(mu) > f.max:
        raise ValueError(f"mu must be between {-f.max:.3g} and {f.max:.3g}, got {mu!r}")
    z = (x - mu) / sigma  # standardise first: (x − μ)² alone overflows for large μ and σ
    return torch.exp(-(z**2) / 2) / (sigma * math.sqrt(2 * math.pi))


def squared_error(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise (ŷ − y)², shaped like ŷ (y is reshaped to it); its mean is ``nn.MSELoss``."""
    return (y_hat - _checks.paired("y_hat", y_hat, "y", y)) ** 2


def absolute_error(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise |ŷ − y|, shaped like ŷ (y is reshaped to it); its mean is ``nn.L1Loss``."""
    return (y_hat - _checks.paired("y_hat", y_hat, "y", y)).abs()


def huber(y_hat: torch.Tensor, y: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Elementwise Huber loss: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond; its mean is ``nn.HuberLoss``."""
    delta = _checks.positive_finite("delta", delta)
    r = (y_hat - _checks.paired("y_hat", y_hat, "y", y)).abs()
    return torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))


REGRESSION_LOSSES = {"L2": squared_error, "L1": absolute_error, "Huber": huber}


def loss_surface(
    x: torch.Tensor, y: torch.Tensor, ws: torch.Tensor, bs: torch.Tensor
) -> torch.Tensor:
    """½ mean squared error of y ≈ w·x + b on a grid: (len(bs), len(ws))."""
    y = _checks.paired("x", x, "y", y)
    _checks.tensor("ws", ws, 1)
    _checks.tensor("bs", bs, 1)
    pred = ws[None, :, None] * x.reshape(1, 1, -1) + bs[:, None, None]  # (B, W, n)
    return ((pred - y.reshape(1, 1, -1)) ** 2).mean(-1) / 2


def robust_fit(
    x: torch.Tensor,
    Y: torch.Tensor,
    loss: str,
    delta: float | torch.Tensor = 1.0,
    *,
    iterations: int = 1000,
    tol: float = 1e-10,
) -> torch.Tensor:
    """Fit y ≈ w·x + b to each column of Y (n, G) by minimising the mean ``loss``; (G, 2) [w, b].

    Iteratively reweighted least squares: each step solves a weighted least-squares problem with
    weights w ∝ ψ(r)/r, ψ the loss's derivative (1 for L2, 1/|r| for L1, min(1, δ/|r|) for
    Huber), so that the quadratic ½·w·r² has the loss's slope (up to one constant factor) at the
    current residuals r: where the iteration stops, no small step lowers the mean loss (a zero
    slope; for L1 a kink, as its line passes through two points, whose weights 1/|r| a floor
    on |r| keeps finite). It stops once a step moves no fit's w or b by more than ``tol``, or
    after ``iterations`` steps; L1 creeps towards its kink, so it may need hundreds. A test
    checks the result against an exact method at every setting of the chapter's sliders.
    """
    if loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {sorted(REGRESSION_LOSSES)}, got {loss!r}")
    _checks.int_in_range("iterations", iterations, 1)
    _checks.non_negative_finite("tol", tol)
    _checks.tensor("x", x)
    _checks.tensor("Y", Y, 2)
    if Y.shape[0] != x.numel():
        raise ValueError(f"Y must have {x.numel()} rows, one per x, got shape {tuple(Y.shape)}")
    if not x.min() < x.max():
        raise ValueError("x must hold at least two different values to determine a line")
    delta = torch.as_tensor(delta, dtype=torch.float64).expand(Y.shape[1])
    if not (torch.isfinite(delta) & (delta > 0)).all():
        raise ValueError(f"delta must be a finite number > 0, got {delta.min().item()}")
    x64 = x.reshape(-1, 1).double()  # (n, 1)
    x2 = x64**2
    X1 = torch.cat([x64, torch.ones_like(x64)], 1)  # (n, 2)
    Y = Y.double()  # (n, G)
    weights, theta = torch.ones_like(Y), None
    for _ in range(1 if loss == "L2" else iterations):
        previous = theta
        # The weighted normal equations [[Σwx², Σwx], [Σwx, Σw]] θ = [Σwxy, Σwy], solved in
        # closed form for all G fits at once (a 2×2 system: Cramer's rule).
        sxx, sx, s1 = (weights * x2).sum(0), (weights * x64).sum(0), weights.sum(0)  # (G,)
        sxy, sy = (weights * x64 * Y).sum(0), (weights * Y).sum(0)
        det = sxx * s1 - sx**2
        theta = torch.stack([(s1 * sxy - sx * sy) / det, (sxx * sy - sx * sxy) / det], 1)
        if previous is not None and (theta - previous).abs().max() <= tol:
            break  # a fixed point: reweighting no longer moves any fit
        r = (Y - X1 @ theta.T).abs().clamp_min(1e-9)  # (n, G)
        weights = 1 / r if loss == "L1" else torch.clamp(delta / r, max=1.0)
    return theta.float()


# --- The models the chapters train with torch.nn (each chapter shows them in full) --------------


def softmax_net(*, seed: int) -> nn.Sequential:
    """Concise softmax regression, 784 -> 10, weights N(0, 0.01²) from ``seed``, bias 0."""
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    with torch.no_grad():
        net[1].weight.copy_(
            0.01 * torch.randn(10, 784, generator=torch.Generator().manual_seed(seed))
        )
        net[1].bias.zero_()
    return net


def mlp_net(num_hiddens: int, *, seed: int) -> nn.Sequential:
    """Concise MLP 784 -> num_hiddens (ReLU) -> 10 with PyTorch's default initialisation.

    ``nn.Linear`` draws its initial weights from the global random generator; the draw happens
    inside ``torch.random.fork_rng``, seeded with ``seed``, so the reader's random state is the
    same after the call as before it.
    """
    _checks.int_in_range("num_hiddens", num_hiddens, 1)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(
            nn.Flatten(), nn.Linear(784, num_hiddens), nn.ReLU(), nn.Linear(num_hiddens, 10)
        )


# --- Probes of the 1-D descent and of deep stacks -----------------------------------------------


def parabola(x: torch.Tensor) -> torch.Tensor:
    """f(x) = x², the function of the 1-D gradient-descent demo."""
    return x**2


def parabola_grad(x: torch.Tensor) -> torch.Tensor:
    """f'(x) = 2x, written by hand (a test checks it against autograd)."""
    return 2 * x


ACTIVATIONS = {"ReLU": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def gradient_norms(
    activation: str,
    depth: int,
    input_range: float,
    *,
    width: int = 64,
    num_examples: int = 64,
    seed: int = 0,
) -> torch.Tensor:
    """Mean norm of ∂(sum of outputs)/∂(layer input) at each layer of a deep stack, (depth,).

    The stack has ``depth`` layers, each a bias-free (width, width) weight matrix with entries
    N(0, 1/width) followed by the activation; the ``num_examples`` inputs are uniform in
    [-input_range, input_range]. Entry 0 is the gradient reaching the network's input, the last
    entry that at the last layer's input. Saturating activations shrink the gradient at every
    layer it passes back through.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    _checks.int_in_range("depth", depth, 1)
    _checks.int_in_range("width", width, 1)
    _checks.int_in_range("num_examples", num_examples, 1)
    input_range = _checks.positive_finite("input_range", input_range)
    gen = torch.Generator().manual_seed(seed)
    H = input_range * (2 * torch.rand(num_examples, width, generator=gen) - 1)  # (examples, width)
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
