"""Property-based tests: for generated shapes and values, every public function of the core either
returns what the PyTorch oracle returns or raises ValueError/TypeError naming one of its arguments;
every demo's run function works inside its declared slider space and refuses values outside it.

Hypothesis runs with the "ci" profile set in conftest.py: derandomized, a bounded number of
examples, so that the suite is deterministic and fast.
"""

import math
import re

import ipywidgets as W
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

from dlsteps import data, demos, live, models, plots, training

FINITE = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=32)
ANY_FLOAT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -1.0, math.inf])
)


def tensors(shape, elements=FINITE):
    """A float32 tensor of ``shape`` with the given elements."""
    n = math.prod(shape)
    return st.lists(elements, min_size=n, max_size=n).map(
        lambda v: torch.tensor(v, dtype=torch.float32).reshape(shape)
    )


def raises_naming(fn, *names):
    """Call fn; if it raises, it must be ValueError/TypeError whose message names an argument."""
    try:
        return fn()
    except (ValueError, TypeError) as err:
        assert any(re.search(rf"\b{re.escape(n)}\b", str(err)) for n in names), str(err)
        return None


# --- Losses: no silent broadcasting between predictions and targets ----------------------------

SHAPES = st.sampled_from(["n", "n1", "m"])


@st.composite
def pred_and_target(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 6))
    y_hat = draw(tensors(draw(st.sampled_from([(n,), (n, 1)]))))
    y_shape = {"n": (n,), "n1": (n, 1), "m": (m, 1)}[draw(SHAPES)]
    return y_hat, draw(tensors(y_shape))


LOSSES = {
    "squared_loss": (models.squared_loss, lambda a, b: F.mse_loss(a, b, reduction="none") / 2),
    "squared_error": (models.squared_error, lambda a, b: F.mse_loss(a, b, reduction="none")),
    "absolute_error": (models.absolute_error, lambda a, b: F.l1_loss(a, b, reduction="none")),
    "huber": (models.huber, lambda a, b: F.huber_loss(a, b, reduction="none", delta=1.0)),
}


@pytest.mark.parametrize("name", LOSSES)
@given(pair=pred_and_target())
def test_elementwise_losses_pair_elements_or_refuse(name, pair):
    ours, oracle = LOSSES[name]
    y_hat, y = pair
    out = raises_naming(lambda: ours(y_hat, y), "y")
    if y.numel() != y_hat.numel():
        assert out is None  # refused: it would have broadcast to a matrix
        return
    assert out.shape == y_hat.shape and torch.isfinite(out).all()
    assert torch.allclose(out, oracle(y_hat, y.reshape(y_hat.shape)), rtol=1e-5, atol=1e-3)


@given(delta=ANY_FLOAT)
def test_huber_accepts_exactly_the_positive_finite_deltas(delta):
    y_hat, y = torch.tensor([0.0, 3.0]), torch.tensor([1.0, -2.0])
    out = raises_naming(lambda: models.huber(y_hat, y, delta), "delta")
    ok = math.isfinite(delta) and delta > 0
    assert (out is not None) == ok
    if ok:
        ref = F.huber_loss(y_hat, y, reduction="none", delta=delta)
        assert torch.allclose(out, ref, rtol=1e-5, atol=1e-6)


@given(mu=ANY_FLOAT, sigma=ANY_FLOAT)
def test_normal_pdf_equals_torch_or_names_the_bad_parameter(mu, sigma):
    x = torch.linspace(-3, 3, 7)
    out = raises_naming(lambda: models.normal_pdf(x, mu, sigma), "mu", "sigma")
    f = torch.finfo(torch.float32)  # σ must be a normal float32, μ within float32's range
    ok = math.isfinite(mu) and abs(mu) <= f.max and f.tiny <= sigma <= f.max
    assert (out is not None) == ok
    if ok:
        assert out.shape == x.shape and torch.isfinite(out).all() and (out >= 0).all()
        # The oracle in float64, where it is itself finite (for |μ|, σ near 1e19 and beyond, its
        # (x − μ)² overflows float32; ours standardises first and stays finite).
        ref = torch.distributions.Normal(torch.tensor(mu, dtype=torch.float64), sigma)
        ref = ref.log_prob(x.double()).exp()
        if torch.isfinite(ref).all():
            assert torch.allclose(out.double(), ref, rtol=1e-4, atol=1e-6)


# --- The linear model and its closed form ------------------------------------------------------


@given(
    n=st.integers(1, 5),
    d=st.integers(1, 4),
    w_shape=st.sampled_from(["ok", "flat", "wide", "short"]),
    data_=st.data(),
)
def test_linreg_equals_matmul_or_names_w(n, d, w_shape, data_):
    X = data_.draw(tensors((n, d)))
    shape = {"ok": (d, 1), "flat": (d,), "wide": (d, 2), "short": (d + 1, 1)}[w_shape]
    w, b = data_.draw(tensors(shape)), torch.tensor([0.5])
    out = raises_naming(lambda: models.linreg(X, w, b), "w")
    if w_shape != "ok":
        assert out is None
        return
    assert out.shape == (n, 1)
    assert torch.allclose(out, X @ w + b, rtol=1e-5, atol=1e-3)


@given(n=st.integers(3, 12), d=st.integers(1, 2), data_=st.data())
def test_closed_form_equals_lstsq(n, d, data_):
    X = data_.draw(tensors((n, d), st.floats(-10, 10, width=32)))
    y = data_.draw(tensors((n, 1), st.floats(-10, 10, width=32)))
    X1 = torch.cat([X, torch.ones(n, 1)], 1).double()
    assume(torch.linalg.matrix_rank(X1) == d + 1 and torch.linalg.cond(X1) < 1e3)
    w, b = models.closed_form(X, y)
    ref = torch.linalg.lstsq(X1, y.double()).solution.flatten()
    assert torch.allclose(torch.cat([w.flatten(), b]).double(), ref, rtol=1e-3, atol=1e-3)


# --- Classification ----------------------------------------------------------------------------


@st.composite
def logits_and_labels(draw):
    b, k = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    logits = draw(tensors((b, k), st.floats(-1e4, 1e4, width=32)))
    length = draw(st.sampled_from([b, b, b + 1]))
    labels = draw(st.lists(st.integers(-1, k), min_size=length, max_size=length))
    return logits, torch.tensor(labels)


@given(pair=logits_and_labels())
def test_cross_entropy_and_accuracy_equal_torch_or_name_y(pair):
    logits, y = pair
    valid = len(y) == len(logits) and bool(((y >= 0) & (y < logits.shape[1])).all())
    ce = raises_naming(lambda: models.cross_entropy(logits, y), "y")
    acc = raises_naming(lambda: models.accuracy(logits, y), "y")
    assert (ce is not None) == valid and (acc is not None) == valid
    if valid:
        assert torch.isfinite(ce)
        assert torch.allclose(ce, F.cross_entropy(logits, y), rtol=1e-5, atol=1e-4)
        assert acc == (logits.argmax(1) == y).float().mean().item()
        assert torch.allclose(models.softmax(logits), torch.softmax(logits, 1), atol=1e-6)


@given(
    k=st.integers(1, 4),
    pred=st.lists(st.integers(-1, 5), min_size=1, max_size=6),
    shift=st.integers(-1, 1),
)
def test_confusion_matrix_counts_or_blames_the_right_argument(k, pred, shift):
    pred = torch.tensor(pred)
    y = (pred.clamp(0, k - 1) + shift).clamp(-1, k)
    pred_ok = bool(((pred >= 0) & (pred < k)).all())
    y_ok = bool(((y >= 0) & (y < k)).all())
    try:
        cm = training.confusion_matrix(pred, y, k)
    except ValueError as err:
        assert not (pred_ok and y_ok)
        assert str(err).startswith("y must" if not y_ok else "pred must"), str(err)
        return
    assert pred_ok and y_ok
    ref = torch.zeros(k, k, dtype=torch.long)
    for t, p in zip(y.tolist(), pred.tolist(), strict=True):
        ref[t, p] += 1
    assert torch.equal(cm, ref)


# --- Data --------------------------------------------------------------------------------------


@given(n=st.integers(0, 30), batch_size=st.integers(-2, 40), seed=st.integers(0, 3))
def test_minibatches_partition_the_rows_or_name_batch_size(n, batch_size, seed):
    X = torch.arange(n, dtype=torch.float32).reshape(n, 1)
    gen = torch.Generator().manual_seed(seed)
    batches = raises_naming(
        lambda: list(data.minibatches(X, X[:, 0], batch_size, generator=gen)), "batch_size", "X"
    )
    if n == 0 or not 1 <= batch_size <= n:
        assert batches is None
        return
    rows = torch.cat([xb[:, 0] for xb, _ in batches])
    assert sorted(rows.tolist()) == list(range(n))
    assert (
        all(len(xb) == batch_size for xb, _ in batches[:-1]) and len(batches[-1][0]) <= batch_size
    )


@given(count=st.integers(-2, 110), size=st.one_of(st.floats(-5, 50), st.just(math.nan)))
def test_outlier_data_shifts_count_labels_by_size(count, size):
    out = raises_naming(lambda: data.outlier_data(count, size), "count", "size")
    if not (0 <= count <= data.LINE_N and math.isfinite(size) and size >= 0):
        assert out is None
        return
    _, y, idx = out
    _, clean = data.line_data([1.0], seed=0)
    assert len(idx) == count and len(set(idx.tolist())) == count
    assert torch.allclose(y - clean[:, 0], torch.zeros(len(y)).index_fill(0, idx, size))


# --- Every demo's run function over its declared space and a margin outside ---------------------


def slider_values(demo, data_):
    """One value per slider: mostly inside the declared range, sometimes just outside it."""
    values, outside = {}, []
    for s in demo.SPACE.sliders:
        kind = data_.draw(st.sampled_from(["grid", "grid", "between", "below", "above"]))
        if kind == "grid":
            v = data_.draw(st.sampled_from(s.values))
        elif kind == "between":
            v = data_.draw(st.floats(s.low, s.high))
            v = round(v) if isinstance(s.default, int) else v
        else:
            margin = (s.high - s.low) * data_.draw(st.floats(0.01, 0.5))
            v = s.low - margin if kind == "below" else s.high + margin
            v = (
                (math.floor(v) if kind == "below" else math.ceil(v))
                if isinstance(s.default, int)
                else v
            )
            outside.append(s.name)
        values[s.name] = v
    return values, outside


FAST_DEMOS = [demos.descent, demos.normal, demos.robust, demos.gradients, demos.surface]


@pytest.mark.parametrize("demo", FAST_DEMOS, ids=lambda m: m.__name__.split(".")[-1])
@given(data_=st.data())
def test_demo_runs_inside_its_space_and_refuses_values_outside(demo, data_):
    values, outside = slider_values(demo, data_)
    out = raises_naming(lambda: demo.run(**values), *outside)
    assert (out is None) == bool(outside)


@given(data_=st.data())
def test_linreg_demo_runs_inside_its_space_and_refuses_values_outside(data_):
    values, outside = slider_values(demo := demos.linreg, data_)
    values["num_epochs"] = min(values["num_epochs"], 2) if "num_epochs" not in outside else 11
    values["batch_size"] = max(values["batch_size"], 10) if "batch_size" not in outside else 0
    out = raises_naming(lambda: demo.run(**values), *outside)
    assert (out is None) == bool(outside)
    if out is not None:  # a result or the divergence marker, never NaN before divergence
        finite = torch.isfinite(out.loss[0])
        assert out.diverged_at[0] > 0 or finite.all()


@pytest.fixture(scope="module")
def tiny_images():
    gen = torch.Generator().manual_seed(0)
    y = torch.arange(1100) % 10
    X = torch.randn(1100, 1, 28, 28, generator=gen) + y[:, None, None, None] / 5
    split = data.ImageSplit(X, y)
    return split, data.ImageSplit(X[:100], y[:100])


@pytest.mark.parametrize("demo", [demos.softmax, demos.mlp], ids=["softmax", "mlp"])
def test_classifier_demos_refuse_each_value_outside_their_space(demo, tiny_images):
    train, test = tiny_images
    for s in demo.SPACE.sliders:
        for bad in (s.low - 1, s.high * 2):
            values = demo.SPACE.defaults() | {s.name: bad}
            with pytest.raises(ValueError, match=rf"^{s.name} must be between"):
                demo.run(train, test, **values)
    history = demo.run(train, test, **(demo.SPACE.defaults() | {"num_epochs": 1}))
    assert len(history.test_acc) == 1 and history.diverged_at == 0


# --- The live panel shows a bad value as its message, never a traceback -------------------------


@pytest.mark.parametrize(
    "demo", [*FAST_DEMOS, demos.linreg], ids=lambda m: m.__name__.split(".")[-1]
)
def test_live_panel_shows_an_out_of_range_value_as_its_message(demo):
    controls = {
        s.name: (W.IntText if isinstance(s.default, int) else W.FloatText)(value=s.default)
        for s in demo.SPACE.sliders
    }
    panel = live.live_panel(demo.draw, controls)
    good = panel.image.value
    for s in demo.SPACE.sliders:
        controls[s.name].value = s.high * 2 + 1
        assert f"{s.name} must be between" in panel.message.value
        assert panel.image.value == good
        controls[s.name].value = s.default
        assert "must be" not in panel.message.value


# --- Determinism: the same seed gives bitwise the same result, in this process and another -----

RUNS = {
    "linreg": "demos.linreg.run(0.03, 10, 0.5, 2).params",
    "descent": "demos.descent.run(0.9).xs",
    "surface": "demos.surface.run(0.01, 5, 2.0).params",
    "normal": "demos.normal.run(0.5, 1.25)",
    "robust": "torch.stack(list(demos.robust.run(10, 20.0, 1.5).values()))",
    "gradients": "torch.stack(list(demos.gradients.run(2.0, 6).values()))",
    "fit_linreg": "torch.cat([f.w.flatten(), f.b]).detach() if (f := training.fit_linreg("
    "*data.synthetic_linear([2.0, -3.4], 4.2, 200, 0.1, generator=torch.Generator()."
    "manual_seed(0)), training.SGDConfig(0.03, 10, 2), seed=0, progress=False)) else None",
    "mlp": "torch.tensor(training.fit_sgd(models.mlp_net(16, seed=0), *SPLITS, 0.1, 64, 2)"
    ".train_loss)",
    "softmax": "torch.tensor(training.fit_sgd(models.softmax_net(seed=0), *SPLITS, 0.1, 64, 2)"
    ".train_loss)",
}
PRELUDE = """
import hashlib, torch
from dlsteps import data, demos, models, training
_g = torch.Generator().manual_seed(1)
_y = torch.arange(300) % 10
_X = torch.randn(300, 1, 28, 28, generator=_g) + _y[:, None, None, None] / 5
SPLITS = (data.ImageSplit(_X, _y), data.ImageSplit(_X[:50], _y[:50]))
def digest(t):
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()
"""


def test_runs_are_bitwise_identical_in_one_process_and_in_two():
    import subprocess
    import sys

    scope: dict = {}
    exec(PRELUDE, scope)
    here = {
        name: [scope["digest"](eval(expr, scope)) for _ in range(2)] for name, expr in RUNS.items()
    }
    assert all(a == b for a, b in here.values()), here
    script = PRELUDE + "".join(f"print({name!r}, digest({expr}))\n" for name, expr in RUNS.items())
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    there = dict(line.split() for line in out.stdout.splitlines())
    assert there == {name: digests[0] for name, digests in here.items()}


# --- Every public function: a bad value of any one argument is refused, and named ---------------


def _images(n=20, k=10):
    return data.ImageSplit(torch.rand(n, 1, 28, 28), torch.arange(n) % k)


def _fit_args():
    X, y = torch.randn(20, 2), torch.randn(20, 1)
    return {"X": X, "y": y, "config": training.SGDConfig(0.03, 5, 1), "seed": 0, "progress": False}


def _classifier_args():
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    return {
        "net": net,
        "optimizer": torch.optim.SGD(net.parameters(), lr=0.1),
        "train": _images(),
        "test": _images(10),
        "config": training.ClassifierConfig(0.1, 5, 1),
        "progress": False,
    }


def _stepped():
    w = torch.ones(2, 1, requires_grad=True)
    (w**2).sum().backward()
    return [w]


NAN, INF = math.nan, math.inf
T = torch.tensor
# name -> (function, good arguments (a function returning a dict), {argument: bad values})
PUBLIC = {
    "data.synthetic_linear": (
        data.synthetic_linear,
        lambda: {"w": [2.0, -3.4], "b": 4.2, "num_examples": 5, "generator": torch.Generator()},
        {"w": [[], [NAN]], "b": [NAN, INF], "num_examples": [0, -1, 2.5], "noise": [-0.1, [], NAN]},
    ),
    "data.line_data": (
        data.line_data,
        lambda: {"noises": [0.0, 1.0], "seed": 0},
        {"noises": [[], [-1.0], [NAN]], "num_examples": [0, 1.5]},
    ),
    "data.minibatches": (
        lambda **kw: list(data.minibatches(**kw)),
        lambda: {"X": torch.ones(4, 2), "y": torch.ones(4), "batch_size": 2},
        {"X": [torch.ones(0, 2)], "y": [torch.ones(3)], "batch_size": [0, 5, 1.5, True]},
    ),
    "data.class_subset": (
        data.class_subset,
        lambda: {"split": _images(), "per_class": 1},
        {"per_class": [0, -1, 0.5], "split": [data.ImageSplit(torch.ones(0, 1), torch.ones(0))]},
    ),
    "data.add_outliers": (
        data.add_outliers,
        lambda: {"y": torch.zeros(5), "count": 2, "size": 3.0, "generator": torch.Generator()},
        {"count": [-1, 6, 1.0], "size": [-1.0, NAN, INF]},
    ),
    "data.outlier_data": (
        data.outlier_data,
        lambda: {"count": 5, "size": 10.0},
        {"count": [-1, data.LINE_N + 1], "size": [-0.5, NAN]},
    ),
    "data.fashion_mnist_sources": (data.fashion_mnist_sources, dict, {"root": [3, 1.5, [""]]}),
    "data.locate_fashion_mnist": (data.locate_fashion_mnist, dict, {"root": [3]}),
    "data.fashion_mnist_loader": (
        data.fashion_mnist_loader,
        lambda: {"num_workers": 0},
        {"batch_size": [0, -5], "num_workers": [-1, 0.5], "root": [7]},
    ),
    "models.init_linreg": (
        models.init_linreg,
        lambda: {"num_inputs": 2, "generator": torch.Generator()},
        {"num_inputs": [0, 2.0], "sigma": [-0.01, NAN]},
    ),
    "models.sgd": (
        models.sgd,
        lambda: {"params": _stepped(), "lr": 0.1, "batch_size": 2},
        {"params": [[torch.ones(2, requires_grad=True)]], "lr": [0, -1, NAN], "batch_size": [0]},
    ),
    "models.closed_form": (
        models.closed_form,
        lambda: {"X": torch.randn(5, 2), "y": torch.randn(5)},
        {"X": [torch.ones(5), torch.ones(0, 2), torch.ones(5, 2)], "y": [torch.ones(4)]},
    ),
    "models.check_labels": (
        models.check_labels,
        lambda: {"y": T([0, 1, 2]), "num_classes": 3},
        {"y": [T([0, 3]), T([-1]), T([0.5])], "num_classes": [0, 1.5]},
    ),
    "models.softmax": (models.softmax, lambda: {"logits": torch.ones(2, 3)}, {"logits": [[1.0]]}),
    "models.log_softmax": (
        models.log_softmax,
        lambda: {"logits": torch.ones(2, 3)},
        {"logits": [torch.ones(0, 3), "x"]},
    ),
    "models.init_softmax": (
        models.init_softmax,
        lambda: {"num_inputs": 4, "num_outputs": 3, "generator": torch.Generator()},
        {"num_inputs": [0], "num_outputs": [1, 0], "sigma": [-1.0, INF]},
    ),
    "models.softmax_regression": (
        models.softmax_regression,
        lambda: {"X": torch.ones(2, 4), "W": torch.ones(4, 3), "b": torch.ones(3)},
        {"X": [torch.ones(2, 5), torch.ones(0, 4)], "W": [torch.ones(4), torch.ones(5, 3)]},
    ),
    "models.SGD": (
        models.SGD,
        lambda: {"params": [torch.ones(2, requires_grad=True)], "lr": 0.1},
        {"lr": [0, NAN, -0.1], "momentum": [1.0, -0.5]},
    ),
    "models.relu": (models.relu, lambda: {"X": T([-1.0, 2.0])}, {"X": [[1.0], torch.ones(0)]}),
    "models.init_mlp": (
        models.init_mlp,
        lambda: {
            "num_inputs": 4,
            "num_hiddens": 3,
            "num_outputs": 2,
            "generator": torch.Generator(),
        },
        {"num_inputs": [0], "num_hiddens": [0, 1.5], "num_outputs": [-1], "sigma": [NAN]},
    ),
    "models.mlp": (
        models.mlp,
        lambda: {
            "X": torch.ones(2, 4),
            "params": models.init_mlp(4, 3, 2, generator=torch.Generator()),
        },
        {
            "X": [torch.ones(2, 5), torch.ones(0, 4)],
            "params": [
                [torch.ones(4, 3)],
                [torch.ones(4, 3), torch.ones(2), torch.ones(3, 2), torch.ones(2)],
            ],
        },
    ),
    "models.loss_surface": (
        models.loss_surface,
        lambda: {"x": torch.ones(5), "y": torch.ones(5), "ws": torch.ones(3), "bs": torch.ones(2)},
        {"y": [torch.ones(4), torch.ones(0)], "ws": [torch.ones(2, 2)], "bs": [torch.ones(0)]},
    ),
    "models.robust_fit": (
        models.robust_fit,
        lambda: {"x": torch.arange(5.0), "Y": torch.ones(5, 2), "loss": "L1"},
        {
            "x": [torch.ones(5), torch.ones(0)],
            "Y": [torch.ones(4, 2), torch.ones(5)],
            "loss": ["L3"],
            "delta": [0.0, NAN],
            "iterations": [0],
            "tol": [-1e-9, NAN],
        },
    ),
    "models.softmax_net": (models.softmax_net, lambda: {"seed": 0}, {}),
    "models.mlp_net": (
        models.mlp_net,
        lambda: {"num_hiddens": 4, "seed": 0},
        {"num_hiddens": [0, 2.5]},
    ),
    "models.gradient_norms": (
        models.gradient_norms,
        lambda: {
            "activation": "tanh",
            "depth": 3,
            "input_range": 1.0,
            "width": 4,
            "num_examples": 3,
        },
        {
            "activation": ["gelu"],
            "depth": [0],
            "input_range": [0.0, NAN],
            "width": [0],
            "num_examples": [0],
        },
    ),
    "training.SGDConfig": (
        training.SGDConfig,
        dict,
        {"lr": [0, NAN, INF], "batch_size": [0, 1.5], "num_epochs": [0]},
    ),
    "training.ClassifierConfig": (
        training.ClassifierConfig,
        dict,
        {"lr": [-1.0], "batch_size": [0], "num_epochs": [0], "schedule": ["step"]},
    ),
    "training.fit_linreg": (
        training.fit_linreg,
        _fit_args,
        {"X": [torch.ones(20)], "y": [torch.ones(19)], "config": [training.SGDConfig(0.1, 21, 1)]},
    ),
    "training.fit_linreg_concise": (
        training.fit_linreg_concise,
        _fit_args,
        {
            "X": [torch.ones(0, 2)],
            "y": [torch.ones(20, 2)],
            "config": [training.SGDConfig(0.1, 21, 1)],
        },
    ),
    "training.sgd_linreg_runs": (
        training.sgd_linreg_runs,
        lambda: {
            "X": torch.randn(20, 2),
            "Y": torch.randn(20, 2),
            "lrs": T([0.1, 0.2]),
            "batch_size": 5,
            "num_epochs": 1,
            "seed": 0,
        },
        {
            "Y": [torch.ones(20, 3), torch.ones(20)],
            "lrs": [T([0.1, -0.1]), T([0.1, NAN]), T([])],
            "batch_size": [0, 21],
            "num_epochs": [0],
            "records_per_epoch": [0],
        },
    ),
    "training.evaluate": (
        training.evaluate,
        lambda: {"net": torch.nn.Linear(2, 3), "X": torch.ones(4, 2), "y": T([0, 1, 2, 0])},
        {"X": [torch.ones(0, 2)], "y": [T([0, 1]), T([[0], [1], [2], [0]])], "batch_size": [0]},
    ),
    "training.fit_classifier": (
        training.fit_classifier,
        _classifier_args,
        {
            "train": [(torch.ones(20, 784), torch.zeros(20)), _images(20, 11)],
            "test": [data.ImageSplit(torch.ones(3, 784), torch.zeros(4, dtype=torch.long))],
            "config": [training.ClassifierConfig(0.5, 5, 1), training.ClassifierConfig(0.1, 21, 1)],
        },
    ),
    "training.fit_sgd": (
        training.fit_sgd,
        lambda: (
            {k: v for k, v in _classifier_args().items() if k in ("net", "train", "test")}
            | {"lr": 0.1, "batch_size": 5, "num_epochs": 1}
        ),
        {"lr": [0.0, NAN], "batch_size": [0, 21], "num_epochs": [0]},
    ),
    "training.confusion_matrix": (
        training.confusion_matrix,
        lambda: {"pred": T([0, 1]), "y": T([1, 1]), "num_classes": 2},
        {"pred": [T([0, 2]), T([0])], "y": [T([-1, 0])], "num_classes": [0]},
    ),
    "training.descend_1d": (
        training.descend_1d,
        lambda: {"lr": 0.1},
        {"lr": [0.0, -0.1, INF], "x0": [NAN, 1e300], "num_steps": [0, 2.5]},
    ),
    "plots.draw_network": (
        plots.draw_network,
        lambda: {"layers": (["x1", "x2"], ["o"])},
        {"layers": [(["x1"],), (["x1"], [])], "names": [["in"]]},
    ),
    "plots.show_images": (
        plots.show_images,
        lambda: {"images": torch.rand(3, 28, 28)},
        {"images": [torch.rand(3, 784), torch.ones(0, 28, 28)], "titles": [["a"]], "ncols": [0]},
    ),
    "plots.draw_confusion": (
        plots.draw_confusion,
        lambda: {"cm": torch.ones(2, 2, dtype=torch.long), "classes": ["a", "b"]},
        {"cm": [torch.ones(2, 3), torch.ones(3, 3)]},
    ),
    "plots.activation_curves": (
        plots.activation_curves,
        dict,
        {"x_max": [0.0, NAN], "points": [1, 2.5]},
    ),
    "plots.draw_descent": (
        plots.draw_descent,
        lambda: {"run": training.descend_1d(0.1)},
        {"xlim": [0.0, -1.0, NAN]},
    ),
    "plots.draw_densities": (
        plots.draw_densities,
        lambda: {"params": {"N(0, 1)": (0.0, 1.0)}},
        {"x_max": [0.0, INF]},
    ),
    "plots.draw_sgd_run": (
        plots.draw_sgd_run,
        lambda: {"runs": demos.linreg.run(0.03, 10, 0.01, 1)},
        {"g": [-1, 1, 0.5]},
    ),
    "plots.zero_floor": (
        plots.zero_floor,
        lambda: {"loss": T([16.0, 1e-13, 0.0])},
        {"loss": [[16.0, 0.0], torch.ones(0), torch.ones(2, 2)]},
    ),
}

# Public names that take nothing a caller can get wrong (records of results, exceptions), or whose
# boundary is the property tests above (the losses, linreg, normal_pdf, cross-entropy, ...).
TESTED_ABOVE = {
    "models.linreg", "models.squared_loss", "models.squared_error", "models.absolute_error",
    "models.huber", "models.normal_pdf", "models.cross_entropy", "models.accuracy",
}  # fmt: skip
NO_ARGUMENTS_TO_CHECK = {
    "data.DataNotFoundError", "data.CorruptFileError", "data.ImageSplit", "data.torchvision_cache",
    "data.fashion_mnist_root", "data.load_fashion_mnist",  # their root: fashion_mnist_sources
    "models.parabola", "models.parabola_grad",  # x² and 2x of any tensor
    "training.Timer", "training.LinRegFit", "training.SGDRuns", "training.History",
    "training.Descent1D",  # records of results
    "plots.plot_curves", "plots.divergence_note", "plots.plot_history", "plots.draw_activations",
    "plots.draw_gradient_norms", "plots.draw_robust_fits", "plots.draw_surface_paths",  # draw
}  # fmt: skip


def test_every_public_function_of_the_core_is_covered():
    import inspect

    public = {
        f"{mod.__name__.split('.')[-1]}.{name}"
        for mod in (data, models, training, plots)
        for name, obj in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == mod.__name__
    }
    covered = set(PUBLIC) | TESTED_ABOVE | NO_ARGUMENTS_TO_CHECK
    assert public - covered == set(), "add these to PUBLIC (with their bad values)"
    assert covered - public == set(), "these are no longer public"


def _call(name, **override):
    fn, good, _ = PUBLIC[name]
    kwargs = good() | override
    if name == "plots.draw_network":
        return fn(*kwargs.pop("layers"), **kwargs)
    return fn(**kwargs)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_function_accepts_its_good_arguments(name):
    import matplotlib.pyplot as plt

    assert _call(name) is not None or name == "models.check_labels" or name == "models.sgd"
    plt.close("all")


@pytest.mark.parametrize("name", [n for n, (_, _, bad) in PUBLIC.items() if bad])
@given(data_=st.data())
def test_public_function_refuses_a_bad_argument_naming_it(name, data_):
    import matplotlib.pyplot as plt

    bad = PUBLIC[name][2]
    arg = data_.draw(st.sampled_from(sorted(bad)))
    value = data_.draw(st.sampled_from(bad[arg]))
    with pytest.raises((ValueError, TypeError)) as err:
        _call(name, **{arg: value})
    plt.close("all")
    message = str(err.value)
    assert re.search(rf"\b{re.escape(arg)}\b", message), message
