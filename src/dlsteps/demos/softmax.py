"""Softmax regression on a Fashion-MNIST subset: learning rate, batch size and epochs."""

from dlsteps import data, live, models, static, training
from dlsteps.space import Slider, Space

SPACE = Space(
    Slider("lr", "learning rate", (0.01, 0.03, 0.1, 0.3, 1.0), 0.1),
    Slider("batch_size", "batch size", (128, 256, 512, 1024), 256),
    Slider("num_epochs", "epochs", tuple(range(1, 11)), 10, prefix=True),
)


def run(train, test, lr: float, batch_size: int, num_epochs: int, *, seed: int = 0):
    """Concise softmax regression on the ``data.ImageSplit``s, plain SGD; a ``training.History``.

    Divergence is recorded in the history, never raised.
    """
    SPACE.check(lr=lr, batch_size=batch_size, num_epochs=num_epochs)
    return training.fit_sgd(
        models.softmax_net(seed=seed), train, test, lr, batch_size, num_epochs, seed=seed
    )


def panel(train: data.ImageSplit, test: data.ImageSplit) -> live.LivePanel:
    return live.history_panel(SPACE, run, train, test)


def twin(train: data.ImageSplit, test: data.ImageSplit) -> static.StaticChart:
    return static.history_twin(SPACE, run, train, test)
