"""The chapters' text: every number is computed or declared, every exercise has a checked solution.

A number in the prose is either glued from the build ({glue:text}), inside math or code, or one
of the set-up constants its chapter declares in ``tests/prose_constants.yml`` (the
hyperparameters and sizes the chapter chooses). A result typed by hand fails here.
"""

import re
from pathlib import Path

import jupytext
import pytest
import yaml

from conftest import NOTEBOOKS, ROOT, ZH_NOTEBOOKS

CONSTANTS = yaml.safe_load((ROOT / "tests" / "prose_constants.yml").read_text(encoding="utf-8"))
WORDS = {
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "hundred": 100, "thousand": 1000, "million": 1_000_000,
}  # fmt: skip
NUMBER_PATTERN = (
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w.]*[a-zA-Z_(])"
    r"|\b(" + "|".join(WORDS) + r")\b"
)
NUMBER = re.compile(NUMBER_PATTERN, re.IGNORECASE)
# In Chinese a digit sits right beside a character ("第3步"): with ASCII word characters the
# character is no letter, and the digit is found.
NUMBER_ZH = re.compile(NUMBER_PATTERN, re.IGNORECASE | re.ASCII)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")


def without_code_blocks(text: str) -> str:
    """``text`` without its fenced code blocks; a directive's fences stay, with their content.

    Fences are paired as MyST pairs them: a bare fence closes the innermost open one of the same
    length. (A bare ```` that closes a directive is no code block's opening: read alone, as a
    pattern reads it, it would swallow the prose up to the next bare fence.)
    """
    lines, open_fences = [], []  # (fence, is code) of every fence open around the line
    for line in text.split("\n"):
        fence = FENCE.match(line)
        in_code = any(code for _, code in open_fences)
        if fence and open_fences and open_fences[-1][0] == fence[1] and not fence[2].strip():
            lines.append(line if not in_code else "")
            open_fences.pop()
        elif fence and not in_code:
            open_fences.append((fence[1], not fence[2].strip().startswith("{")))
            lines.append(line if not open_fences[-1][1] else "")
        else:
            lines.append("" if in_code else line)
    return "\n".join(lines)


STRIP = [
    (re.compile(r"\$\$.*?\$\$", re.S), " "),  # display math
    (re.compile(r"(?<!\\)\$[^$\n]+?\$"), " "),  # inline math
    (re.compile(r"\{[\w:-]+\}`[^`]*`"), " "),  # roles: glue, numref, term, cite, doc, ...
    (re.compile(r"`[^`\n]*`"), " "),  # inline code
    (re.compile(r"\]\([^)]*\)"), "]"),  # link targets
    (re.compile(r"<!--.*?-->", re.S), " "),  # comments
    (re.compile(r"^\s*`{3,}\{[\w-]+\}.*$", re.M), " "),  # directive fences and their arguments
    (re.compile(r"^:[\w-]+:.*$", re.M), " "),  # directive options (:label:, :class:)
    (re.compile(r"^\s*\d+\.\s", re.M), " "),  # the markers of a numbered list
]


def prose(md: Path) -> str:
    """The reader-facing text of a chapter: markdown cells and figure captions."""
    nb = jupytext.read(md)
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for cell in nb.cells:
        caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
        if caption:
            parts.append(caption)
    text = without_code_blocks("\n\n".join(parts))
    for pattern, replacement in STRIP:
        text = pattern.sub(replacement, text)
    return text


def typed_numbers(text: str, number: re.Pattern = NUMBER) -> list[tuple[float, str]]:
    """Every number written in ``text``, with the words around it."""
    found = []
    for m in number.finditer(text):
        value = float(m.group(1).replace(",", "")) if m.group(1) else WORDS[m.group(2).lower()]
        context = " ".join(text[max(0, m.start() - 40) : m.end() + 40].split())
        found.append((value, context))
    return found


def allowed(chapter: str) -> set[float]:
    return {float(v) for v in CONSTANTS["everywhere"] + CONSTANTS[chapter]}


@pytest.mark.parametrize(
    "md", [*NOTEBOOKS, *ZH_NOTEBOOKS], ids=lambda p: str(p.relative_to(ROOT).with_suffix(""))
)
def test_every_number_in_the_prose_is_glued_or_a_declared_constant(md):
    ok = allowed(md.stem)  # a chapter's set-up constants are the same in both editions
    number = NUMBER_ZH if md in ZH_NOTEBOOKS else NUMBER
    typed = [(v, ctx) for v, ctx in typed_numbers(prose(md), number) if v not in ok]
    listing = "\n".join(f"  {v:g}: ...{ctx}..." for v, ctx in typed)
    assert not typed, (
        f"{md.name} types numbers by hand; glue them, or declare a set-up constant in "
        f"tests/prose_constants.yml:\n{listing}"
    )


def test_every_chapter_declares_its_constants_and_no_others():
    assert set(CONSTANTS) == {"everywhere"} | {md.stem for md in NOTEBOOKS}


def test_the_scan_finds_typed_results_and_ignores_glue_math_and_code():
    text = (
        "It reaches 84% in ten epochs and 1,000.5 s, {glue:text}`acc:.1%` in $10^{-4}$ and "
        "`lr=0.03`, with L1, float32, x2 and $$\\sigma = 3$$ left alone."
    )
    for pattern, replacement in STRIP:
        text = pattern.sub(replacement, text)
    assert [v for v, _ in typed_numbers(text)] == [84, 10, 1000.5]
    directives = "````{solution-end}\n````\n\n````{exercise}\nTrain for 12 epochs.\n````\n"
    code = "```bash\nmake 42\n```\n\nthen 7 more"
    assert [v for v, _ in typed_numbers(without_code_blocks(directives + code))] == [12, 7]
    zh = "第3轮的准确率为84%，用时{glue:text}`t:.1f`秒，学习率 `lr=0.1`，$10^{-4}$ 和 L1 不算。"
    for pattern, replacement in STRIP:
        zh = pattern.sub(replacement, zh)
    assert [v for v, _ in typed_numbers(zh, NUMBER_ZH)] == [3, 84]
    assert typed_numbers(zh) == []  # the English pattern misses digits beside characters


# --- Exercises ----------------------------------------------------------------------------------

TOKEN = re.compile(
    r"`{3,}\{exercise\}\s*\n:label:\s*(?P<exercise>[\w-]+)"
    r"|`{3,}\{solution-start\}\s*(?P<solution>[\w-]+)\s*\n(?P<options>(?::[\w-]+:.*\n)*)"
    r"|`{3,}\{solution-end\}"
)


def exercises(md: Path) -> tuple[list[str], dict[str, dict]]:
    """The exercise labels in order, and per solution: its options, prose and code cells."""
    labels, solutions, current = [], {}, None
    for cell in jupytext.read(md).cells:
        if cell.cell_type == "code":
            if current is not None:
                current["code"].append(cell.source)
            continue
        pos = 0
        for m in TOKEN.finditer(cell.source):
            if current is not None:
                current["prose"] += cell.source[pos : m.start()]
            if m.group("exercise"):
                labels.append(m.group("exercise"))
            elif m.group("solution"):
                current = {"options": m.group("options"), "prose": "", "code": []}
                solutions[m.group("solution")] = current
            else:
                current = None
            pos = m.end()
        if current is not None:
            current["prose"] += cell.source[pos:]
    return labels, solutions


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_a_hidden_executed_asserted_solution(md):
    labels, solutions = exercises(md)
    assert labels, f"{md.name} has no exercises"
    assert set(solutions) == set(labels), f"{md.name}: exercises {labels}, solutions {solutions}"
    for label in labels:
        sol = solutions[label]
        assert ":class: dropdown" in sol["options"], f"{label}: the solution must start hidden"
        assert sol["code"], f"{label}: the solution runs no code"
        assert any(re.search(r"^\s*assert ", c, re.M) for c in sol["code"]), (
            f"{label}: no cell of the solution asserts its claim"
        )
        quoted = set(re.findall(r"\{glue:text\}`(\w+)", sol["prose"]))
        glued = {g for c in sol["code"] for g in re.findall(r"glue\(\s*f?[\"'](\w+)", c)}
        assert quoted & glued, f"{label}: the solution text quotes no number its own code glues"
