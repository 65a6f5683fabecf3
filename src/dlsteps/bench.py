"""Benchmarks behind the performance figures the book promises: ``python -m dlsteps.bench``.

Every figure is a median over repeats measured in this one run (p90 where asked), so that
figures compared with each other share the machine's state. Nothing here asserts a time.
"""

import random
import statistics
import time
import warnings
from collections.abc import Callable

import torch

from dlsteps import data, demos, models, static, training


def _quantile(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[round(q * 100) - 1]


def slider_latency(samples: int = 40, seed: int = 0) -> dict[str, float]:
    """Linear-regression panel: seconds from a slider change to the new PNG, at random positions.

    Each sample sets learning rate, batch size and noise to random slider positions at once and
    times the final change, which reruns 3 epochs on 1,000 examples and redraws the figure.
    """
    panel = demos.linreg.panel()
    space = demos.linreg.SPACE
    rng = random.Random(seed)
    lr, bs, noise = (panel.controls[k] for k in ("lr", "batch_size", "noise"))
    times = []
    for _ in range(samples):
        with lr.hold_trait_notifications(), bs.hold_trait_notifications():
            lr.value = rng.choice(space["lr"].values)
            bs.value = rng.choice(space["batch_size"].values)
        start = time.perf_counter()
        others = [v for v in space["noise"].values if v != noise.value]
        noise.value = rng.choice(others)  # always a change: one timed redraw
        times.append(time.perf_counter() - start)
    return {"median_ms": 1e3 * statistics.median(times), "p90_ms": 1e3 * _quantile(times, 0.9)}


def static_grids() -> dict[str, dict[str, tuple[float, int]]]:
    """Per page, per static twin: seconds to compute it from real runs, and its bytes."""
    train, test = data.load_fashion_mnist(standardize=True)
    train, test = data.class_subset(train, 300), data.class_subset(test, 200)  # as the chapters
    pages: dict[str, dict[str, Callable[[], static.StaticChart]]] = {
        "linear-regression": {"lr x batch x noise x epochs": demos.linreg.twin},
        "gradient-descent": {
            "1-D descent (lr)": demos.descent.twin,
            "loss surface (lr x batch x noise)": demos.surface.twin,
        },
        "normal-and-losses": {
            "normal density (mu x sigma)": demos.normal.twin,
            "robust fits (count x size x delta)": demos.robust.twin,
        },
        "softmax-regression": {"lr x batch x epochs": lambda: demos.softmax.twin(train, test)},
        "multilayer-perceptrons": {
            "gradients (range x depth)": demos.gradients.twin,
            "hidden x lr x epochs": lambda: demos.mlp.twin(train, test),
        },
    }
    out: dict[str, dict[str, tuple[float, int]]] = {}
    for page, twins in pages.items():
        for name, make in twins.items():
            start = time.perf_counter()
            html = make()._repr_mimebundle_()["text/html"]
            out.setdefault(page, {})[name] = (time.perf_counter() - start, len(html.encode()))
    return out


def reading_speed(loader_passes: int = 3, memory_passes: int = 5) -> dict[str, float]:
    """Seconds for one pass over the 60,000 training images in batches of 256, both pipelines."""
    train, _ = data.load_fashion_mnist()
    gen = torch.Generator().manual_seed(0)
    memory, loader_timer = training.Timer(), training.Timer()
    for _ in range(memory_passes):
        with memory:
            for _batch in data.minibatches(train.X, train.y, 256, generator=gen):
                pass
    with warnings.catch_warnings():  # torch warns that 4 workers exceed 2 cores: we know
        warnings.simplefilter("ignore", UserWarning)
        loader = data.fashion_mnist_loader(batch_size=256, num_workers=4)
        for _ in range(loader_passes):
            with loader_timer:
                for _batch in loader:
                    pass
    return {"memory_s": memory.median(), "loader_s": loader_timer.median()}


def softmax_epochs(epochs: int = 5) -> dict[str, float]:
    """Concise softmax regression, batch 256: median epoch from memory vs one DataLoader epoch."""
    train, test = data.load_fashion_mnist()
    net = models.softmax_net(seed=0)
    history = training.fit_sgd(net, train, test, 0.1, 256, epochs)
    loss_fn, opt = torch.nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.1)
    loader_timer = training.Timer()
    with warnings.catch_warnings():  # 4 workers on 2 cores: torch warns, we compare anyway
        warnings.simplefilter("ignore", UserWarning)
        loader = data.fashion_mnist_loader(batch_size=256, num_workers=4)
        for _ in range(2):
            with loader_timer:
                for X, y in loader:
                    loss = loss_fn(net(X), y)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
    return {"memory_s": statistics.median(history.epoch_seconds), "loader_s": loader_timer.median()}


def mlp_epochs(epochs: int = 5) -> float:
    """Median seconds of one training epoch of the 784-256-10 MLP at batch size 256 (SGD)."""
    train, test = data.load_fashion_mnist(standardize=True)
    history = training.fit_sgd(models.mlp_net(256, seed=0), train, test, 0.1, 256, epochs)
    return statistics.median(history.epoch_seconds)


def classifier_panel_latency() -> dict[str, float]:
    """Softmax and MLP live panels (as in the chapters): seconds per redraw, every batch size
    (softmax) or width (MLP) at 10 epochs, the slowest settings included."""
    train, test = data.load_fashion_mnist(standardize=True)
    train, test = data.class_subset(train, 300), data.class_subset(test, 200)
    out = {}
    for name, panel, key in (
        ("softmax", demos.softmax.panel(train, test), "batch_size"),
        ("mlp", demos.mlp.panel(train, test), "num_hiddens"),
    ):
        control, times = panel.controls[key], []
        for _label, option in control.options:
            if option == control.value:
                continue
            start = time.perf_counter()
            control.value = option
            times.append(time.perf_counter() - start)
        out[f"{name}_median_s"], out[f"{name}_max_s"] = statistics.median(times), max(times)
    return out


def main() -> None:
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    lat = slider_latency()
    print("Linear-regression live panel, slider change -> redrawn figure (40 random positions):")
    print(
        f"  median {lat['median_ms']:.0f} ms, p90 {lat['p90_ms']:.0f} ms  (target: median <= 100)"
    )
    print("\nStatic twins, computed from real runs at build time:")
    grids = static_grids()
    for page, twins in grids.items():
        size = sum(b for _, b in twins.values())
        print(f"  {page} (page data {size / 1e3:.0f} kB)")
        for name, (seconds, nbytes) in twins.items():
            print(f"    {name:<40} {seconds:6.2f} s  {nbytes / 1e3:6.0f} kB")
    total = sum(sec for twins in grids.values() for sec, _ in twins.values())
    print(f"  total {total:.2f} s  (target: <= 10 s; each page's data <= 1 MB)")
    # Compute-only figures first: DataLoader worker processes would compete for the cores.
    lat = classifier_panel_latency()
    print("\nClassifier live panels, slider change -> redrawn figure (10 epochs on the subset):")
    for name, target in (("softmax", "  (target: <= 2 s)"), ("mlp", "")):
        print(
            f"  {name:<8} median {lat[name + '_median_s']:.2f} s, slowest "
            f"{lat[name + '_max_s']:.2f} s{target}"
        )
    print("\nMLP 784-256-10, one training epoch, batch 256, from memory:")
    print(f"  median of 5 epochs                 {mlp_epochs():.3f} s  (target: <= 0.7 s)")
    read = reading_speed()
    print("\nFashion-MNIST, one pass over 60,000 training images, batch 256:")
    print(f"  in memory (median of 5)            {read['memory_s']:.3f} s  (target: <= 0.5 s)")
    print(f"  DataLoader + ToTensor, 4 workers   {read['loader_s']:.3f} s  (median of 3)")
    ratio = read["loader_s"] / read["memory_s"]
    print(f"  in memory is {ratio:.0f}x faster  (target: >= 20x)")
    sm = softmax_epochs()
    print("\nSoftmax regression (concise), one training epoch, batch 256:")
    print(f"  from memory (median of 5 epochs)   {sm['memory_s']:.3f} s  (target: <= 0.3 s)")
    print(f"  DataLoader, 4 workers (median of 2) {sm['loader_s']:.3f} s")
    print(f"  ratio {sm['loader_s'] / sm['memory_s']:.0f}x")


if __name__ == "__main__":
    main()
