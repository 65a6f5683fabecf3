"""The built book: every notebook executed once, every figure on its page, every number filled in.

That the committed notebooks reproduce these numbers is checked where they run, in test_colab.py.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

from conftest import NOTEBOOKS

GLUE_MIME = "application/papermill.record/text/plain"


def glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The text of every value a notebook glued, by name (timings, named time_*, left out)."""
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and not name.startswith("time_"):
                values[name] = out["data"][GLUE_MIME]
    return values


def page(built: Path, md: Path) -> str:
    return (built / "html" / "notebooks" / f"{md.stem}.html").read_text(encoding="utf-8")


def test_execution_report_lists_every_chapter(built_book):
    report = json.loads((built_book / "html" / "execution-report.json").read_text())
    assert {f"notebooks/{md.stem}" for md in NOTEBOOKS} <= set(report)
    assert all(entry["succeeded"] for entry in report.values())


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_is_on_the_page(built_book, md):
    html = page(built_book, md)
    expected = len(re.findall(r"^  figure:$", md.read_text(), flags=re.M))
    figures = re.findall(r'<figure[^>]*id="(fig-[^"]+)".*?<img[^>]*src="([^"]+)"', html, re.S)
    assert len(figures) == expected
    for _, src in figures:
        image = (built_book / "html" / "notebooks" / src).resolve()
        assert image.stat().st_size > 1000, f"{src} is empty"


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_numbers_are_filled_in(built_book, md):
    html = page(built_book, md)
    assert "{glue" not in html and "glue:text" not in html
    assert md.read_text().count("{glue:text}") <= html.count('class="pasted-text"')


def test_every_page_states_the_licences(built_book):
    pages = sorted((built_book / "html").glob("**/*.html"))
    pages = [
        p
        for p in pages
        if "_static" not in p.parts and p.name not in ("search.html", "genindex.html")
    ]
    assert len(pages) >= len(NOTEBOOKS) + 3
    for html in pages:
        text = html.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text.lower():  # index.html only redirects to intro.html
            continue
        assert "CC BY-SA 4.0" in text and "LICENSE" in text, html.name
