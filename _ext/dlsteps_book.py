"""The book's own Sphinx extension (listed in ``_config.yml``; not part of the installed package).

It serves the Vega-Lite runtime as one shared file, ``_static/vega-bundle.js``, so the static
slider demos draw with no network, with the twins' own script and style (``dlsteps-twins.js``,
``dlsteps-twins.css``) and accessibility fixes to the theme (``dlsteps-page.js``, ``.css``);
it executes the notebooks side by side, one per core, before Sphinx reads them, or as a
command run before the builds (the Chinese edition takes the English edition's executed
outputs instead, chapter by chapter, where the code is the same); it writes a per-notebook
execution-time report; it puts a link to the same page in the other edition on every page;
and it removes duplicated page scripts.
"""

import json
import multiprocessing
import os
import re
from pathlib import Path
from typing import Any

BUNDLE_NAME = "vega-bundle.js"
# The twins' runtime and style; accessible names for the theme's search and mode buttons, and
# link contrast in tinted admonitions. Each is served from _static/ and linked from every page.
TWIN_FILES = ("dlsteps-twins.js", "dlsteps-twins.css", "dlsteps-page.js", "dlsteps-page.css")
HERE = Path(__file__).resolve().parent
READER = {"name": "myst_nb_md", "type": "plugin"}  # myst-nb's own reader of .md notebooks
# The editions, by Sphinx `language`: where each lies in the built site, and how its link reads.
EDITIONS = {
    "en": {"root": "", "label": "English", "lang": "en", "title": "Read this page in English"},
    "zh_CN": {"root": "zh/", "label": "中文", "lang": "zh-CN", "title": "阅读本页的中文版"},
}


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


def execute_pending(
    cache: Any, notebooks: list[tuple[Path, Path | None]], timeout: int, allow_errors: bool, log
) -> list[str]:
    """Execute the notebooks whose code is not in the cache, one per core, in the given order.

    ``notebooks`` pairs each path with its twin in the edition whose executions it may reuse
    (or None). myst-nb executes notebooks one after another as Sphinx reads them, and a small
    PyTorch model gains little from a second thread. Here jupyter-cache runs them in a pool of
    processes, each kernel with one thread (a lone notebook too: the numbers must not depend on
    how many ran), and stores them in the same cache myst-nb reads. myst-nb then finds every
    notebook cached: nothing is executed twice, and what the pages show is the same. Returns a
    report (with its traceback) for each notebook that failed.
    """
    from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc, ProcessData
    from myst_nb.core.read import is_myst_markdown_notebook, myst_nb_reader_plugin

    pending, reused = [], []
    for path, twin in notebooks:
        if path.suffix != ".md" or not is_myst_markdown_notebook(path.read_text("utf8")):
            continue
        try:
            cache.match_cache_notebook(myst_nb_reader_plugin(str(path)))
        except KeyError:  # not cached: its code changed, or the cache is new
            if twin and twin.is_file() and _reuse_outputs(cache, path, twin):
                reused.append(path)
            else:
                pending.append(cache.add_nb_to_project(str(path), read_data=READER))
    if reused:
        log(f"reused the executed outputs of {len(reused)} notebooks of the other edition")
    if not pending:
        return []  # every notebook is cached
    log(f"executing {len(pending)} notebooks side by side, one per core")
    threads = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    os.environ.update(dict.fromkeys(threads, "1"))  # the kernels inherit it
    work = [ProcessData(r.pk, r.uri, cache, timeout, allow_errors) for r in pending]
    try:
        with multiprocessing.Pool(min(len(work), os.cpu_count() or 1)) as pool:
            # chunksize 1: the notebooks are handed out in the order given, one at a time
            results = pool.map(ExecutionWorkerLocalMProc(), work, chunksize=1)
    finally:
        for key, value in threads.items():
            os.environ.pop(key) if value is None else os.environ.update({key: value})
    # status 0: cached; 1: a cell raised; 2: the run itself failed
    return [
        f"{uri}:\n{cache.get_project_record(uri).traceback or 'no traceback recorded'}"
        for status, uri in results
        if status != 0
    ]


def _execute_side_by_side(app: Any, env: Any, docnames: list[str]) -> None:
    """Before Sphinx reads them, execute the notebooks whose code is not cached (execute_pending).

    `make book` has done so already (``python _ext/dlsteps_book.py``); this covers a plain
    ``jupyter-book build``. A notebook that fails stops the build here, with its traceback.
    """
    if app.config.nb_execution_mode != "cache":
        return
    from jupyter_cache import get_cache
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    # Longest first: the later chapters train the bigger models, so start from the end of the book.
    site_map = getattr(app.config, "external_site_map", None) or {}
    order = {name: i for i, name in enumerate(site_map)}
    source = app.config.dlsteps_outputs_from  # the edition whose executions this one reuses
    notebooks = [
        (Path(env.doc2path(d)), Path(app.srcdir, source, f"{d}.md") if source else None)
        for d in sorted(docnames, key=lambda d: -order.get(d, -1))
    ]
    cache = get_cache(app.config.nb_execution_cache_path or ".jupyter_cache")
    reports = execute_pending(
        cache,
        notebooks,
        app.config.nb_execution_timeout,
        app.config.nb_execution_allow_errors,
        logging.getLogger(__name__).info,
    )
    if reports:
        raise ExtensionError("notebook execution failed:\n" + "\n".join(reports))


def execute_book(book: Path) -> list[str]:
    """execute_pending for the chapters of the book at ``book``, as its _config.yml sets it up."""
    import yaml
    from jupyter_cache import get_cache

    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    execute = config.get("execute", {})
    source = config.get("sphinx", {}).get("config", {}).get("dlsteps_outputs_from")
    files = [entry["file"] for entry in reversed(toc["chapters"])]  # the end of the book first
    notebooks = [(book / f"{f}.md", book / source / f"{f}.md" if source else None) for f in files]
    # The cache path is relative to where the build runs, as in the book's own build.
    cache = get_cache(execute.get("cache", ".jupyter_cache"))
    return execute_pending(
        cache, notebooks, execute.get("timeout", 30), execute.get("allow_errors", False), print
    )


def _reuse_outputs(cache: Any, path: Path, twin: Path) -> bool:
    """Cache the notebook at ``path`` with the outputs of ``twin``'s cached run.

    Only where the two have the same code cells, in the same order (the Chinese edition's cells
    are the English ones, tests/test_editions.py): the outputs are those that code printed. The
    record says it ran in 0 s, which is what this build spent on it. False if the twin has no
    cached run or its code differs; the notebook is then executed as any other.
    """
    from jupyter_cache.base import CacheBundleIn
    from myst_nb.core.read import myst_nb_reader_plugin

    try:
        record = cache.match_cache_notebook(myst_nb_reader_plugin(str(twin)))
    except KeyError:
        return False
    executed = cache.get_cache_bundle(record.pk).nb
    nb = myst_nb_reader_plugin(str(path))
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    done = [cell for cell in executed.cells if cell.cell_type == "code"]
    if [c.source for c in code] != [c.source for c in done]:
        return False
    for cell, ran in zip(code, done, strict=True):
        cell.outputs, cell.execution_count = ran.outputs, ran.execution_count
    for key in ("language_info", "widgets"):  # what the run recorded of its kernel
        if key in executed.metadata:
            nb.metadata[key] = executed.metadata[key]
    bundle = CacheBundleIn(nb, str(path), data={"execution_seconds": 0.0, "outputs_of": str(twin)})
    cache.cache_notebook_bundle(bundle, check_validity=True, overwrite=True)
    return True


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


def _link_other_edition(app: Any, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give the page template the address of this page in the other edition."""
    this = EDITIONS[app.config.language]
    other = next(e for e in EDITIONS.values() if e is not this)
    up = "../" * (pagename.count("/") + this["root"].count("/"))  # to the English site's root
    context["dlsteps_other_edition"] = {**other, "href": f"{up}{other['root']}{pagename}.html"}


def _add_translations(app: Any, config: Any) -> None:
    """Fill the gaps of the theme's translations with the book's own (``_ext/locale``).

    Each catalog is compiled into the build's doctree folder and added after the theme's own,
    so a word the theme translates keeps the theme's translation.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = HERE / "locale" / config.language / "LC_MESSAGES"
    if not source.is_dir():
        return
    compiled = Path(app.doctreedir) / "dlsteps-locale"
    (compiled / config.language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    for po in sorted(source.glob("*.po")):
        with (
            po.open("rb") as text,
            (compiled / po.relative_to(HERE / "locale")).with_suffix(".mo").open("wb") as binary,
        ):
            write_mo(binary, read_po(text, locale=config.language))
        app.add_message_catalog(po.stem, str(compiled))


def _add_search_words(app: Any, config: Any) -> None:
    """Teach the Chinese search the book's terms, so that a query such as 学习率 finds them.

    Sphinx splits Chinese text into words with jieba, whose dictionary lacks many of the terms
    (学习率 becomes 学习 and 率). The Chinese names of the glossary join it as words.
    """
    glossary = Path(app.srcdir) / "glossary.md"
    if not config.language.startswith("zh") or not glossary.is_file():
        return
    text = glossary.read_text(encoding="utf-8").split("```{glossary}", 1)[-1]
    terms = re.findall(r"^[\u4e00-\u9fff]+$", text, re.M)  # a term line all in Chinese
    words = Path(app.doctreedir) / "search-words.txt"
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text("".join(f"{term} 100000\n" for term in terms), encoding="utf-8")
    config.html_search_options = {**config.html_search_options, "dict": str(words)}


def _add_language_switch(app: Any, config: Any) -> None:
    """Put the link to the other edition first among the buttons at the top of every page."""
    config.templates_path.append(str(HERE / "templates"))
    options = config.html_theme_options
    options["article_header_end"] = ["language-switch.html", "article-header-buttons.html"]


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: the shared Vega bundle, the timing report, one copy of each script,
    the link to the other edition."""
    # A progress bar is a live widget: on a static page it would be a dead box that also pulls
    # the widget manager from a CDN. The executed notebooks print per-epoch lines instead.
    os.environ["TQDM_DISABLE"] = "1"
    app.add_config_value("dlsteps_outputs_from", "", "env", [str])
    app.add_js_file(BUNDLE_NAME)
    for name in TWIN_FILES:
        (app.add_js_file if name.endswith(".js") else app.add_css_file)(name)
    app.connect("env-before-read-docs", _execute_side_by_side)
    app.connect("build-finished", _write_bundle)
    app.connect("build-finished", _write_execution_report)
    app.connect("html-page-context", _dedupe_scripts)
    app.connect("html-page-context", _link_other_edition)
    app.connect("config-inited", _add_language_switch)
    app.connect("config-inited", _add_translations)
    app.connect("config-inited", _add_search_words)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    # `python _ext/dlsteps_book.py BOOK [BOOK ...]` (make book): execute every chapter whose code
    # is not cached, and give each later book the outputs of the first where its code is the
    # same, so that the Sphinx builds that follow execute nothing and can run side by side.
    import sys

    failures = [report for book in sys.argv[1:] for report in execute_book(Path(book))]
    if failures:
        sys.exit("notebook execution failed:\n" + "\n".join(failures))
