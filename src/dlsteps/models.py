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


# --- Classification -----------------------------------------------------------------------------


def check_labels(y: torch.Tensor, num_classes: int, name: str = "y") -> None:
    """Labels must be integer class indices in [0, num_classes - 1]; errors name ``name``."""
    if y.dtype.is_floating_point or y.dtype == torch.bool:
        raise ValueError(f"{name} must hold integer class indices, got dtype {y.dtype}")
    if y.numel() and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"{name} must be class indices in [0, {num_classes - 1}], "
            f"got values from {y.min().item()} to {y.max().item()}"
        )


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax, (batch, classes) -> (batch, classes); stable for any finite logits.

    Subtracting each row's maximum leaves the result unchanged (it cancels in the ratio) but
    keeps exp() from overflowing.
    """
    shifted = torch.exp(logits - logits.max(dim=-1, keepdim=True).values)
    return shifted / shifted.sum(dim=-1, keepdim=True)


def log_softmax(logits: torch.Tensor) -> torch.Tensor:
    """log softmax(o) = o − logsumexp(o), without ever taking the log of an underflowed 0."""
    m = logits.max(dim=-1, keepdim=True).values
    return logits - m - torch.log(torch.exp(logits - m).sum(dim=-1, keepdim=True))


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of (batch, classes) logits against (batch,) class indices."""
    check_labels(y, logits.shape[-1])
    return -log_softmax(logits)[torch.arange(len(y), device=y.device), y].mean()


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of rows whose largest logit is at the true class."""
    check_labels(y, logits.shape[-1])
    return (logits.argmax(dim=-1) == y).float().mean().item()


def init_softmax(
    num_inputs: int, num_outputs: int, *, generator: torch.Generator, sigma: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor]:
    """W ~ N(0, sigma²) of shape (inputs, outputs) and b = 0 of shape (outputs,), with grad."""
    _checks.int_in_range("num_inputs", num_inputs, 1)
    _checks.int_in_range("num_outputs", num_outputs, 2)
    W = (sigma * torch.randn(num_inputs, num_outputs, generator=generator)).requires_grad_()
    return W, torch.zeros(num_outputs, requires_grad=True)


def softmax_regression(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Logits of softmax regression: (batch, ...) flattened to (batch, inputs) -> (batch, k)."""
    return X.reshape(len(X), -1) @ W + b


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
    W1 = sigma * torch.randn(num_inputs, num_hiddens, generator=generator)
    W2 = sigma * torch.randn(num_hiddens, num_outputs, generator=generator)
    params = [W1, torch.zeros(num_hiddens), W2, torch.zeros(num_outputs)]
    return [p.requires_grad_() for p in params]


def mlp(X: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    """One hidden ReLU layer: (batch, ...) -> (batch, inputs) -> (batch, hiddens) -> logits."""
    W1, b1, W2, b2 = params
    H = relu(X.reshape(len(X), -1) @ W1 + b1)  # (batch, hiddens)
    return H @ W2 + b2  # (batch, outputs)


# --- The normal distribution and regression losses ----------------------------------------------


def normal_pdf(x: torch.Tensor, mu: float, sigma: float) -> torch.Tensor:
    """p(x) = exp(−(x − μ)² / (2σ²)) / √(2πσ²), elementwise."""
    sigma = _checks.positive_finite("sigma", sigma)
    return torch.exp(-((x - mu) ** 2) / (2 * sigma**2)) / math.sqrt(2 * math.pi * sigma**2)


def squared_error(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise (ŷ − y)²; its mean is ``nn.MSELoss``."""
    return (y_hat - y) ** 2


def absolute_error(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise |ŷ − y|; its mean is ``nn.L1Loss``."""
    return (y_hat - y).abs()


def huber(y_hat: torch.Tensor, y: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Elementwise Huber loss: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond; its mean is ``nn.HuberLoss``."""
    delta = _checks.positive_finite("delta", delta)
    r = (y_hat - y).abs()
    return torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))


REGRESSION_LOSSES = {"L2": squared_error, "L1": absolute_error, "Huber": huber}


def loss_surface(
    x: torch.Tensor, y: torch.Tensor, ws: torch.Tensor, bs: torch.Tensor
) -> torch.Tensor:
    """½ mean squared error of y ≈ w·x + b on a grid: (len(bs), len(ws))."""
    pred = ws[None, :, None] * x.reshape(1, 1, -1) + bs[:, None, None]  # (B, W, n)
    return ((pred - y.reshape(1, 1, -1)) ** 2).mean(-1) / 2


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
    if loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {sorted(REGRESSION_LOSSES)}, got {loss!r}")
    _checks.int_in_range("iterations", iterations, 1)
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
