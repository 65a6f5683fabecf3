"""Shared fixtures: the repository root, and the book as `make book` built it.

Tests that need the built book, the Colab-like environment or a browser carry the ``book``
marker (set here from the fixtures they use); `make check` runs everything else.
"""

import fcntl
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Under pytest-xdist (`make check`, `make test`: one worker per core) each worker computes on one
# thread, as do the processes it starts; two workers with a thread per core each would thrash.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = "1"

# Property tests: the same examples on every run (derandomized) and a bounded number of them.
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))
ZH_NOTEBOOKS = sorted((ROOT / "zh" / "notebooks").glob("*.md"))  # the Chinese edition's chapters
SOURCES = [
    *("notebooks/*.md", "*.md", "*.yml", "*.bib", "_static/*", "src/**/*.py", "_ext/**/*"),
    *("zh/notebooks/*.md", "zh/*.md", "zh/*.yml"),
]
SLOW_FIXTURES = {"built_book", "colab", "browser", "page", "lab"}


def pytest_configure(config):
    config.addinivalue_line("markers", "book: needs the built book, .venv-colab or a browser")


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.book)


def newest_source() -> float:
    return max(p.stat().st_mtime for pattern in SOURCES for p in ROOT.glob(pattern) if p.is_file())


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The _build folder of `make book`, which runs first unless the build is newer than every
    source. Each notebook is executed once, by that build: the tests read its results."""
    build = ROOT / "_build"
    report = build / "html" / "execution-report.json"
    build.mkdir(exist_ok=True)
    # With pytest-xdist each worker asks; the lock lets one build while the others wait.
    with (build / ".build-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not report.exists() or report.stat().st_mtime < newest_source():
            proc = subprocess.run(
                ["make", "-C", str(ROOT), "book"], capture_output=True, text=True
            )  # fmt: skip
            if proc.returncode != 0:
                pytest.fail(f"make book failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    return build
