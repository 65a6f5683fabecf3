"""Glue between the notebooks and the book: computed numbers, and the chart script for the HTML.

``glue`` stores a value for the prose (myst-nb ``{glue:text}``) when the book is built, and does
nothing extra in Jupyter or Colab, where myst-nb is usually not installed.

``setup`` is a Sphinx extension (listed in ``_config.yml``): it serves the Vega-Lite runtime as one
shared file, ``_static/vega-bundle.js``, so the static slider demos draw with no network.
"""

import json
import os
from pathlib import Path
from typing import Any

BUNDLE_NAME = "vega-bundle.js"


def glue(name: str, value: Any) -> Any:
    """Store ``value`` under ``name`` for the book's prose; return it, so the cell can show it."""
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Jupyter or Colab without myst-nb: nothing to store
        return value
    myst_glue(name, value, display=False)
    return value


def _write_bundle(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import vl_convert

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / BUNDLE_NAME).write_text(vl_convert.javascript_bundle(), encoding="utf-8")


def _write_execution_report(app: Any, exception: Exception | None) -> None:
    """Write ``execution-report.json`` beside the HTML and log seconds per executed notebook."""
    if exception is not None:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    report = {}
    for docname, meta in sorted(NbMetadataCollector.get_doc_data(app.env).items()):
        exec_data = meta.get("exec_data")
        if exec_data:
            report[docname] = {
                "seconds": round(exec_data["runtime"] or 0.0, 2),
                "succeeded": exec_data["succeeded"],
            }
    path = Path(app.outdir) / "execution-report.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    total = sum(r["seconds"] for r in report.values())
    lines = [f"  {name:<40} {r['seconds']:8.2f} s" for name, r in report.items()]
    from sphinx.util import logging

    logging.getLogger(__name__).info(
        "notebook execution times:\n" + "\n".join(lines) + f"\n  total {total:.1f} s"
    )


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: add the shared Vega bundle to every page, and quiet progress bars."""
    # A progress bar is a live widget: on a static page it would be a dead box that also pulls
    # the widget manager from a CDN. The executed notebooks print per-epoch lines instead.
    os.environ["TQDM_DISABLE"] = "1"
    app.add_js_file(BUNDLE_NAME)
    app.connect("build-finished", _write_bundle)
    app.connect("build-finished", _write_execution_report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
