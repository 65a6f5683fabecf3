"""The book's two editions share one source of code: the English chapters (notebooks/) and
their Chinese twins (zh/notebooks/) have the same code cells, in the same order.

    python .ci/editions.py sync        # `make sync`: copy every code cell of each English chapter
                                       # into its Chinese twin; the prose and the figure captions
                                       # stay as translated
    python .ci/editions.py start NAME  # begin zh/notebooks/NAME.md as a copy of the English
                                       # chapter, for its prose and captions to be translated

A change to a chapter's code is made in English and reaches the Chinese edition through
`make sync`. A cell added or removed in English needs its place in the Chinese prose: sync stops
and names the chapter until the Chinese file has the same number of code cells.
tests/test_editions.py checks that the two editions stay alike.
"""

import copy
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
EN, ZH = ROOT / "notebooks", ROOT / "zh" / "notebooks"
FORMAT = "md:myst"


def caption(cell) -> str | None:
    return cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")


def with_english_code(zh_cell, en_cell):
    """The English code cell, carrying the Chinese cell's figure caption."""
    cell = copy.deepcopy(en_cell)
    if caption(zh_cell) and caption(en_cell):
        cell.metadata["mystnb"]["figure"]["caption"] = caption(zh_cell)
    return cell


def sync(en_path: Path, zh_path: Path) -> bool:
    """Rewrite zh_path with en_path's code cells; False (and a message) if their counts differ."""
    en, zh = jupytext.read(en_path), jupytext.read(zh_path)
    en_code = [c for c in en.cells if c.cell_type == "code"]
    zh_index = [i for i, c in enumerate(zh.cells) if c.cell_type == "code"]
    if len(en_code) != len(zh_index):
        print(
            f"{zh_path.relative_to(ROOT)} has {len(zh_index)} code cells and "
            f"{en_path.relative_to(ROOT)} {len(en_code)}: add or remove the cell in the Chinese "
            "chapter, at the same place, then run `make sync` again",
            file=sys.stderr,
        )
        return False
    for i, en_cell in zip(zh_index, en_code, strict=True):
        zh.cells[i] = with_english_code(zh.cells[i], en_cell)
    zh.metadata = copy.deepcopy(en.metadata)
    text = jupytext.writes(zh, fmt=FORMAT)
    if text != zh_path.read_text(encoding="utf-8"):
        zh_path.write_text(text, encoding="utf-8")
        print(f"{zh_path.relative_to(ROOT)}: code cells copied from English")
    return True


def start(name: str) -> None:
    en_path, zh_path = EN / f"{name}.md", ZH / f"{name}.md"
    if zh_path.exists():
        sys.exit(f"{zh_path.relative_to(ROOT)} exists already")
    zh_path.parent.mkdir(parents=True, exist_ok=True)
    zh_path.write_text(jupytext.writes(jupytext.read(en_path), fmt=FORMAT), encoding="utf-8")
    print(f"{zh_path.relative_to(ROOT)}: translate its prose and captions")


def main(argv: list[str]) -> None:
    if argv[:1] == ["sync"] and len(argv) == 1:
        pairs = [(EN / p.name, p) for p in sorted(ZH.glob("*.md"))]
        missing = [p.name for p in sorted(EN.glob("*.md")) if not (ZH / p.name).exists()]
        if missing:
            print(f"no Chinese edition yet of: {', '.join(missing)}", file=sys.stderr)
        ok = all([sync(en, zh) for en, zh in pairs])  # every chapter, then the verdict
        sys.exit(0 if ok and not missing else 1)
    elif argv[:1] == ["start"] and len(argv) == 2:
        start(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
