"""Linear-regression helpers, each checked against PyTorch on tiny seeded inputs."""

import math

import pytest
import torch
from torch import nn

from dlsteps import data, models, training


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture
def linear_data() -> tuple[torch.Tensor, torch.Tensor]:
    return data.synthetic_linear([2.0, -3.4], 4.2, 1000, 0.01, generator=gen())


def test_synthetic_linear_shapes_and_noise(linear_data):
    X, y = linear_data
    assert X.shape == (1000, 2) and y.shape == (1000, 1)
    residual = y - (X @ torch.tensor([[2.0], [-3.4]]) + 4.2)
    assert abs(residual.std().item() - 0.01) < 0.001


def test_minibatches_cover_every_example_once():
    X = torch.arange(23.0).reshape(23, 1)
    batches = list(data.minibatches(X, X.clone(), 5, generator=gen()))
    assert [len(xb) for xb, _ in batches] == [5, 5, 5, 5, 3]  # the last batch is kept, smaller
    seen = torch.cat([xb for xb, _ in batches]).flatten()
    assert sorted(seen.tolist()) == list(range(23)) and seen.tolist() != list(range(23))
    assert all(torch.equal(xb, yb) for xb, yb in batches)  # features stay with their labels


def test_squared_loss_is_half_mse():
    y_hat, y = torch.randn(7, 1, generator=gen()), torch.randn(7, generator=gen(1))
    assert torch.allclose(models.squared_loss(y_hat, y).mean() * 2, nn.MSELoss()(y_hat, y[:, None]))


def test_sgd_step_equals_torch_optim_sgd():
    w = torch.randn(3, 1, generator=gen(), requires_grad=True)
    w_ref = w.detach().clone().requires_grad_()
    X, y = torch.randn(4, 3, generator=gen(1)), torch.randn(4, 1, generator=gen(2))
    models.squared_loss(X @ w, y).sum().backward()
    models.sgd([w], lr=0.1, batch_size=4)
    opt = torch.optim.SGD([w_ref], lr=0.1)
    models.squared_loss(X @ w_ref, y).mean().backward()
    opt.step()
    assert torch.allclose(w, w_ref, atol=1e-6)
    assert torch.equal(w.grad, torch.zeros_like(w))  # gradients are zeroed for the next step


def test_closed_form_equals_lstsq(linear_data):
    X, y = linear_data
    w, b = models.closed_form(X, y)
    X1 = torch.cat([X, torch.ones(len(X), 1)], dim=1)
    ref = torch.linalg.lstsq(X1.double(), y.double()).solution.float()
    assert torch.allclose(torch.cat([w.flatten(), b]), ref.flatten(), atol=1e-5)


@pytest.mark.parametrize("fit_fn", [training.fit_linreg, training.fit_linreg_concise])
def test_fits_recover_true_parameters(linear_data, fit_fn):
    X, y = linear_data
    fit = fit_fn(
        X, y, training.SGDConfig(lr=0.03, batch_size=10, num_epochs=3), seed=0, progress=False
    )
    assert fit.diverged_at == 0 and len(fit.epoch_losses) == 3
    assert torch.allclose(fit.w.flatten(), torch.tensor([2.0, -3.4]), atol=0.01)
    assert abs(fit.b.item() - 4.2) < 0.01
    assert fit.epoch_losses[-1] < 1e-3


def test_fit_reports_divergence_instead_of_raising(linear_data):
    X, y = linear_data
    fit = training.fit_linreg(
        X, y, training.SGDConfig(lr=50.0, batch_size=10, num_epochs=3), seed=0, progress=False
    )
    assert 1 < fit.diverged_at <= 300


def test_batched_runs_equal_the_autograd_loop(linear_data):
    X, y = linear_data
    Y = torch.cat([y, 2 * y], dim=1)  # two runs on different labels, two rates
    runs = training.sgd_linreg_runs(X, Y, torch.tensor([0.03, 0.01]), 10, 3, seed=0)
    for g, lr in enumerate([0.03, 0.01]):
        fit = training.fit_linreg(
            X, Y[:, g : g + 1], training.SGDConfig(lr, 10, 3), seed=0, progress=False
        )
        final = runs.params[g, -1]
        assert torch.allclose(final, torch.cat([fit.w.flatten(), fit.b]).detach(), atol=1e-5)
        epoch_ends = runs.loss[g, 10::10]
        assert torch.allclose(epoch_ends, torch.tensor(fit.epoch_losses), rtol=1e-4, atol=1e-7)
    assert runs.loss.shape == (2, 31) and runs.epochs[-1] == 3


def test_batched_runs_mark_divergence_and_keep_the_others(linear_data):
    X, y = linear_data
    runs = training.sgd_linreg_runs(X, y.repeat(1, 2), torch.tensor([0.03, 10.0]), 128, 3, seed=0)
    assert runs.diverged_at.tolist()[0] == 0 and runs.diverged_at[1] > 0
    assert torch.isfinite(runs.loss[0]).all() and torch.isnan(runs.loss[1, -1])
    fit = training.fit_linreg(X, y, training.SGDConfig(10.0, 128, 3), seed=0, progress=False)
    assert fit.diverged_at == runs.diverged_at[1].item()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0.0}, "lr must be a finite number > 0, got 0.0"),
        ({"lr": -0.1}, "lr must be a finite number > 0, got -0.1"),
        ({"lr": math.inf}, "lr must be a finite number > 0, got inf"),
        ({"lr": math.nan}, "lr must be a finite number > 0"),
        ({"batch_size": 0}, "batch_size must be >= 1, got 0"),
        ({"num_epochs": 0}, "num_epochs must be >= 1, got 0"),
    ],
)
def test_config_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.SGDConfig(**kwargs)


def test_bad_data_is_rejected_before_any_work(linear_data):
    X, y = linear_data
    config = training.SGDConfig()
    with pytest.raises(ValueError, match=r"batch_size must be between 1 and 1000, got 5000"):
        training.fit_linreg(X, y, training.SGDConfig(batch_size=5000), seed=0)
    with pytest.raises(ValueError, match=r"y must have shape \(1000,\) or \(1000, 1\)"):
        training.fit_linreg(X, y[:999], config, seed=0)
    with pytest.raises(ValueError, match="X must hold at least one example"):
        training.fit_linreg(X[:0], y[:0], config, seed=0)
    with pytest.raises(ValueError, match="X must be a 2-D tensor"):
        models.closed_form(X.flatten(), y)
    with pytest.raises(ValueError, match="noise must be a finite number >= 0, got -1"):
        data.synthetic_linear([1.0], 0.0, 10, -1, generator=gen())
    with pytest.raises(ValueError, match=r"lrs\[0\] must be a finite number > 0"):
        training.sgd_linreg_runs(X, y, torch.tensor([-1.0]), 10, 1, seed=0)


def test_timer_records_and_needs_a_record():
    timer = training.Timer()
    with pytest.raises(ValueError, match="no recorded times"):
        timer.median()
    for _ in range(3):
        with timer:
            sum(range(1000))
    assert len(timer.times) == 3 and timer.median() > 0


def test_concise_fit_records_half_the_mean_squared_error_like_the_scratch_fit(linear_data):
    X, y = linear_data
    fit = training.fit_linreg_concise(X, y, training.SGDConfig(), seed=0, progress=False)
    half_mse = ((X @ fit.w + fit.b - y) ** 2).mean().item() / 2
    assert fit.epoch_losses[-1] == pytest.approx(half_mse, rel=1e-5)


@pytest.mark.parametrize(
    ("w", "message"),
    [
        (torch.ones(2), r"^w must be 2-D, got shape \(2,\)"),
        (torch.ones(3, 1), r"^w must have shape \(2, 1\) to match X, got \(3, 1\)"),
        (torch.ones(2, 2), r"^w must have shape \(2, 1\) to match X, got \(2, 2\)"),
    ],
)
def test_linreg_names_a_mis_shaped_w(w, message):
    with pytest.raises(ValueError, match=message):
        models.linreg(torch.ones(5, 2), w, torch.zeros(1))


def test_closed_form_refuses_data_that_cannot_determine_a_line():
    with pytest.raises(ValueError, match=r"^X must determine w and b"):
        models.closed_form(torch.ones(5, 1), torch.arange(5.0))  # constant feature: b or w?


def test_a_finite_loss_is_recorded_finite_however_large():
    """lr 3 with batches of 200: the loss climbs to about 1e35 and stays finite in float32, but
    a float32 sum of its 1,000 squares overflowed, so the last record was inf and the twin
    dropped it; every curve of the twin is now whole, or marked diverged."""
    from dlsteps.demos import linreg

    run = linreg.run(3.0, 200, 0.01, 10)
    assert run.diverged_at[0] == 0 and torch.isfinite(run.loss[0]).all()
    assert run.loss[0, -1] > 1e34
    for row in linreg.grid().itertuples():
        assert len(row.loss) == 10 * linreg.RECORDS_PER_EPOCH + 1 or row.diverged_at > 0, row


@pytest.mark.parametrize("batch_size", [5, 10, 200])
def test_a_run_gives_the_same_numbers_alone_or_beside_other_runs(batch_size):
    """The static twin trains a slider's runs side by side, the live panel and the page one at a
    time. Without noise the last float32 digits decide where a run ends, and a matrix product
    over all the runs rounded differently for different numbers of runs: lr 0.03, batch 10 ended
    at 1.65e-11 in the twin but 1.39e-11 alone, and lr 0.3 reached a loss of exactly 0 alone
    only."""
    lrs, noises = [0.003, 0.03, 0.3, 1.0, 10.0], [0.0, 0.01, 1.0]
    X, Y = data.synthetic_linear([2.0, -3.4], 4.2, 1000, noises, generator=gen())
    Y = Y.repeat_interleave(len(lrs), dim=1)  # (n, noises × lrs), as the demo's grid
    rates = torch.tensor(lrs).repeat(len(noises))
    together = training.sgd_linreg_runs(X, Y, rates, batch_size, 3, seed=0, records_per_epoch=5)
    for g in range(len(rates)):
        alone = training.sgd_linreg_runs(
            X, Y[:, g : g + 1], rates[g : g + 1], batch_size, 3, seed=0, records_per_epoch=5
        )
        exactly = {"rtol": 0, "atol": 0, "equal_nan": True}
        torch.testing.assert_close(alone.loss[0], together.loss[g], **exactly)
        torch.testing.assert_close(alone.params[0], together.params[g], **exactly)
        assert alone.diverged_at[0] == together.diverged_at[g]
