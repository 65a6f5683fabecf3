"""Releases: one version everywhere, a release command that keeps it so, and workflows that tag
the version before they publish a page naming it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

INSTALL = re.compile(r"dlsteps @ git\+(\S+?)@v(\d+\.\d+\.\d+)\b")
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def version_problems(root: Path) -> list[str]:
    """Everything that disagrees with the package version in the repository at ``root``."""
    init = (root / "src" / "dlsteps" / "__init__.py").read_text()
    version = re.search(r'^__version__ = "([^"]+)"$', init, re.M).group(1)
    url = yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]
    problems = []
    for md in sorted([*root.glob("notebooks/*.md"), *root.glob("zh/notebooks/*.md")]):
        for path in (md, md.with_suffix(".ipynb")):  # both editions
            found = INSTALL.findall(path.read_text())
            if found != [(url, version)]:
                problems.append(f"{path.name} installs {found}, not [({url!r}, {version!r})]")
    changelog = (root / "CHANGELOG.md").read_text()
    section = re.search(rf"^## {re.escape(version)}\b.*?\n(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    if not section or not section.group(1).strip():
        problems.append(f"CHANGELOG.md has no section for {version}")
    citation = yaml.safe_load((root / "CITATION.cff").read_text())
    if str(citation["version"]) != version:
        problems.append(f"CITATION.cff names version {citation['version']}, not {version}")
    return problems


def test_every_install_cell_changelog_and_citation_name_the_package_version():
    assert version_problems(ROOT) == []


@pytest.fixture
def clone(tmp_path) -> Path:
    """A clone of the committed repository, where the release command may write."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(tmp_path / "repo")], check=True)
    return tmp_path / "repo"


def release(clone: Path, version: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(clone), "release", f"VERSION={version}",
         f"PYTHON={sys.executable}"],
        capture_output=True, text=True,
    )  # fmt: skip


def test_release_command_bumps_every_place_and_only_forward(clone):
    assert version_problems(clone) == []
    init = (clone / "src/dlsteps/__init__.py").read_text()
    old = re.search(r'^__version__ = "(.+)"$', init, re.M).group(1)
    major, minor, _ = map(int, old.split("."))
    new = f"{major}.{minor + 1}.0"

    assert "VERSION must be newer" in release(clone, old).stderr
    assert "VERSION must look like 1.2.3" in release(clone, "v2").stderr
    proc = release(clone, new)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert version_problems(clone) == []  # the same checks hold after the bump
    assert f'__version__ = "{new}"' in (clone / "src/dlsteps/__init__.py").read_text()
    changelog = (clone / "CHANGELOG.md").read_text()
    assert (
        changelog.index("## Unreleased")
        < changelog.index(f"## {new}")
        < changelog.index(f"## {old}")
    )
    changed = subprocess.run(
        ["git", "-C", str(clone), "diff", "--name-only"], capture_output=True, text=True
    ).stdout.split()
    chapters = len([*clone.glob("notebooks/*.md"), *clone.glob("zh/notebooks/*.md")])
    assert len(changed) == 2 * chapters + 3  # .md and .ipynb of both editions, __init__, ...


def workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_publish_workflow_tags_the_version_before_it_deploys_the_book():
    jobs = workflow("publish.yml")["jobs"]
    builds = [s["run"] for s in steps(jobs["build"]) if "run" in s]
    assert builds == ["make book"]  # the contributor's own command
    assert any(s.get("with", {}).get("path") == "_build/html" for s in steps(jobs["build"]))
    assert [s["run"] for s in steps(jobs["release"]) if "run" in s] == [
        "python3 .ci/release.py publish"
    ]
    assert jobs["release"]["permissions"] == {"contents": "write"}
    assert {"build", "release"} <= set(jobs["deploy"]["needs"])
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(jobs["deploy"]))


def test_test_workflow_runs_what_ci_runs():
    jobs = workflow("test.yml")["jobs"]
    assert [s["run"] for job in jobs.values() for s in steps(job) if "run" in s] == [".ci/run"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_action_is_pinned_by_commit():
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            for step in steps(job):
                if "uses" in step:
                    assert SHA_PIN.match(step["uses"]), (path.name, step["uses"])


def test_make_release_without_version_explains_itself(clone):
    proc = subprocess.run(["make", "-C", str(clone), "release"], capture_output=True, text=True)
    assert proc.returncode != 0 and "usage: make release VERSION=x.y.z" in proc.stdout


def test_readme_gives_the_books_address_badge_picture_and_licences():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    owner, name = url.removeprefix("https://github.com/").split("/")
    readme = (ROOT / "README.md").read_text()
    assert f"https://{owner}.github.io/{name}/" in readme
    assert f"{url}/actions/workflows/test.yml/badge.svg" in readme
    picture = re.search(r"!\[[^\]]+\]\(([^)]+\.png)\)", readme).group(1)
    assert 1000 < (ROOT / picture).stat().st_size < 150_000
    for licence in ("LICENSE", "LICENSE-TEXT"):
        assert f"`{licence}`" in readme and (ROOT / licence).stat().st_size > 1000
    footer = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["extra_footer"]
    assert "CC BY-SA 4.0" in footer and "MIT" in footer
