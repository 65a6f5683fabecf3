"""Classification helpers against PyTorch: softmax, cross-entropy, SGD, training, evaluation."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlsteps import data, demos, models, plots, training

EXTREME = torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4 + 1], [3.0, 1.0, 0.2]])


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("logits", [EXTREME, EXTREME[:1], torch.randn(64, 10, generator=gen())])
def test_stable_softmax_equals_torch(logits):
    assert torch.allclose(models.softmax(logits), torch.softmax(logits, -1), atol=1e-7)
    assert torch.allclose(models.log_softmax(logits), torch.log_softmax(logits, -1), atol=1e-5)
    assert torch.isfinite(models.log_softmax(logits)).all()


@pytest.mark.parametrize("logits", [EXTREME, torch.randn(64, 10, generator=gen())])
@pytest.mark.parametrize(
    "ours, theirs", [(models.softmax, torch.softmax), (models.log_softmax, torch.log_softmax)]
)
def test_softmax_gradients_equal_torch(logits, ours, theirs):
    """The backward pass through the stable softmax and log-softmax, as through PyTorch's."""
    weights = torch.randn(logits.shape, generator=gen(2))  # a loss that uses every output
    a, b = logits.clone().requires_grad_(), logits.clone().requires_grad_()
    (ours(a) * weights).sum().backward()
    (theirs(b, -1) * weights).sum().backward()
    assert torch.isfinite(a.grad).all()
    assert torch.allclose(a.grad, b.grad, atol=1e-5)


def test_naive_softmax_would_overflow():
    naive = torch.exp(EXTREME) / torch.exp(EXTREME).sum(-1, keepdim=True)
    assert torch.isnan(naive[0]).any() and torch.isfinite(models.softmax(EXTREME)).all()


@pytest.mark.parametrize("logits", [EXTREME, EXTREME[1:2], torch.randn(64, 10, generator=gen())])
def test_cross_entropy_and_its_gradient_equal_torch(logits):
    y = torch.randint(0, logits.shape[1], (len(logits),), generator=gen(1))
    ours = logits.clone().requires_grad_()
    theirs = logits.clone().requires_grad_()
    loss = models.cross_entropy(ours, y)
    ref = F.cross_entropy(theirs, y)
    assert torch.allclose(loss, ref, rtol=1e-6, atol=1e-6)
    loss.backward()
    ref.backward()
    assert torch.allclose(ours.grad, theirs.grad, atol=1e-7)
    onehot = F.one_hot(y, logits.shape[1]).float()  # gradient = (softmax(o) − y) / batch
    assert torch.allclose(ours.grad, (models.softmax(logits) - onehot) / len(y), atol=1e-7)


@pytest.mark.parametrize(
    "bad", [torch.tensor([0, 10]), torch.tensor([-1, 2]), torch.tensor([0.0, 1.0])]
)
def test_labels_out_of_range_are_rejected(bad):
    logits = torch.zeros(2, 10)
    with pytest.raises(ValueError, match="y must"):
        models.cross_entropy(logits, bad)
    with pytest.raises(ValueError, match="y must"):
        models.accuracy(logits, bad)


def test_accuracy_and_confusion_matrix():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0], [0.0, 1.0]])
    y = torch.tensor([0, 1, 1, 1])
    assert models.accuracy(logits, y) == 0.75
    cm = training.confusion_matrix(logits.argmax(-1), y, 2)
    assert cm.tolist() == [[1, 0], [1, 2]]
    with pytest.raises(ValueError, match=r"class indices in \[0, 1\]"):
        training.confusion_matrix(torch.tensor([0, 2]), torch.tensor([0, 1]), 2)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_scratch_sgd_equals_torch_optim_sgd(momentum):
    w0 = torch.randn(5, 3, generator=gen())
    ours, theirs = w0.clone().requires_grad_(), w0.clone().requires_grad_()
    opt_a = models.SGD([ours], lr=0.1, momentum=momentum)
    opt_b = torch.optim.SGD([theirs], lr=0.1, momentum=momentum)
    X = torch.randn(8, 5, generator=gen(1))
    for _ in range(3):
        for w, opt in ((ours, opt_a), (theirs, opt_b)):
            opt.zero_grad()
            (X @ w).pow(2).mean().backward()
            opt.step()
    assert torch.allclose(ours, theirs, atol=1e-6)
    with pytest.raises(ValueError, match="lr must be a finite number > 0, got -1"):
        models.SGD([ours], lr=-1)


def test_softmax_regression_equals_nn_linear():
    W, b = models.init_softmax(784, 10, generator=gen())
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    with torch.no_grad():
        net[1].weight.copy_(W.T)
        net[1].bias.copy_(b)
    X = torch.randn(4, 1, 28, 28, generator=gen(1))
    assert torch.allclose(models.softmax_regression(X, W, b), net(X), atol=1e-5)


def blobs(n=600, seed=0):
    """Three well-separated Gaussian classes in 2-D."""
    g = gen(seed)
    y = torch.arange(n) % 3
    centres = torch.tensor([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    return data.ImageSplit(centres[y] + torch.randn(n, 2, generator=g), y)


def test_fit_classifier_learns_and_records_history():
    train, test = blobs(), blobs(seed=1)
    net = nn.Linear(2, 3)
    config = training.ClassifierConfig(lr=0.1, batch_size=32, num_epochs=5)
    hist = training.fit_classifier(
        net, torch.optim.SGD(net.parameters(), lr=0.1), train, test, config, progress=False
    )
    assert len(hist.test_acc) == 5 and hist.test_acc[-1] > 0.95 and hist.diverged_at == 0
    assert hist.train_loss[-1] < hist.train_loss[0]


def test_fit_classifier_reports_divergence():
    train = blobs()
    train = data.ImageSplit(train.X * 1e30, train.y)  # logits overflow float32 after a step
    net = nn.Linear(2, 3)
    config = training.ClassifierConfig(lr=1.0, batch_size=32, num_epochs=3)
    hist = training.fit_classifier(
        net, torch.optim.SGD(net.parameters(), lr=1.0), train, train, config, progress=False
    )
    assert 1 < hist.diverged_at <= 3 * 10 and len(hist.test_acc) < 3


def test_classifier_config_checks_and_cosine_schedule():
    config = training.ClassifierConfig(lr=0.1, schedule="cosine")
    assert config.lr_at(0, 100) == pytest.approx(0.1) and config.lr_at(100, 100) < 1e-9
    with pytest.raises(ValueError, match="schedule must be 'constant' or 'cosine'"):
        training.ClassifierConfig(schedule="step")
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        training.ClassifierConfig(batch_size=0)


def test_scratch_relu_and_mlp_equal_their_nn_versions():
    X = torch.randn(6, 1, 28, 28, generator=gen())
    assert torch.equal(models.relu(X), nn.ReLU()(X))
    params = models.init_mlp(784, 32, 10, generator=gen(1))
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
    with torch.no_grad():
        net[1].weight.copy_(params[0].T)
        net[1].bias.copy_(torch.randn(32, generator=gen(2)))
        params[1].copy_(net[1].bias)
        net[3].weight.copy_(params[2].T)
        net[3].bias.copy_(params[3])
    assert torch.allclose(models.mlp(X, params), net(X), atol=1e-5)


@pytest.mark.parametrize("bad", [0, -3])
def test_hidden_units_below_one_are_rejected(bad):
    with pytest.raises(ValueError, match=f"num_hiddens must be >= 1, got {bad}"):
        models.init_mlp(784, bad, 10, generator=gen())
    with pytest.raises(ValueError, match=f"num_hiddens must be >= 1, got {bad}"):
        models.mlp_net(bad, seed=0)


def test_gradients_vanish_through_sigmoid_but_not_relu():
    sig = models.gradient_norms("sigmoid", 10, 2.0)
    relu = models.gradient_norms("ReLU", 10, 2.0)
    assert sig.shape == (10,) and sig[0] < 1e-3 * sig[-1]
    assert relu[0] > 1e-2 * relu[-1]
    # saturation: wider inputs shrink tanh's gradient at the input layer
    assert models.gradient_norms("tanh", 10, 8.0)[0] < models.gradient_norms("tanh", 10, 1.0)[0]
    with pytest.raises(ValueError, match="activation must be one of"):
        models.gradient_norms("softplus", 3, 1.0)
    with pytest.raises(ValueError, match="depth must be >= 1, got 0"):
        models.gradient_norms("tanh", 0, 1.0)


def test_activation_derivatives_come_from_autograd():
    curves = plots.activation_curves(4.0, points=9)
    sig = curves[curves.activation == "sigmoid"]
    s = torch.sigmoid(torch.tensor(sig.x.to_numpy()))
    assert torch.allclose(torch.tensor(sig.derivative.to_numpy()), s * (1 - s), atol=1e-6)


def test_mlp_demo_learns_on_blobs():
    train, test = blobs(), blobs(seed=1)
    hist = demos.mlp.run(
        data.ImageSplit(train.X.repeat(1, 392), train.y),
        data.ImageSplit(test.X.repeat(1, 392), test.y),
        16,
        0.05,
        3,
    )
    assert hist.test_acc[-1] > 0.9


def test_fit_classifier_leaves_the_learning_rate_to_the_callers_scheduler():
    """With a constant schedule the loop never writes lr: a caller's scheduler keeps working."""
    train, test = blobs(), blobs(seed=1)
    net = nn.Linear(2, 3)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.register_step_post_hook(lambda *_: scheduler.step())  # halve lr after every step
    config = training.ClassifierConfig(lr=0.1, batch_size=100, num_epochs=2)  # 6 steps an epoch
    training.fit_classifier(net, opt, train, test, config, progress=False)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5**12)


def test_fit_classifier_rejects_an_optimizer_at_another_learning_rate():
    train, test = blobs(), blobs(seed=1)
    net = nn.Linear(2, 3)
    config = training.ClassifierConfig(lr=0.1, batch_size=32, num_epochs=1)
    with pytest.raises(ValueError, match=r"optimizer lr must equal config\.lr = 0\.1, got 0\.5"):
        training.fit_classifier(
            net, torch.optim.SGD(net.parameters(), lr=0.5), train, test, config, progress=False
        )


def test_fit_classifier_restores_lr_after_a_cosine_schedule():
    train, test = blobs(), blobs(seed=1)
    net = nn.Linear(2, 3)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    config = training.ClassifierConfig(lr=0.1, batch_size=32, num_epochs=2, schedule="cosine")
    seen = []
    opt.register_step_pre_hook(lambda o, *_: seen.append(o.param_groups[0]["lr"]))
    training.fit_classifier(net, opt, train, test, config, progress=False)
    total = 2 * 19  # 600 examples in batches of 32
    assert seen == pytest.approx([config.lr_at(k, total) for k in range(total)])
    assert opt.param_groups[0]["lr"] == 0.1


def test_training_runs_in_train_mode_and_evaluation_in_eval_mode():
    train, test = blobs(), blobs(seed=1)
    net = nn.Sequential(nn.Dropout(0.5), nn.Linear(2, 3))
    modes = []
    net.register_forward_pre_hook(lambda m, _: modes.append(m.training))
    net.eval()  # left in eval mode by the caller: fitting must still train with dropout on
    config = training.ClassifierConfig(lr=0.1, batch_size=100, num_epochs=1)
    training.fit_classifier(
        net, torch.optim.SGD(net.parameters(), lr=0.1), train, test, config, progress=False
    )
    assert modes == [True] * 6 + [False]  # 6 training steps, then one evaluation batch
    net.train()
    first = training.evaluate(net, test.X, test.y)
    assert all(training.evaluate(net, test.X, test.y) == first for _ in range(5))  # no dropout
    assert net.training  # put back in the mode it was in


def test_evaluate_rejects_empty_and_mismatched_inputs():
    net = nn.Linear(2, 3)
    with pytest.raises(ValueError, match=r"X must hold at least one number, got shape \(0, 2\)"):
        training.evaluate(net, torch.zeros(0, 2), torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match=r"y must be 1-D with 4 labels to match X, got \(3,\)"):
        training.evaluate(net, torch.zeros(4, 2), torch.zeros(3, dtype=torch.long))


def test_labels_beyond_the_nets_outputs_are_named():
    train = blobs()
    train = data.ImageSplit(train.X, train.y + 2)  # classes 2..4, but the net has 3 outputs
    net = nn.Linear(2, 3)
    config = training.ClassifierConfig(lr=0.1, batch_size=32, num_epochs=1)
    with pytest.raises(ValueError, match=r"train.y must be class indices in \[0, 2\]"):
        training.fit_classifier(
            net,
            torch.optim.SGD(net.parameters(), lr=0.1),
            train,
            blobs(seed=1),
            config,
            loss_fn=nn.CrossEntropyLoss(),
            progress=False,
        )


def test_confusion_matrix_names_the_argument_that_is_wrong():
    y = torch.tensor([0, 1, 2])
    with pytest.raises(ValueError, match=r"pred must be class indices in \[0, 2\]"):
        training.confusion_matrix(torch.tensor([0, 1, 3]), y, 3)
    with pytest.raises(ValueError, match=r"y must be class indices in \[0, 2\]"):
        training.confusion_matrix(y, torch.tensor([0, 1, 3]), 3)


def test_mlp_net_leaves_the_global_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    a = models.mlp_net(8, seed=0)
    assert torch.equal(torch.rand(3), expected)  # the reader's next draw is unchanged
    b = models.mlp_net(8, seed=0)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_divergence_has_one_marker_zero_for_never():
    train, test = blobs(), blobs(seed=1)
    net = nn.Linear(2, 3)
    config = training.ClassifierConfig(lr=0.1, batch_size=32, num_epochs=1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    records = [
        training.fit_classifier(net, opt, train, test, config, progress=False),
        training.descend_1d(0.1),
        training.fit_linreg(train.X, train.y.float(), training.SGDConfig(), seed=0, progress=False),
    ]
    assert [r.diverged_at for r in records] == [0, 0, 0]
    assert all(type(r.diverged_at) is int for r in records)
    runs = training.sgd_linreg_runs(
        train.X, train.y.float()[:, None].repeat(1, 2), torch.tensor([0.1, 1e6]), 10, 1, seed=0
    )
    assert runs.diverged_at[0] == 0 and runs.diverged_at[1] > 0


def test_accuracy_and_cross_entropy_refuse_mismatched_lengths_naming_y():
    logits, y = torch.randn(4, 3), torch.tensor([0, 1, 2])
    for fn in (models.accuracy, models.cross_entropy):
        with pytest.raises(
            ValueError, match=r"^y must have 4 labels, one per row of logits, got 3"
        ):
            fn(logits, y)
