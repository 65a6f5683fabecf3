"""The book's own Sphinx extension (listed in ``_config.yml``; not part of the installed package).

It serves the Vega-Lite runtime as one shared file, ``_static/vega-bundle.js``, so the static
slider demos draw with no network, with the twins' own script and style (``dlsteps-twins.js``,
``dlsteps-twins.css``) and accessibility fixes to the theme (``dlsteps-page.js``, ``.css``);
it executes the notebooks side by side, one per core, before Sphinx reads them; it writes a
per-notebook execution-time report; and it removes duplicated page scripts.
"""

import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

BUNDLE_NAME = "vega-bundle.js"
# The twins' runtime and style; accessible names for the theme's search and mode buttons, and
# link contrast in tinted admonitions. Each is served from _static/ and linked from every page.
TWIN_FILES = ("dlsteps-twins.js", "dlsteps-twins.css", "dlsteps-page.js", "dlsteps-page.css")
HERE = Path(__file__).resolve().parent
READER = {"name": "myst_nb_md", "type": "plugin"}  # myst-nb's own reader of .md notebooks


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


def _execute_side_by_side(app: Any, env: Any, docnames: list[str]) -> None:
    """Execute the notebooks about to be read whose code is not in the cache, one per core.

    myst-nb executes notebooks one after another as Sphinx reads them, and a small PyTorch model
    gains little from a second thread. Here jupyter-cache runs them in a pool of processes, each
    kernel with one thread (a lone notebook too: the numbers must not depend on how many ran),
    and stores them in the same cache myst-nb reads. myst-nb then finds every notebook cached:
    nothing is executed twice, and what the pages show is the same. A notebook that fails stops
    the build here, with its traceback.
    """
    if app.config.nb_execution_mode != "cache":
        return
    from jupyter_cache import get_cache
    from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc, ProcessData
    from myst_nb.core.read import is_myst_markdown_notebook, myst_nb_reader_plugin
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    cache = get_cache(app.config.nb_execution_cache_path or ".jupyter_cache")
    # Longest first: the later chapters train the bigger models, so start from the end of the book.
    site_map = getattr(app.config, "external_site_map", None) or {}
    order = {name: i for i, name in enumerate(site_map)}
    pending = []
    for docname in sorted(docnames, key=lambda d: -order.get(d, -1)):
        path = Path(env.doc2path(docname))
        if path.suffix != ".md" or not is_myst_markdown_notebook(path.read_text("utf8")):
            continue
        try:
            cache.match_cache_notebook(myst_nb_reader_plugin(str(path)))
        except KeyError:  # not cached: its code changed, or the cache is new
            pending.append(cache.add_nb_to_project(str(path), read_data=READER))
    if not pending:
        return  # every notebook is cached
    logger.info(f"executing {len(pending)} notebooks side by side, one per core")
    threads = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    os.environ.update(dict.fromkeys(threads, "1"))  # the kernels inherit it
    work = [
        ProcessData(
            record.pk,
            record.uri,
            cache,
            app.config.nb_execution_timeout,
            app.config.nb_execution_allow_errors,
        )
        for record in pending
    ]
    try:
        with multiprocessing.Pool(min(len(work), os.cpu_count() or 1)) as pool:
            # chunksize 1: the notebooks are handed out in the order above, one at a time
            results = pool.map(ExecutionWorkerLocalMProc(), work, chunksize=1)
    finally:
        for key, value in threads.items():
            os.environ.pop(key) if value is None else os.environ.update({key: value})
    # status 0: cached; 1: a cell raised; 2: the run itself failed
    failed = [uri for status, uri in results if status != 0]
    if failed:
        reports = [
            f"{uri}:\n{cache.get_project_record(uri).traceback or 'no traceback recorded'}"
            for uri in failed
        ]
        raise ExtensionError("notebook execution failed:\n" + "\n".join(reports))


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
    for name in TWIN_FILES:
        (app.add_js_file if name.endswith(".js") else app.add_css_file)(name)
    app.connect("env-before-read-docs", _execute_side_by_side)
    app.connect("build-finished", _write_bundle)
    app.connect("build-finished", _write_execution_report)
    app.connect("html-page-context", _dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
