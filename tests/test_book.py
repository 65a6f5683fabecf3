"""The built book: every notebook executed once, every figure on its page, every number filled in,
in both editions (the Chinese one in _build/html/zh, from the English executions).

That the committed notebooks reproduce these numbers is checked where they run, in test_colab.py.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

from conftest import NOTEBOOKS, ROOT, ZH_NOTEBOOKS

BOTH = [*NOTEBOOKS, *ZH_NOTEBOOKS]


def name(md: Path) -> str:
    return str(md.relative_to(ROOT).with_suffix(""))


GLUE_MIME = "application/papermill.record/text/plain"
PASTED = r'<span class="pasted-text">([^<]*)</span>'  # a glued number, as the page shows it
WORD = re.compile(r"\b(?!inf\b|nan\b)[A-Za-z]{2,}")  # a word, but not a non-finite number
IMAGE = r'<img[^>]*src="[^"]*?([0-9a-f]{64}\.png)"'  # an output image, named by its hash


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
    """The built page of a chapter of either edition."""
    return (built / "html" / f"{name(md)}.html").read_text(encoding="utf-8")


def test_execution_report_lists_every_chapter(built_book):
    report = json.loads((built_book / "html" / "execution-report.json").read_text())
    assert {f"notebooks/{md.stem}" for md in NOTEBOOKS} <= set(report)
    assert all(entry["succeeded"] for entry in report.values())


def test_chinese_edition_executes_nothing_and_shows_the_english_outputs(built_book):
    """Each Chinese chapter takes its English chapter's executed outputs: 0 s of execution, and
    the same glued values and images on the page."""
    report = json.loads((built_book / "html" / "zh" / "execution-report.json").read_text())
    assert set(report) == {f"notebooks/{md.stem}" for md in ZH_NOTEBOOKS}
    assert all(entry == {"seconds": 0.0, "succeeded": True} for entry in report.values())
    for md in NOTEBOOKS:
        zh = ROOT / "zh" / md.relative_to(ROOT)
        # The same numbers (a sentence may put them in another order) and the same images.
        shown = [sorted(re.findall(PASTED, page(built_book, m))) for m in (md, zh)]
        assert shown[0] == shown[1] and shown[0], md.stem
        images = [re.findall(IMAGE, page(built_book, m)) for m in (md, zh)]
        assert images[0] == images[1] and images[0], md.stem


@pytest.mark.parametrize("md", BOTH, ids=name)
def test_every_figure_is_on_the_page(built_book, md):
    html = page(built_book, md)
    expected = len(re.findall(r"^  figure:$", md.read_text(), flags=re.M))
    figures = re.findall(r'<figure[^>]*id="(fig-[^"]+)".*?<img[^>]*src="([^"]+)"', html, re.S)
    assert len(figures) == expected
    for _, src in figures:
        image = (built_book / "html" / name(md)).parent.joinpath(src).resolve()
        assert image.stat().st_size > 1000, f"{src} is empty"


@pytest.mark.parametrize("md", NOTEBOOKS, ids=name)
def test_prose_glues_numbers_not_words(built_book, md):
    """A glued value is a number: a word chosen by the run would stay English in the Chinese
    edition (which shows the English run's outputs). A result that is a word, such as the class
    a model confuses most, is named in the prose of each edition and asserted there."""
    words = [v for v in re.findall(PASTED, page(built_book, md)) if WORD.search(v)]
    assert words == []


@pytest.mark.parametrize("md", BOTH, ids=name)
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
    assert len(pages) >= 2 * (len(NOTEBOOKS) + 3)  # both editions
    for html in pages:
        text = html.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text.lower():  # index.html only redirects to intro.html
            continue
        assert "CC BY-SA 4.0" in text and "LICENSE" in text, html.name
