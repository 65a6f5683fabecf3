"""The live panel of a slider demo, for Jupyter and Colab; it knows nothing about any one demo.

Only ipywidgets API common to 7.7 (Colab) and 8 is used. The panel draws into an ``Image``
widget, so it needs no matplotlib backend of its own and looks the same in every front end.
Sliders report a value only when released (``continuous_update=False``): dragging starts one
run, not dozens.
"""

import html
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlsteps import data, plots
from dlsteps.space import Space

STYLE = {"description_width": "initial"}


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


def sliders(space: Space) -> dict[str, W.SelectionSlider]:
    """One ipywidgets slider per declared slider, its real values as options and readout."""
    return {
        s.name: W.SelectionSlider(
            options=[(s.text(v), v) for v in s.values],
            value=s.default,
            description=s.label,
            style=STYLE,
        )
        for s in space.sliders
    }


def space_panel(
    space: Space,
    draw: Callable[..., object],
    note: str = "",
    figsize: tuple[float, float] = (6.0, 3.5),
) -> LivePanel:
    """The live panel of a declared space: ``draw(ax, **values)`` on every slider release."""
    return live_panel(draw, sliders(space), note, figsize)


SUBSET_NOTE = (
    "Retrains on a fixed subset, {n:,} training images ({per:,} per class); "
    "test accuracy on {m:,} test images."
)


def history_panel(
    space: Space, run: Callable[..., object], train: data.ImageSplit, test: data.ImageSplit
) -> LivePanel:
    """The live panel of a classifier demo: ``run(train, test, **values)`` drawn as its history."""

    def draw(ax, **values: float):
        return plots.plot_history(run(train, test, **values), ax=ax)

    note = SUBSET_NOTE.format(n=len(train.y), per=len(train.y) // 10, m=len(test.y))
    return space_panel(space, draw, note)
