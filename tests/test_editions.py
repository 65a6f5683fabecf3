"""The Chinese edition (zh/) against the English one: the same pages, code and structure.

One source of code: each Chinese chapter's code cells are its English chapter's, character for
character, with the same cell options (`make sync` copies them: .ci/editions.py). What may
differ is what a translation changes: the prose and the figure captions. The structure must not
drift: the same sections, code cells, figures, glued values, exercises and solutions, labels
and cross-references. The Chinese prose must be Chinese: no paragraph left in English.
"""

import copy
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from test_text import without_code_blocks

from conftest import NOTEBOOKS, ROOT, ZH_NOTEBOOKS

ZH = ROOT / "zh"
PAGES = ["intro.md", "how-to-use.md", "glossary.md", "bibliography.md"]
CJK = re.compile(r"[\u3400-\u9fff]")
REFERENCE = re.compile(r"\{(?:numref|ref|eq|doc)\}`(?:[^`<]*<)?([^`<>]+)>?`")
# Not prose: math, roles, inline code, link targets; then directive options and fences, labels,
# table rows.
NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\{[\w:-]+\}`[^`]*`|`[^`\n]*`|\]\([^)]*\)", re.S)
NOT_PROSE_LINE = re.compile(r"^(:[\w-]+:.*|`{3,}.*|\(.*\)=|\|.*)$", re.M)
# The keys of zh/_config.yml that may differ from _config.yml (dotted paths).
CONFIG_DIFFERENCES = {
    "title",
    "author",
    "exclude_patterns",  # the English edition also leaves out README.md, tests/ and zh/
    "bibtex_bibfiles",  # ../references.bib: one folder up
    "repository.path_to_book",  # zh: the launch buttons open zh/notebooks/*.ipynb
    "html.extra_footer",  # the licences, in Chinese
    "html.favicon",
    "sphinx.local_extensions.dlsteps_book",
    "sphinx.config.language",
    "sphinx.config.dlsteps_outputs_from",
    "sphinx.config.html_theme_options.search_bar_text",
    "sphinx.config.togglebutton_hint",
    "sphinx.config.togglebutton_hint_hide",
}


def twin(md: Path) -> Path:
    return ZH / md.relative_to(ROOT)


def read(path: Path) -> nbformat.NotebookNode:
    """A chapter as its cells; a plain page (no notebook header) as one cell of prose."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\njupytext:"):
        return jupytext.reads(text, fmt="md:myst")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])


def without_caption(cell) -> dict:
    """A code cell as it runs: its source and options, the translated caption left out."""
    meta = copy.deepcopy(dict(cell.metadata))
    meta.get("mystnb", {}).get("figure", {}).pop("caption", None)
    return {"source": cell.source, "metadata": meta}


def structure(nb: nbformat.NotebookNode) -> dict[str, list]:
    """What both editions of a page must share, read from its cells."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = without_code_blocks("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))
    return {
        "cells": [c.cell_type for c in nb.cells],  # prose and code, in their order
        "code cells": [without_caption(c) for c in code],
        "sections": re.findall(r"^(#+) ", text, re.M),
        "figures": [c.metadata["mystnb"]["figure"]["name"] for c in code if caption(c)],
        "glued values": sorted(re.findall(r"\{glue:\w+\}`([^`]+)`", text)),  # in any order
        "exercises": re.findall(r"\{exercise\}.*\n:label:\s*(\S+)", text),
        "solutions": re.findall(r"\{solution-start\}\s*(\S+)", text),
        "labels": re.findall(r"^\(([\w-]+)\)=", text, re.M),
        "references": sorted(REFERENCE.findall(text)),
        "citations": sorted(re.findall(r"\{cite:\w+\}`([\w-]+)", text)),
        "directives": re.findall(r"^`{3,}\{([\w-]+)\}", text, re.M),
        "display math": [text.count("$$") // 2],
    }


def caption(cell) -> str | None:
    return cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")


def drift(en: nbformat.NotebookNode, zh: nbformat.NotebookNode) -> list[str]:
    """The parts of the structure in which two editions of a page differ."""
    a, b = structure(en), structure(zh)
    return [key for key in a if a[key] != b[key]]


def english_paragraphs(nb: nbformat.NotebookNode) -> list[str]:
    """Paragraphs of prose (math, code and roles left out) with no Chinese in them."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = NOT_PROSE.sub(" ", NOT_PROSE_LINE.sub(" ", without_code_blocks(cell.source)))
        for paragraph in re.split(r"\n\s*\n", text):
            if len(re.findall(r"[A-Za-z]{4,}", paragraph)) >= 4 and not CJK.search(paragraph):
                found.append(" ".join(paragraph.split())[:120])
    return found


def test_every_page_and_chapter_has_a_chinese_edition():
    assert [p.name for p in ZH_NOTEBOOKS] == [p.name for p in NOTEBOOKS]
    for name in PAGES:
        assert (ZH / name).is_file(), f"zh/{name} is missing"
    en_toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    zh_toc = yaml.safe_load((ZH / "_toc.yml").read_text(encoding="utf-8"))
    assert zh_toc == en_toc, "zh/_toc.yml must list the same pages in the same order"


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_chinese_chapter_has_the_english_code_and_structure(md):
    en, zh = read(md), read(twin(md))
    assert drift(en, zh) == [], f"{twin(md).relative_to(ROOT)} has drifted: run `make sync`"
    assert zh.metadata["kernelspec"] == en.metadata["kernelspec"]


@pytest.mark.parametrize("name", PAGES)
def test_chinese_page_has_the_english_structure(name):
    en, zh = read(ROOT / name), read(ZH / name)
    assert drift(en, zh) == []


@pytest.mark.parametrize("md", [*NOTEBOOKS, *(ROOT / p for p in PAGES)], ids=lambda p: p.stem)
def test_chinese_prose_and_captions_are_chinese(md):
    zh = read(twin(md))
    assert english_paragraphs(zh) == [], "untranslated paragraphs"
    for cell in zh.cells:
        if caption(cell):
            assert CJK.search(caption(cell)), f"an untranslated caption: {caption(cell)[:80]}"


def test_the_drift_check_finds_a_cell_or_a_section_in_one_edition_only():
    en = read(NOTEBOOKS[0])
    zh = copy.deepcopy(en)  # a twin without drift, whatever the state of the translation
    assert drift(en, zh) == []
    extra = copy.deepcopy(zh)
    extra.cells.insert(3, nbformat.v4.new_code_cell("print('only in Chinese')"))
    assert "code cells" in drift(en, extra)
    changed = copy.deepcopy(zh)
    first = next(c for c in changed.cells if c.cell_type == "code" and c.source.strip())
    first.source += "\nx = 1"
    assert drift(en, changed) == ["code cells"]
    heading = copy.deepcopy(zh)
    heading.cells.append(nbformat.v4.new_markdown_cell("## 多出的一节"))
    assert {"cells", "sections"} <= set(drift(en, heading))
    glued = copy.deepcopy(zh)
    cell = next(c for c in glued.cells if "{glue:text}" in c.source)
    cell.source = re.sub(r"\{glue:text\}`[^`]+`", "42", cell.source, count=1)
    assert drift(en, glued) == ["glued values"]
    prose = next(c for c in en.cells if c.cell_type == "markdown" and len(c.source) > 300)
    assert english_paragraphs(nbformat.v4.new_notebook(cells=[prose])), "English prose passed"


def test_chinese_config_differs_only_where_it_must():
    def flat(tree, prefix=""):
        if not isinstance(tree, dict):
            return {prefix.rstrip("."): tree}
        return {k: v for key, sub in tree.items() for k, v in flat(sub, f"{prefix}{key}.").items()}

    en = flat(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")))
    zh = flat(yaml.safe_load((ZH / "_config.yml").read_text(encoding="utf-8")))
    differ = {k for k in en.keys() | zh.keys() if en.get(k) != zh.get(k)}
    assert differ <= CONFIG_DIFFERENCES, sorted(differ - CONFIG_DIFFERENCES)
    assert zh["sphinx.config.language"] == "zh_CN"


# A reference renders as Chinese words (图 3, 练习 2): a space before it would stand between two
# Chinese characters on the page ("如 图 3 所示").
SPACED_REFERENCE = re.compile(r"[\u4e00-\u9fff，。：；（、] \{(?:numref|ref)\}`")


@pytest.mark.parametrize("md", [*NOTEBOOKS, *(ROOT / p for p in PAGES)], ids=lambda p: p.stem)
def test_no_space_between_chinese_and_a_reference(md):
    text = twin(md).read_text(encoding="utf-8")
    assert [m.group() for m in SPACED_REFERENCE.finditer(text)] == []
