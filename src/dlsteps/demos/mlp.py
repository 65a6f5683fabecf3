"""A one-hidden-layer MLP on a Fashion-MNIST subset: hidden units, learning rate and epochs."""

from dlsteps import data, live, models, static, training
from dlsteps.space import Slider, Space

SPACE = Space(
    Slider("num_hiddens", "hidden units", (4, 32, 256), 32),
    Slider("lr", "learning rate", (0.01, 0.03, 0.1, 0.3), 0.1),
    Slider("num_epochs", "epochs", tuple(range(1, 11)), 10, prefix=True),
)
BATCH_SIZE = 128  # fixed: the panel explores width and learning rate


def run(train, test, num_hiddens: int, lr: float, num_epochs: int, *, seed: int = 0):
    """The concise MLP on the ``data.ImageSplit``s, plain SGD; a ``training.History``.

    Divergence is recorded in the history, never raised.
    """
    SPACE.check(num_hiddens=num_hiddens, lr=lr, num_epochs=num_epochs)
    net = models.mlp_net(num_hiddens, seed=seed)
    return training.fit_sgd(net, train, test, lr, BATCH_SIZE, num_epochs, seed=seed)


def panel(train: data.ImageSplit, test: data.ImageSplit) -> live.LivePanel:
    return live.history_panel(SPACE, run, train, test)


def twin(train: data.ImageSplit, test: data.ImageSplit) -> static.StaticChart:
    return static.history_twin(SPACE, run, train, test)
