"""The live panel of a slider demo, for Jupyter and Colab; it knows nothing about any one demo.

Only ipywidgets API common to 7.7 (Colab) and 8 is used. The panel draws into an ``Image``
widget, so it needs no matplotlib backend of its own and looks the same in every front end. The
picture is rendered at twice the pixels of the size it is shown at, so it stays sharp on
high-density screens, with text at least as large as the notebook's (11 pt at 96 px per inch).

Sliders report a value only when released (``continuous_update=False``): dragging starts one
run, not dozens. In a kernel the runs happen in a background thread: a run that takes more than
half a second says so, and the values chosen during a run are merged into one next run with the
latest values (no queue of stale runs).
"""

import html
import io
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ipywidgets as W
import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlsteps import data, plots
from dlsteps.space import Space

STYLE = {"description_width": "initial"}
CSS_DPI = 96  # CSS pixels per inch: a figure of 6 in is shown 576 px wide
PIXEL_RATIO = 2  # rendered at twice that, for high-density screens
FONT = {"font.size": 11}  # 11 pt = 14.7 CSS px, the size of a notebook's body text
BUSY_AFTER = 0.5  # seconds a run may take before the panel says it is working
WORKING = "<i>training…</i>"


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


@dataclass
class LivePanel:
    """Sliders, one figure redrawn in place, and a message line; ``redraw()`` reruns the demo."""

    controls: Mapping[str, W.ValueWidget]
    draw: Callable[..., object]  # draw(ax, **slider_values): runs the demo and draws on ax
    figure: Figure
    image: W.Image
    message: W.HTML
    note: str = ""
    background: bool = False  # run in a worker thread (in a kernel), so slider moves coalesce
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pending: bool = False
    _worker: threading.Thread | None = field(default=None, repr=False)

    def redraw(self, _change: object = None) -> None:
        """Run and draw with the current slider values; a bad value shows its message instead."""
        kwargs = {name: c.value for name, c in self.controls.items()}
        ax = self.figure.axes[0]
        busy = threading.Timer(BUSY_AFTER, lambda: setattr(self.message, "value", WORKING))
        busy.start()
        try:
            with mpl.rc_context(FONT):
                ax.clear()
                self.draw(ax, **kwargs)
                buf = io.BytesIO()
                self.figure.savefig(buf, format="png", dpi=CSS_DPI * PIXEL_RATIO)
        except Exception as err:  # shown in the panel: a callback's traceback would be lost
            busy.cancel()
            busy.join()
            text = str(err) if isinstance(err, ValueError) else f"{type(err).__name__}: {err}"
            self.message.value = f"<b style='color:#b00'>{html.escape(text)}</b>"
            return
        busy.cancel()
        busy.join()  # had it fired, its message is written before the one below
        self.image.value = buf.getvalue()
        self.message.value = html.escape(self.note)

    def request(self, _change: object = None) -> None:
        """A slider moved: redraw now, or (in the background) once the current run is done."""
        if not self.background:
            self.redraw()
            return
        with self._lock:
            self._pending = True
            if self._worker is not None:
                return  # the running worker picks up the latest values when its run ends
            self._worker = threading.Thread(target=self._work, daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._worker = None
                    return
                self._pending = False
            self.redraw()

    def wait(self, timeout: float = 60.0) -> None:
        """Block until no run is pending (for tests and scripts)."""
        worker = self._worker
        while worker is not None:
            worker.join(timeout)
            worker = self._worker

    def widget(self) -> W.VBox:
        box = W.VBox([W.HBox(list(self.controls.values())), self.message, self.image])
        box.add_class(f"dlsteps-panel-{id(self)}")
        return box

    def _ipython_display_(self) -> None:
        from IPython.display import Javascript, display

        display(self.widget())
        display(Javascript(ANNOUNCE.replace("TAG", f"dlsteps-panel-{id(self)}")))


# ipywidgets gives a slider's handle no accessible name (its label is not tied to it), and
# ipywidgets 8 announces a SelectionSlider's index, not the value it shows. This script, shown
# beside the panel, names each handle after its label and announces the value the readout shows,
# in ipywidgets 8 (noUiSlider handles) and 7.7 (jQuery UI handles, Colab).
ANNOUNCE = """
(function () {
  function announce() {
    const panel = document.querySelector(".TAG");
    const boxes = panel ? panel.querySelectorAll(".widget-slider") : [];
    let ready = boxes.length > 0;
    for (const box of boxes) {
      const handle = box.querySelector(".noUi-handle, .ui-slider-handle");
      const name = box.querySelector(".widget-label");
      const readout = box.querySelector(".widget-readout");
      if (!handle || !name || !readout) { ready = false; continue; }
      if (handle.dataset.dlstepsNamed) continue;
      handle.dataset.dlstepsNamed = "1";
      handle.setAttribute("role", "slider");
      handle.setAttribute("aria-label", name.textContent.trim());
      const shown = () => (readout.value || readout.textContent || "").trim();
      const sync = () => {
        if (handle.getAttribute("aria-valuetext") !== shown()) {
          handle.setAttribute("aria-valuetext", shown());
        }
      };
      sync();
      const watch = { childList: true, characterData: true, subtree: true, attributes: true };
      new MutationObserver(sync).observe(readout, watch);
      new MutationObserver(sync).observe(handle, { attributes: true });
    }
    return ready;
  }
  let tries = 0;
  (function wait() {
    if (!announce() && ++tries < 100) setTimeout(wait, 100);
  })();
})();
"""


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
    figure = Figure(figsize=figsize, dpi=CSS_DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.15, right=0.97, bottom=0.16, top=0.9)
    figure.add_subplot()
    width = f"{round(figsize[0] * CSS_DPI)}px"  # shown at CSS size; narrower screens scale it
    image = W.Image(format="png", layout=W.Layout(width=width, max_width="100%", height="auto"))
    panel = LivePanel(dict(controls), draw, figure, image, W.HTML(), note, _in_kernel())
    for control in panel.controls.values():
        control.continuous_update = False  # debounce: one run when the slider is released
        control.observe(panel.request, names="value")
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
