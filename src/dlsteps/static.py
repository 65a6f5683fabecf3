"""The static twin of a slider demo: an Altair chart whose bound sliders pick a precomputed run.

It knows nothing about any one demo. Each slider of a declared ``Space`` becomes a range over
the index of its values (so a logarithmic grid moves evenly); the chart picks the real value
with that index, and its caption prints the real values the reader has chosen. In the book, the
script ``_ext/dlsteps-twins.js`` draws the chart: it prints each slider's real value beside it
(and gives it to screen readers), follows the page's light or dark mode, and lets the chart take
the width of its column.
"""

import json
import uuid
from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd

from dlsteps.space import Slider, Space

DIVERGED = "datum.diverged_at > 0"  # the one divergence marker: 0 means the run never diverged


class StaticChart:
    """Display a Vega-Lite chart as HTML drawn by the book's shared ``vega-bundle.js``.

    Nothing is fetched: where that script is absent (Jupyter, Colab) the note stays in place,
    and the live panel above it is the interactive version.
    """

    FALLBACK = "This precomputed demo draws in the HTML book; in a notebook use the live panel."

    def __init__(self, chart: alt.TopLevelMixin, sliders: Sequence[Slider] = ()) -> None:
        self.spec = chart.configure(padding=8).to_dict()
        # What the page prints beside each slider: its label and the text of each of its values.
        self.sliders = {
            f"p_{s.name}": {"label": s.label, "texts": [s.text(v) for v in s.values]}
            for s in sliders
        }

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        spec = json.dumps(self.spec, separators=(",", ":")).replace("</", "<\\/")
        sliders = json.dumps(self.sliders, ensure_ascii=False).replace("</", "<\\/")
        div = f"static-demo-{uuid.uuid5(uuid.NAMESPACE_OID, spec).hex[:12]}"
        script = f'if (window.dlstepsTwin) {{ dlstepsTwin("#{div}", {spec}, {sliders}); }}'

        return {
            "text/html": f'<div id="{div}" class="static-demo"><p>{self.FALLBACK}</p>'
            f"</div>\n<script>{script}</script>",
            "text/plain": self.FALLBACK,
        }


def param(slider: Slider) -> alt.Parameter:
    """The bound slider: a range over the index of the slider's values, at its default."""
    return alt.param(
        name=f"p_{slider.name}",
        value=slider.values.index(slider.default),
        bind=alt.binding_range(min=0, max=len(slider.values) - 1, step=1, name=f"{slider.label} "),
    )


def chosen(slider: Slider) -> str:
    """A Vega expression for the real value the slider stands at."""
    return f"{json.dumps(list(slider.values))}[p_{slider.name}]"


def chosen_text(slider: Slider) -> str:
    """A Vega expression for that value as the reader reads it: 'learning rate 0.03'."""
    texts = json.dumps([slider.text(v) for v in slider.values], ensure_ascii=False)
    return f"'{slider.label} ' + {texts}[p_{slider.name}]"


def grid_sliders(space: Space) -> list[Slider]:
    """The sliders that pick a run (a prefix slider only cuts the run short)."""
    return [s for s in space.sliders if not s.prefix]


def select(sliders: Sequence[Slider]) -> str:
    """A Vega filter that keeps the one row matching every slider at once."""
    return " && ".join(f"datum.{s.name} == {chosen(s)}" for s in sliders)


# Where the chart is narrow (a phone), the caption puts one value per line instead of cutting
# its end off; its lines stack upwards from the top of the plot, into room Vega adds there.
NARROW = 560  # pixels of plot width: below it, the longest caption (about 480 px) might not fit
LINE_HEIGHT = 16
SEPARATOR = f"(width < {NARROW} ? '\\n' : ', ')"


def caption(
    sliders: Sequence[Slider], extra: str | None = None, base: alt.Chart | None = None
) -> alt.Chart:
    """A text layer above the plot's top left naming the chosen values, then ``extra`` (a Vega
    expression for one more part, such as a run's result)."""
    parts = [chosen_text(s) for s in sliders] + ([extra] if extra else [])
    # Vega stacks a text's lines downwards from its anchor: lift the block by its extra lines.
    lift = -4 - (len(parts) - 1) * LINE_HEIGHT
    return (
        (base or alt.Chart())
        .transform_calculate(text=f" + {SEPARATOR} + ".join(parts))
        .mark_text(
            align="left",
            baseline="bottom",
            dx=5,
            dy={"expr": f"width < {NARROW} ? {lift} : -4"},
            fontSize=13,
            lineHeight=LINE_HEIGHT,
            lineBreak="\n",
        )
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
    )


def diverged(y: float, base: alt.Chart | None = None) -> alt.Chart:
    """A text layer "diverged at step k" across the middle, drawn only for a run that diverged."""
    return (
        (base or alt.Chart())
        .transform_filter(DIVERGED)
        .transform_calculate(text="'diverged at step ' + datum.diverged_at")
        .mark_text(fontSize=18, color="#d62728", fontWeight="bold")
        .encode(text="text:N", x=alt.value({"expr": "width / 2"}), y=alt.value(y))
    )


def layered(
    space: Space,
    layers: Sequence[alt.Chart],
    data: pd.DataFrame,
    height: int,
    description: str,
    *,
    filter: bool = True,
) -> StaticChart:
    """Layers over ``data`` with every slider bound; ``filter``: keep only the chosen run.

    The chart is as wide as the column it sits in (on a phone too), ``height`` pixels high, and
    ``description`` is its text alternative for screen readers. With ``filter=False`` the layers
    that show a run select it themselves (``select``), as layers with data of their own (a fixed
    curve, a surface) must not be filtered.
    """
    chart = alt.layer(*layers, data=data).add_params(*(param(s) for s in space.sliders))
    if filter:
        chart = chart.transform_filter(select(grid_sliders(space)))
    chart = chart.properties(width="container", height=height, description=description)
    return StaticChart(chart, space.sliders)


def history_grid(
    space: Space, run: Callable[..., object], train: object, test: object, *, seed: int = 0
) -> pd.DataFrame:
    """Every combination of ``space`` trained by ``run(train, test, **values)``, one row each."""
    return pd.DataFrame(
        [
            history_row(run(train, test, **combo, seed=seed), **combo)
            for combo in space.combinations()
        ]
    )


def history_twin(
    space: Space, run: Callable[..., object], train: object, test: object
) -> StaticChart:
    """Per-epoch classifier histories; the prefix slider (epochs) shows the first k epochs."""
    runs = history_grid(space, run, train, test)
    (epochs,) = [s for s in space.sliders if s.prefix]
    shown = (
        alt.Chart()
        .transform_flatten(["train_loss", "train_acc", "test_acc"])
        .transform_window(epoch="row_number()")
        .transform_filter(f"datum.epoch <= {chosen(epochs)}")
    )
    names = {"train_loss": "train loss", "train_acc": "train accuracy", "test_acc": "test accuracy"}
    color = alt.Color(
        "curve:N",
        title=None,
        scale=alt.Scale(domain=list(names.values()), range=["#1f77b4", "#ff7f0e", "#2ca02c"]),
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X(
        "epoch:Q",
        scale=alt.Scale(domain=[epochs.low, epochs.high]),
        axis=alt.Axis(tickMinStep=1, format="d"),  # whole epochs only
        title="epoch",
    )

    def curves(keys: list[str], y: alt.Y) -> alt.Chart:
        return (
            shown.transform_fold(keys, as_=["key", "value"])
            .transform_calculate(curve=f"{json.dumps(names)}[datum.key]")
            .mark_line(point=True)
            .encode(x=x, y=y, color=color, strokeDash=alt.StrokeDash("curve:N", legend=None))
        )

    # Loss and accuracy have their own axes: loss on the left, accuracy (0 to 1) on the right.
    loss = curves(
        ["train_loss"],
        # log scale on the run's own range: 0.3 and a diverging 24 both in view, none clipped
        alt.Y("value:Q", scale=alt.Scale(type="log"), title="train loss (log scale)"),
    )
    accuracy = curves(
        ["train_acc", "test_acc"],
        alt.Y(
            "value:Q",
            scale=alt.Scale(domain=[0, 1]),
            title="accuracy",
            axis=alt.Axis(orient="right", grid=False),
        ),
    )
    label = caption(
        grid_sliders(space),
        "'test accuracy ' + format(datum.test_acc, '.3f') + ' after ' + datum.epoch + ' epochs'",
        base=shown.transform_filter(f"datum.epoch == {chosen(epochs)}"),
    )
    both = alt.layer(loss, accuracy).resolve_scale(y="independent")
    description = (
        "Training loss (left axis, log scale) and training and test accuracy (right axis) per "
        "epoch, for "
        "the settings chosen with the sliders below, from runs trained when the book was built."
    )
    return layered(space, [both, label, diverged(110)], runs, 240, description)


def history_row(history, **slider_values: float) -> dict[str, object]:
    """One grid row: the slider values of a run and its per-epoch ``training.History``, rounded."""
    return {
        **slider_values,
        "train_loss": [round(v, 4) for v in history.train_loss],
        "train_acc": [round(v, 4) for v in history.train_acc],
        "test_acc": [round(v, 4) for v in history.test_acc],
        "diverged_at": history.diverged_at,
    }
