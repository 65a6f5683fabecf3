"""Every command README.md and how-to-use.md tell a reader to type is run by a test.

The commands are read from the documents (fenced ``bash`` blocks, and inline code that starts
like a command), so a document cannot name a command that no test runs, and a test cannot keep
checking a command the documents dropped. `make lab` is run by the JupyterLab browser test
(tests/test_jupyterlab.py); `make book`, `make check` and `make lint` are run by `make test`,
whose prerequisites they are; `make test` is what CI runs.
"""

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

DOCS = ["README.md", "how-to-use.md"]
COMMAND_START = ("make ", "git ", "cd ", "sudo ", ".venv/bin/")


def documented_commands() -> set[str]:
    found = set()
    for doc in DOCS:
        text = (ROOT / doc).read_text()
        for block in re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M):
            for line in block.splitlines():
                command = line.split("#")[0].strip()
                if command:
                    found.add(command)
        for span in re.findall(r"`([^`\n]+)`", text):
            if span.startswith(COMMAND_START):
                found.add(span)
    return found


def clone(tmp_path: Path) -> Path:
    """A clone of this repository (the local stand-in for the documented `git clone`)."""
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    return target


def dry_run(target: str) -> str:
    """What `make <target>` would run, without running it."""
    proc = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, check=True
    )
    return proc.stdout


def run_by_make_test(command: str, tmp_path: Path) -> None:
    """`make test` runs these as its prerequisites (`make check` runs `make lint`)."""
    steps = dry_run("test")
    recipe = {
        "make book": "jupyter-book build . -W -n",
        "make check": 'pytest -m "not book"',
        "make lint": "pre-commit run --all-files",
    }[command]
    assert recipe in steps, f"`make test` does not run {command}"


def run_by_ci(command: str, tmp_path: Path) -> None:
    lines = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert lines[-1] == command


def run_by_the_jupyterlab_test(command: str, tmp_path: Path) -> None:
    import test_jupyterlab

    assert test_jupyterlab.lab_command() == shlex.split(command)


def git_clone(command: str, tmp_path: Path) -> None:
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert command == f"git clone {url}"  # offline here: the tests clone the local repository
    assert (clone(tmp_path) / "Makefile").is_file()


def cd_into_clone(command: str, tmp_path: Path) -> None:
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert command == f"cd {url.rsplit('/', 1)[1]}"


def make_sync(command: str, tmp_path: Path) -> None:
    """In a clone, with this checkout's environment: the pairs are in sync, so nothing changes."""
    repo = clone(tmp_path)
    before = {p.name: p.read_text() for p in (repo / "notebooks").glob("*.ipynb")}
    venv = ROOT / ".venv"
    args = [f"VENV={venv}", "-o", f"{venv}/.installed"]
    subprocess.run([*shlex.split(command), "-C", str(repo), *args], check=True)
    after = {p.name: p.read_text() for p in (repo / "notebooks").glob("*.ipynb")}
    assert after == before


def make_bench(command: str, tmp_path: Path) -> None:
    """Too slow for every test run: it must call the benchmark module, which must load."""
    assert "-m dlsteps.bench" in dry_run("bench")
    import dlsteps.bench

    assert callable(dlsteps.bench.main)


def make_release(command: str, tmp_path: Path) -> None:
    repo = clone(tmp_path)
    subprocess.run([*shlex.split(command), "-C", str(repo)], check=True, capture_output=True)
    version = command.split("VERSION=")[1]
    assert f'__version__ = "{version}"' in (repo / "src" / "dlsteps" / "__init__.py").read_text()


def pre_commit_install(command: str, tmp_path: Path) -> None:
    repo = clone(tmp_path)
    subprocess.run([str(ROOT / command.split()[0]), *command.split()[1:]], cwd=repo, check=True)
    assert "pre-commit" in (repo / ".git" / "hooks" / "pre-commit").read_text()


def apt_get_fashion_mnist(command: str, tmp_path: Path) -> None:
    """The set-up installs it (as root) or prints this line; here, it is installed."""
    package = command.split()[-1]
    assert package in (ROOT / ".ci" / "system-deps.sh").read_text()
    status = subprocess.run(["dpkg", "-s", package], capture_output=True, text=True)
    assert "Status: install ok installed" in status.stdout


HOW = {
    "git clone https://github.com/dlsteps/first-steps-in-deep-learning": git_clone,
    "cd first-steps-in-deep-learning": cd_into_clone,
    "make book": run_by_make_test,
    "make check": run_by_make_test,
    "make lint": run_by_make_test,
    "make test": run_by_ci,
    "make lab": run_by_the_jupyterlab_test,
    "make sync": make_sync,
    "make bench": make_bench,
    "make release VERSION=0.2.0": make_release,
    ".venv/bin/pre-commit install": pre_commit_install,
    "sudo apt-get install dataset-fashion-mnist": apt_get_fashion_mnist,
}


def test_every_documented_command_has_a_test_and_no_other():
    assert documented_commands() == set(HOW)


@pytest.mark.parametrize("command", HOW)
def test_documented_command_works(command, tmp_path):
    HOW[command](command, tmp_path)
