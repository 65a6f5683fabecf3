"""Releases of the book's helper package, in one place (standard library only).

    python3 .ci/release.py bump 0.2.0   # `make release VERSION=0.2.0`: the version, every
                                        # chapter's install cell (.md and .ipynb, both
                                        # editions),
                                        # CHANGELOG.md and CITATION.cff
    python3 .ci/release.py notes 0.2.0  # print that version's CHANGELOG section
    python3 .ci/release.py publish      # in the publish workflow: tag v<version> and release
                                        # the wheel, unless the tag exists already

Tags are made by the workflow, never by hand: `bump` only edits files, to be committed.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INIT = ROOT / "src" / "dlsteps" / "__init__.py"
CHANGELOG = ROOT / "CHANGELOG.md"
CITATION = ROOT / "CITATION.cff"
VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.M)
INSTALL = re.compile(r"(dlsteps @ git\+\S+?@v)(\d+\.\d+\.\d+)")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
UNRELEASED = "## Unreleased"


def current_version() -> str:
    return VERSION_LINE.search(INIT.read_text(encoding="utf-8")).group(1)


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def changelog_section(version: str) -> str:
    """The body of ``## <version>`` in CHANGELOG.md; a clear error when there is none."""
    text = CHANGELOG.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(version)}\b.*?\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match or not match.group(1).strip():
        sys.exit(f"CHANGELOG.md has no section for {version}: add `## {version}` with its notes")
    return match.group(1).strip() + "\n"


def bump(version: str) -> None:
    old = current_version()
    if not SEMVER.match(version):
        sys.exit(f"VERSION must look like 1.2.3, got {version!r}")
    if as_tuple(version) <= as_tuple(old):
        sys.exit(f"VERSION must be newer than the current {old}, got {version}")
    text = CHANGELOG.read_text(encoding="utf-8")
    notes = re.search(rf"^{UNRELEASED}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not notes or not notes.group(1).strip():
        sys.exit(f"CHANGELOG.md: write what changed under `{UNRELEASED}` first")
    today = datetime.date.today().isoformat()
    heading = f"{UNRELEASED}\n\n## {version} — {today}\n\n{notes.group(1).strip()}\n\n"
    CHANGELOG.write_text(text[: notes.start()] + heading + text[notes.end() :], encoding="utf-8")
    INIT.write_text(VERSION_LINE.sub(f'__version__ = "{version}"', INIT.read_text()), "utf-8")
    citation = re.sub(r"^version: .*$", f"version: {version}", CITATION.read_text(), flags=re.M)
    citation = re.sub(r"^date-released: .*$", f'date-released: "{today}"', citation, flags=re.M)
    CITATION.write_text(citation, encoding="utf-8")
    for md in sorted([*ROOT.glob("notebooks/*.md"), *ROOT.glob("zh/notebooks/*.md")]):
        for path in (md, md.with_suffix(".ipynb")):  # both editions
            text = path.read_text(encoding="utf-8")
            new, count = INSTALL.subn(rf"\g<1>{version}", text)
            if count != 1:
                sys.exit(f"{path.name}: expected one install cell naming a version, found {count}")
            path.write_text(new, encoding="utf-8")
    print(f"dlsteps {old} -> {version}: commit, push to main; the publish workflow tags v{version}")


def publish() -> None:
    """Create tag v<version> with a GitHub release carrying the wheel, unless the tag exists."""
    version = current_version()
    tag = f"v{version}"
    remote = subprocess.run(
        ["git", "ls-remote", "--tags", "origin", f"refs/tags/{tag}"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    if remote.stdout.strip():
        print(f"{tag} exists already: nothing to release")
        return
    notes = changelog_section(version)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp, str(ROOT)], check=True
        )
        wheel = next(Path(tmp).glob(f"dlsteps-{version}-*.whl"))
        notes_file = Path(tmp) / "notes.md"
        notes_file.write_text(notes, encoding="utf-8")
        target = os.environ.get("GITHUB_SHA", "main")
        subprocess.run(
            ["gh", "release", "create", tag, str(wheel), "--target", target,
             "--title", f"dlsteps {version}", "--notes-file", str(notes_file)],
            check=True, cwd=ROOT,
        )  # fmt: skip
    print(json.dumps({"released": tag, "wheel": wheel.name}))


def main(argv: list[str]) -> None:
    match argv:
        case ["bump", version]:
            bump(version)
        case ["notes", version]:
            print(changelog_section(version), end="")
        case ["publish"]:
            publish()
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
