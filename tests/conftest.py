"""Shared fixtures: the repository root and a book built once per test session."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the whole book from clean, as `make book` does; return the _build folder."""
    build = ROOT / "_build"
    shutil.rmtree(build, ignore_errors=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        pytest.fail(f"book build failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    print(proc.stdout[-2000:])  # the per-notebook execution times, shown with -s or on failure
    return build
