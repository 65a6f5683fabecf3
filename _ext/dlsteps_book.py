"""The book's own Sphinx extension (listed in ``_config.yml``; not part of the installed package).

It serves the Vega-Lite runtime as one shared file, ``_static/vega-bundle.js``, so the static
slider demos draw with no network, with the twins' own script and style (``dlsteps-twins.js``,
``dlsteps-twins.css``) and accessibility fixes to the theme (``dlsteps-page.js``, ``.css``);
it writes a per-notebook execution-time report; and it removes duplicated page scripts.
"""

import json
import os
from pathlib import Path
from typing import Any

BUNDLE_NAME = "vega-bundle.js"
TWIN_FILES = ("dlsteps-twins.js", "dlsteps-twins.css", "dlsteps-page.js", "dlsteps-page.css")
HERE = Path(__file__).resolve().parent


def _write_bundle(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import vl_convert

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    # A classic script shares one global scope with the theme's scripts: wrap the bundle so its
    # top-level names (`_`, ...) cannot clash; it still sets window.vegaEmbed for the pages.
    bundle = "(function () {\n" + vl_convert.javascript_bundle() + "\n})();\n"
    (static / BUNDLE_NAME).write_text(bundle, encoding="utf-8")
    for name in TWIN_FILES:  # the twins' runtime and style, the page fixes: beside this file
        (static / name).write_text((HERE / name).read_text(encoding="utf-8"), encoding="utf-8")


def _write_execution_report(app: Any, exception: Exception | None) -> None:
    """Write ``execution-report.json`` beside the HTML and log seconds per executed notebook."""
    if exception is not None:
        return
    from myst_nb.sphinx_ import NbMetadataCollector
    from sphinx.util import logging

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
    logging.getLogger(__name__).info(
        "notebook execution times:\n" + "\n".join(lines) + f"\n  total {total:.1f} s"
    )


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Keep one copy of each script on a page.

    sphinx-thebe and sphinx-togglebutton (loaded by Jupyter Book) add their inline set-up scripts
    twice; the second `const THEBE_JS_URL = ...` throws "Identifier
    'THEBE_JS_URL' has already been declared" in every page.
    """
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # Jupyter Book re-adds them with filename None where the first copy has "".
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique  # in place: Sphinx still sorts the list by priority


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: the shared Vega bundle, the timing report, one copy of each script."""
    # A progress bar is a live widget: on a static page it would be a dead box that also pulls
    # the widget manager from a CDN. The executed notebooks print per-epoch lines instead.
    os.environ["TQDM_DISABLE"] = "1"
    app.add_js_file(BUNDLE_NAME)
    app.add_js_file(TWIN_FILES[0])
    app.add_css_file(TWIN_FILES[1])
    app.add_js_file(TWIN_FILES[2])  # accessible names for the theme's search and mode buttons
    app.add_css_file(TWIN_FILES[3])  # link contrast in tinted admonitions
    app.connect("build-finished", _write_bundle)
    app.connect("build-finished", _write_execution_report)
    app.connect("html-page-context", _dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
