"""Each chapter's .md (the source) and its committed .ipynb (for Colab) must stay in step."""

import json

import jupytext
import pytest
import yaml
from jupytext.compare import compare_notebooks

from conftest import NOTEBOOKS, ROOT, ZH_NOTEBOOKS

BOTH = [*NOTEBOOKS, *ZH_NOTEBOOKS]  # the English chapters and the Chinese ones


def name(md):
    return str(md.relative_to(ROOT).with_suffix(""))


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks/*.md found"


@pytest.mark.parametrize("md", BOTH, ids=name)
def test_ipynb_pair_matches_md(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run `make sync`"
    source = jupytext.read(md)
    paired = jupytext.read(ipynb)
    try:
        compare_notebooks(paired, source, fmt="md:myst")
    except Exception as err:  # jupytext raises NotebookDifference with a readable diff
        pytest.fail(f"{ipynb.name} is out of sync with {md.name}: run `make sync`\n{err}")


@pytest.mark.parametrize("md", BOTH, ids=name)
def test_committed_ipynb_has_no_outputs(md):
    cells = json.loads(md.with_suffix(".ipynb").read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = [entry["file"] for entry in toc["chapters"]]
    chapters = [f"notebooks/{md.stem}" for md in NOTEBOOKS]
    assert sorted(c for c in listed if c.startswith("notebooks/")) == chapters
