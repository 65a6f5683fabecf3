"""Slider demos, the interactive half: a live panel for Jupyter/Colab, a static twin for the book.

Only ipywidgets API common to 7.7 (Colab) and 8 is used. The panel draws into an ``Image``
widget, so it needs no matplotlib backend of its own and looks the same in every front end.
Sliders report a value only when released (``continuous_update=False``): dragging starts one
run, not dozens.
"""

import html
import io
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import ipywidgets as W
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlsteps import data, demos, plots


@dataclass
class LivePanel:
    """Sliders, one figure redrawn in place, and a message line; ``redraw()`` reruns the demo."""

    controls: Mapping[str, W.ValueWidget]
    draw: Callable[..., object]  # draw(ax, **slider_values): runs the demo and draws on ax
    figure: Figure
    image: W.Image
    message: W.HTML
    note: str = ""

    def redraw(self, _change: object = None) -> None:
        """Run and draw with the current slider values; a bad value shows its message instead."""
        kwargs = {name: c.value for name, c in self.controls.items()}
        ax = self.figure.axes[0]
        try:
            ax.clear()
            self.draw(ax, **kwargs)
        except ValueError as err:
            self.message.value = f"<b style='color:#b00'>{html.escape(str(err))}</b>"
            return
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        self.image.value = buf.getvalue()
        self.message.value = html.escape(self.note)

    def widget(self) -> W.VBox:
        return W.VBox([W.HBox(list(self.controls.values())), self.message, self.image])

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget())


def live_panel(
    draw: Callable[..., object],
    controls: Mapping[str, W.ValueWidget],
    note: str = "",
    figsize: tuple[float, float] = (6.0, 3.5),
) -> LivePanel:
    """Wire ``controls`` (argument name -> slider) to ``draw(ax, **values)`` and draw once.

    The panel keeps one figure with fixed margins and redraws its axes in place: creating a
    figure and laying it out again would double the time from slider to picture.
    """
    figure = Figure(figsize=figsize, dpi=80)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.14, right=0.97, bottom=0.14, top=0.9)
    figure.add_subplot()
    panel = LivePanel(dict(controls), draw, figure, W.Image(format="png"), W.HTML(), note)
    for control in panel.controls.values():
        control.continuous_update = False  # debounce: one run when the slider is released
        control.observe(panel.redraw, names="value")
    panel.redraw()
    return panel


def draw_linreg(ax: Axes, lr: float, batch_size: int, noise: float, num_epochs: int) -> Axes:
    """Run the linear-regression demo with these slider values and draw it on ``ax``."""
    return plots.draw_sgd_run(demos.run_linreg(lr, batch_size, noise, num_epochs), ax=ax)


def linreg_panel() -> LivePanel:
    """Live panel: learning rate (log scale), batch size, noise σ and epochs."""
    style = {"description_width": "initial"}
    return live_panel(
        draw_linreg,
        {
            "lr": W.FloatLogSlider(
                value=0.03,
                base=10,
                min=-3,
                max=1,
                step=0.25,
                description="learning rate",
                style=style,
            ),
            "batch_size": W.SelectionSlider(
                options=[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
                value=10,
                description="batch size",
                style=style,
            ),
            "noise": W.FloatSlider(
                value=0.01, min=0.0, max=2.0, step=0.01, description="noise σ", style=style
            ),
            "num_epochs": W.IntSlider(value=3, min=1, max=10, description="epochs", style=style),
        },
        note="Each change retrains on 1,000 synthetic examples from the same seed.",
    )


@dataclass(frozen=True)
class GridSlider:
    """A slider of a static twin: the data column it filters on, its label and its even grid."""

    column: str
    label: str
    values: Sequence[float]
    default: float

    def param(self) -> alt.Parameter:
        step = (self.values[-1] - self.values[0]) / (len(self.values) - 1)
        return alt.param(
            name=f"p_{self.column}",
            value=self.default,
            bind=alt.binding_range(
                min=self.values[0], max=self.values[-1], step=step, name=self.label
            ),
        )


def grid_filter(sliders: Sequence[GridSlider]) -> str:
    """A Vega expression that keeps the one run matching every slider at once."""
    return " && ".join(f"datum.{s.column} == p_{s.column}" for s in sliders)


class StaticChart:
    """Display a Vega-Lite chart as HTML drawn by the book's shared ``vega-bundle.js``.

    Nothing is fetched: where that script is absent (Jupyter, Colab) the note stays in place,
    and the live panel above it is the interactive version.
    """

    FALLBACK = "This precomputed demo draws in the HTML book; in a notebook use the live panel."

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        # An opaque background keeps the dark axis text readable in the book's dark mode.
        self.spec = chart.configure(background="white", padding=8).to_dict()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        spec = json.dumps(self.spec, separators=(",", ":")).replace("</", "<\\/")
        div = f"static-demo-{uuid.uuid5(uuid.NAMESPACE_OID, spec).hex[:12]}"
        options = '{"actions": false, "renderer": "svg"}'
        script = (
            f'if (window.vegaEmbed) {{ vegaEmbed("#{div}", {spec}, {options})'
            f'.catch(e => console.error("static demo {div}:", e)); }}'
        )
        return {
            "text/html": f'<div id="{div}" class="static-demo"><p>{self.FALLBACK}</p>'
            f"</div>\n<script>{script}</script>",
            "text/plain": self.FALLBACK,
        }


def diverged_text(x: float, y: float, data: object = alt.Undefined) -> alt.Chart:
    """A text layer "diverged at step k", drawn only for a run whose ``diverged_at`` > 0."""
    return (
        alt.Chart(data)
        .transform_filter("datum.diverged_at > 0")
        .transform_calculate(text="'diverged at step ' + datum.diverged_at")
        .mark_text(fontSize=18, color="#c0392b", fontWeight="bold")
        .encode(text="text:N", x=alt.value(x), y=alt.value(y))
    )


LINREG_SLIDERS = (
    GridSlider("log10_lr", "log₁₀ learning rate ", demos.LinRegGrid.log10_lrs, -1.5),
    GridSlider("log2_batch", "log₂ batch size ", demos.LinRegGrid.log2_batch_sizes, 3),
    GridSlider("noise", "noise σ ", demos.LinRegGrid.noises, 0.5),
)


def linreg_chart(runs: "demos.pd.DataFrame", records_per_epoch: int = 10) -> alt.LayerChart:
    """The static twin's chart: the loss curve of the run the three sliders select."""
    y_scale = alt.Scale(type="log", domain=[1e-5, 1e4], clamp=True)
    curve = (
        alt.Chart()
        .transform_flatten(["loss"])
        .transform_window(index="row_number()")
        .transform_calculate(epoch=f"(datum.index - 1) / {records_per_epoch}")
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", scale=alt.Scale(domain=[0, 3]), title="epoch"),
            y=alt.Y("loss:Q", scale=y_scale, title="training loss (½ squared error)"),
        )
    )
    label = (
        alt.Chart()
        .transform_calculate(
            text=(
                "'learning rate ' + format(pow(10, datum.log10_lr), '.3~g') + ', batch size '"
                " + pow(2, datum.log2_batch) + ', noise σ ' + datum.noise"
            )
        )
        .mark_text(align="left", dx=5, dy=-8, fontSize=12)
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
    )
    diverged = (
        alt.Chart()
        .transform_filter("datum.diverged_at > 0")
        .transform_calculate(text="'diverged at step ' + datum.diverged_at")
        .mark_text(fontSize=18, color="#c0392b", fontWeight="bold")
        .encode(text="text:N", x=alt.value(200), y=alt.value(110))
    )
    return (
        alt.layer(curve, label, diverged, data=runs)
        .add_params(*(s.param() for s in LINREG_SLIDERS))
        .transform_filter(grid_filter(LINREG_SLIDERS))
        .properties(width=400, height=220)
    )


def linreg_twin(*, seed: int = 0) -> StaticChart:
    """Static twin of ``linreg_panel``: every slider combination precomputed from real runs."""
    grid = demos.run_linreg_grid(seed=seed)
    return StaticChart(linreg_chart(grid, records_per_epoch=10))


# --- Gradient descent chapter -------------------------------------------------------------------

STYLE = {"description_width": "initial"}


def draw_descent(ax: Axes, lr: float) -> Axes:
    """Run gradient descent on x² with this learning rate and draw it on ``ax``."""
    return plots.draw_descent(demos.descend_1d(lr), ax=ax)


def descent_panel() -> LivePanel:
    """Live panel for the 1-D demo: one learning-rate slider (log scale)."""
    lr = W.FloatLogSlider(
        value=0.2, base=10, min=-2, max=0.5, step=0.05, description="learning rate", style=STYLE
    )
    return live_panel(draw_descent, {"lr": lr}, note="40 steps of x ← x − η·2x from x = 10.")


DESCENT_SLIDER = GridSlider(
    "log10_lr", "log₁₀ learning rate ", tuple(k / 8 for k in range(-16, 5)), -0.75
)


def descent_twin() -> StaticChart:
    """Static twin of ``descent_panel``: the iterates for 21 learning rates from 0.01 to 3.16."""
    runs = demos.run_descent_grid(DESCENT_SLIDER.values)
    xs = [x / 10 for x in range(-120, 121)]
    curve = (
        alt.Chart(demos.pd.DataFrame({"x": xs, "f": [x * x for x in xs]}))
        .mark_line(color="#999")
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[-12, 12])),
            y=alt.Y("f:Q", scale=alt.Scale(domain=[-5, 150]), title="f(x)"),
        )
    )
    steps = (
        alt.Chart(runs)
        .transform_filter(grid_filter([DESCENT_SLIDER]))
        .transform_flatten(["x"])
        .transform_window(k="row_number()")
        .transform_calculate(f="datum.x * datum.x")
        .mark_line(point=alt.OverlayMarkDef(color="#e67e22"), color="#e67e22", clip=True)
        .encode(x="x:Q", y="f:Q", order="k:Q")
    )
    label = (
        alt.Chart(runs)
        .transform_filter(grid_filter([DESCENT_SLIDER]))
        .transform_calculate(text="'learning rate ' + format(pow(10, datum.log10_lr), '.3~g')")
        .mark_text(align="left", dx=5, dy=-8, fontSize=12)
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
    )
    diverged = diverged_text(200, 110, runs).transform_filter(grid_filter([DESCENT_SLIDER]))
    return StaticChart(
        alt.layer(curve, steps, label, diverged)
        .add_params(DESCENT_SLIDER.param())
        .properties(width=400, height=220)
    )


def draw_surface(ax: Axes, lr: float, batch_size: int, noise: float) -> Axes:
    """SGD path over the loss surface of y = 2x + 5 + noise for these slider values, on ``ax``."""
    runs = demos.run_surface_paths(lr, batch_size, noise)
    x, Y = demos.line_data([noise], seed=0)
    return plots.draw_surface_paths(x, Y[:, 0], {f"batch size {batch_size}": runs}, ax=ax)


def surface_panel() -> LivePanel:
    """Live panel for the loss-surface demo: learning rate, batch size and noise σ."""
    return live_panel(
        draw_surface,
        {
            "lr": W.FloatLogSlider(
                value=10**-2.5,
                base=10,
                min=-3.5,
                max=-1.5,
                step=0.1,
                description="learning rate",
                style=STYLE,
            ),
            "batch_size": W.SelectionSlider(
                options=[1, 2, 5, 10, 20, 50, 100], value=10, description="batch size", style=STYLE
            ),
            "noise": W.FloatSlider(
                value=2.0, min=0.0, max=6.0, step=0.5, description="noise σ", style=STYLE
            ),
        },
        note="20 epochs of SGD on 100 points, from w = b ≈ 0; the star marks the true (w, b).",
        figsize=(6.0, 4.5),
    )


SURFACE_SLIDERS = (
    GridSlider("log10_lr", "log₁₀ learning rate ", demos.SurfaceGrid.log10_lrs, -2.5),
    GridSlider(
        "log2_batch", "log₂ batch size (7 = all 100) ", demos.SurfaceGrid.log2_batch_sizes, 3
    ),
    GridSlider("noise", "noise σ ", demos.SurfaceGrid.noises, 2.0),
)


def surface_twin() -> StaticChart:
    """Static twin of ``surface_panel``: the loss surface and every precomputed SGD path."""
    grid = demos.SurfaceGrid()
    paths, surface = demos.run_surface_grid(grid)
    dw = (grid.w_range[1] - grid.w_range[0]) / 29
    db = (grid.b_range[1] - grid.b_range[0]) / 29
    heat = (
        alt.Chart(surface)
        .transform_filter(grid_filter(SURFACE_SLIDERS[2:]))
        .transform_calculate(w2=f"datum.w + {dw}", b2=f"datum.b + {db}")
        .mark_rect(opacity=0.8)
        .encode(
            x=alt.X("w:Q", scale=alt.Scale(domain=list(grid.w_range)), title="weight w"),
            x2="w2:Q",
            y=alt.Y("b:Q", scale=alt.Scale(domain=list(grid.b_range)), title="bias b"),
            y2="b2:Q",
            color=alt.Color(
                "loss:Q", scale=alt.Scale(type="log", scheme="viridis", reverse=True), title="½ MSE"
            ),
        )
    )
    path = (
        alt.Chart(paths)
        .transform_filter(grid_filter(SURFACE_SLIDERS))
        .transform_flatten(["w", "b"])
        .transform_window(k="row_number()")
        .mark_line(point=alt.OverlayMarkDef(color="#c0392b"), color="#c0392b", clip=True)
        .encode(x="w:Q", y="b:Q", order="k:Q")
    )
    truth = (
        alt.Chart(demos.pd.DataFrame({"w": [demos.LINE_W], "b": [demos.LINE_B]}))
        .mark_point(shape="diamond", size=150, filled=True, color="black")
        .encode(x="w:Q", y="b:Q")
    )
    label = (
        alt.Chart(paths)
        .transform_filter(grid_filter(SURFACE_SLIDERS))
        .transform_calculate(
            text=(
                "'learning rate ' + format(pow(10, datum.log10_lr), '.3~g') + ', batch size '"
                f" + min(pow(2, datum.log2_batch), {demos.LINE_N}) + ', noise σ ' + datum.noise"
            )
        )
        .mark_text(align="left", dx=5, dy=-8, fontSize=12)
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
    )
    diverged = diverged_text(200, 150, paths).transform_filter(grid_filter(SURFACE_SLIDERS))
    return StaticChart(
        alt.layer(heat, path, truth, label, diverged)
        .add_params(*(s.param() for s in SURFACE_SLIDERS))
        .properties(width=400, height=300)
    )


# --- Softmax regression chapter -----------------------------------------------------------------

SUBSET_NOTE = (
    "Retrains on a fixed subset, {n:,} training images ({per:,} per class); "
    "test accuracy on {m:,} test images."
)


def softmax_panel(train: "data.ImageSplit", test: "data.ImageSplit") -> LivePanel:
    """Live panel: learning rate, batch size and epochs, retraining softmax regression."""

    def draw(ax: Axes, lr: float, batch_size: int, num_epochs: int) -> Axes:
        return plots.plot_history(demos.run_softmax(train, test, lr, batch_size, num_epochs), ax=ax)

    return live_panel(
        draw,
        {
            "lr": W.FloatLogSlider(
                value=0.1,
                base=10,
                min=-2,
                max=0,
                step=0.25,
                description="learning rate",
                style=STYLE,
            ),
            "batch_size": W.SelectionSlider(
                options=[32, 64, 128, 256, 512, 1024],
                value=256,
                description="batch size",
                style=STYLE,
            ),
            "num_epochs": W.IntSlider(value=10, min=1, max=10, description="epochs", style=STYLE),
        },
        note=SUBSET_NOTE.format(n=len(train.y), per=len(train.y) // 10, m=len(test.y)),
    )


def history_chart(
    runs: "demos.pd.DataFrame", sliders: Sequence[GridSlider], num_epochs: int, describe: str
) -> alt.LayerChart:
    """Static chart of per-epoch histories: run chosen by ``sliders``, first k epochs shown.

    ``describe`` is a Vega expression naming the chosen run, e.g. its learning rate.
    """
    epochs = GridSlider("epochs", "epochs ", tuple(range(1, num_epochs + 1)), num_epochs)
    shown = (
        alt.Chart()
        .transform_flatten(["train_loss", "train_acc", "test_acc"])
        .transform_window(epoch="row_number()")
        .transform_filter(f"datum.epoch <= p_{epochs.column}")
    )
    curves = (
        shown.transform_fold(["train_loss", "train_acc", "test_acc"], as_=["key", "value"])
        .transform_calculate(curve="replace(replace(datum.key, '_acc', ' accuracy'), '_', ' ')")
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", scale=alt.Scale(domain=[1, num_epochs])),
            y=alt.Y(
                "value:Q", scale=alt.Scale(domain=[0, 1.2], clamp=True), title="loss / accuracy"
            ),
            color=alt.Color("curve:N", title=None),
        )
    )
    label = (
        shown.transform_filter(f"datum.epoch == p_{epochs.column}")
        .transform_calculate(
            text=f"{describe} + ': test accuracy ' + format(datum.test_acc, '.3f')"
            " + ' after ' + datum.epoch + ' epochs'"
        )
        .mark_text(align="left", dx=5, dy=-8, fontSize=12)
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
    )
    return (
        alt.layer(curves, label, diverged_text(200, 110), data=runs)
        .add_params(*(s.param() for s in sliders), epochs.param())
        .transform_filter(grid_filter(sliders))
        .properties(width=400, height=220)
    )


SOFTMAX_SLIDERS = (
    GridSlider("log10_lr", "log₁₀ learning rate ", demos.SoftmaxGrid.log10_lrs, -1.0),
    GridSlider("log2_batch", "log₂ batch size ", demos.SoftmaxGrid.log2_batch_sizes, 8),
)


def softmax_twin(train: "data.ImageSplit", test: "data.ImageSplit") -> StaticChart:
    """Static twin of ``softmax_panel``: every (lr, batch size) trained for 10 epochs."""
    grid = demos.SoftmaxGrid()
    runs = demos.run_softmax_grid(train, test, grid)
    describe = (
        "'learning rate ' + format(pow(10, datum.log10_lr), '.3~g') + ', batch size '"
        " + pow(2, datum.log2_batch)"
    )
    return StaticChart(history_chart(runs, SOFTMAX_SLIDERS, grid.num_epochs, describe))


# --- Multilayer perceptron chapter --------------------------------------------------------------


def draw_gradient_norms(ax: Axes, input_range: float, depth: int) -> Axes:
    """Gradient norm through a stack of ``depth`` layers for each activation, on ``ax``."""
    norms = {name: demos.gradient_norms(name, depth, input_range) for name in demos.ACTIVATIONS}
    return plots.draw_gradient_norms(norms, ax=ax)


def gradient_panel() -> LivePanel:
    """Live panel: the input range and the depth of the stack."""
    return live_panel(
        draw_gradient_norms,
        {
            "input_range": W.FloatLogSlider(
                value=2.0, base=2, min=0, max=3, step=0.25, description="input range ±", style=STYLE
            ),
            "depth": W.IntSlider(value=10, min=1, max=20, description="depth", style=STYLE),
        },
        note="Each layer: a 64×64 weight matrix (no bias), entries N(0, 1/64), then the "
        "activation; 64 random inputs.",
    )


GRADIENT_SLIDERS = (
    GridSlider("log2_range", "log₂ input range ", (0, 1, 2, 3), 1),
    GridSlider("depth", "depth ", tuple(range(2, 21, 2)), 10),
)


def gradient_twin() -> StaticChart:
    """Static twin of ``gradient_panel``: every input range and depth, all three activations."""
    rows = [
        {
            "log2_range": r,
            "depth": depth,
            "activation": name,
            "layer": layer + 1,
            "norm": float(f"{v:.4g}"),
        }
        for r in GRADIENT_SLIDERS[0].values
        for depth in GRADIENT_SLIDERS[1].values
        for name in demos.ACTIVATIONS
        for layer, v in enumerate(demos.gradient_norms(name, depth, 2.0**r).tolist())
    ]
    chart = (
        alt.Chart(demos.pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("layer:Q", scale=alt.Scale(domain=[1, 20]), title="layer (1 = input)"),
            y=alt.Y(
                "norm:Q",
                scale=alt.Scale(type="log", domain=[1e-12, 1e2], clamp=True),
                title="gradient norm",
            ),
            color=alt.Color("activation:N"),
        )
        .add_params(*(s.param() for s in GRADIENT_SLIDERS))
        .transform_filter(grid_filter(GRADIENT_SLIDERS))
        .properties(width=400, height=220)
    )
    return StaticChart(chart)


def mlp_panel(train: "data.ImageSplit", test: "data.ImageSplit") -> LivePanel:
    """Live panel: hidden units, learning rate and epochs, retraining the concise MLP."""

    def draw(ax: Axes, num_hiddens: int, lr: float, num_epochs: int) -> Axes:
        return plots.plot_history(demos.run_mlp(train, test, num_hiddens, lr, num_epochs), ax=ax)

    return live_panel(
        draw,
        {
            "num_hiddens": W.SelectionSlider(
                options=[4, 8, 16, 32, 64, 128, 256],
                value=64,
                description="hidden units",
                style=STYLE,
            ),
            "lr": W.FloatLogSlider(
                value=0.1,
                base=10,
                min=-2,
                max=-0.5,
                step=0.25,
                description="learning rate",
                style=STYLE,
            ),
            "num_epochs": W.IntSlider(value=10, min=1, max=10, description="epochs", style=STYLE),
        },
        note=SUBSET_NOTE.format(n=len(train.y), per=len(train.y) // 10, m=len(test.y)),
    )


MLP_SLIDERS = (
    GridSlider("log2_hiddens", "log₂ hidden units ", demos.MLPGrid.log2_hiddens, 5),
    GridSlider("log10_lr", "log₁₀ learning rate ", demos.MLPGrid.log10_lrs, -1.0),
)


def mlp_twin(train: "data.ImageSplit", test: "data.ImageSplit") -> StaticChart:
    """Static twin of ``mlp_panel``: every (hidden units, lr) trained for 10 epochs."""
    grid = demos.MLPGrid()
    runs = demos.run_mlp_grid(train, test, grid)
    describe = (
        "pow(2, datum.log2_hiddens) + ' hidden units, learning rate '"
        " + format(pow(10, datum.log10_lr), '.3~g')"
    )
    return StaticChart(history_chart(runs, MLP_SLIDERS, grid.num_epochs, describe))


# --- The normal distribution and loss functions chapter -----------------------------------------


def draw_normal(ax: Axes, mu: float, sigma: float) -> Axes:
    """The density N(μ, σ²) against the standard normal, on ``ax``."""
    return plots.draw_densities(
        {"N(0, 1)": (0.0, 1.0), f"N({mu:g}, {sigma:g}²)": (mu, sigma)}, ax=ax
    )


def normal_panel() -> LivePanel:
    """Live panel: the mean μ and the standard deviation σ of a normal density."""
    return live_panel(
        draw_normal,
        {
            "mu": W.FloatSlider(
                value=0.0, min=-3, max=3, step=0.1, description="mean μ", style=STYLE
            ),
            "sigma": W.FloatSlider(
                value=1.0, min=0.3, max=3, step=0.1, description="std σ", style=STYLE
            ),
        },
        note="The grey curve is the standard normal N(0, 1), for reference.",
    )


NORMAL_SLIDERS = (
    GridSlider("mu", "mean μ ", tuple(k / 2 for k in range(-6, 7)), 0.0),
    GridSlider("sigma", "std σ ", tuple(k / 4 for k in range(2, 13)), 1.0),
)


def normal_twin() -> StaticChart:
    """Static twin of ``normal_panel``: models.normal_pdf for every (μ, σ) on the grid."""
    curves = demos.normal_curves(NORMAL_SLIDERS[0].values, NORMAL_SLIDERS[1].values)
    xs = "sequence(-7, 7.0001, 0.1)"  # the x of each of the 141 points, as in normal_curves
    base = (
        alt.Chart()
        .transform_calculate(x=xs)
        .transform_flatten(["p", "x"])
        .mark_line()
        .encode(
            x=alt.X("x:Q", scale=alt.Scale(domain=[-7, 7])),
            y=alt.Y("p:Q", scale=alt.Scale(domain=[0, 1.4]), title="density p(x)"),
        )
    )
    standard = base.transform_filter("datum.mu == 0 && datum.sigma == 1").encode(
        color=alt.value("#999")
    )
    chosen = base.transform_filter(grid_filter(NORMAL_SLIDERS)).encode(color=alt.value("#1f77b4"))
    return StaticChart(
        alt.layer(standard, chosen, data=curves)
        .add_params(*(s.param() for s in NORMAL_SLIDERS))
        .properties(width=400, height=220)
    )


def draw_robust(ax: Axes, count: int, size: float, delta: float) -> Axes:
    """The data with outliers and the L2, L1 and Huber fits, on ``ax``."""
    x, y, idx = demos.robust_data(count, size)
    return plots.draw_robust_fits(x, y, idx, demos.run_robust(count, size, delta), ax=ax)


def robust_panel() -> LivePanel:
    """Live panel: outlier count and size, and Huber's δ."""
    return live_panel(
        draw_robust,
        {
            "count": W.IntSlider(value=10, min=0, max=30, description="outliers", style=STYLE),
            "size": W.FloatSlider(
                value=20.0, min=0, max=40, step=1, description="outlier size", style=STYLE
            ),
            "delta": W.FloatSlider(
                value=1.0, min=0.1, max=5, step=0.1, description="Huber δ", style=STYLE
            ),
        },
        note="100 points from y = 2x + 5 + N(0, 1); outliers are shifted up.",
        figsize=(6, 4),
    )


ROBUST_SLIDERS = (
    GridSlider("count", "outliers ", demos.RobustGrid.counts, 10),
    GridSlider("size", "outlier size ", demos.RobustGrid.sizes, 20.0),
    GridSlider("delta", "Huber δ ", demos.RobustGrid.deltas, 1.0),
)


def robust_twin() -> StaticChart:
    """Static twin of ``robust_panel``: the fits for every (count, size, δ) on the grid."""
    fits, points = demos.run_robust_grid()
    fits = fits.assign(
        x0=0.0,
        x1=15.0,
        y0=fits.b,
        y1=15 * fits.w + fits.b,
        error=((fits.w - demos.LINE_W) ** 2 + (fits.b - demos.LINE_B) ** 2) ** 0.5,
    )
    scale_x, scale_y = alt.Scale(domain=[0, 15]), alt.Scale(domain=[0, 80])
    dots = (
        alt.Chart(points)
        .transform_filter(grid_filter(ROBUST_SLIDERS[:2]))
        .transform_flatten(["x", "y", "outlier"])
        .mark_circle(size=18)
        .encode(
            x=alt.X("x:Q", scale=scale_x, title="x"),
            y=alt.Y("y:Q", scale=scale_y, title="y"),
            color=alt.Color(
                "outlier:N", scale=alt.Scale(range=["#888", "#d62728"]), title="outlier"
            ),
        )
    )
    chosen = alt.Chart(fits).transform_filter(grid_filter(ROBUST_SLIDERS))
    lines = chosen.mark_rule(strokeWidth=2).encode(
        x="x0:Q",
        x2="x1:Q",
        y="y0:Q",
        y2="y1:Q",
        strokeDash=alt.StrokeDash("loss:N", title="fit"),
        stroke=alt.Stroke("loss:N", scale=alt.Scale(range=["#1f77b4", "#2ca02c", "#ff7f0e"])),
    )
    errors = (
        chosen.transform_calculate(
            text="datum.loss + ': w = ' + format(datum.w, '.2f')"
            " + ', b = ' + format(datum.b, '.2f') + ', error ' + format(datum.error, '.2f')",
            row="datum.loss == 'L2' ? 77 : datum.loss == 'L1' ? 72 : 67",  # in y's data units
        )
        .mark_text(align="left", fontSize=11)
        .encode(text="text:N", x=alt.value(5), y=alt.Y("row:Q", scale=scale_y))
    )
    return StaticChart(
        alt.layer(dots, lines, errors)
        .add_params(*(s.param() for s in ROBUST_SLIDERS))
        .properties(width=420, height=260)
    )
