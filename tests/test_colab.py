"""The notebooks as Colab runs them: a wheel of dlsteps in a Colab-like environment.

`make test` creates .venv-colab from tests/colab-requirements.txt (ipywidgets 7.7.1, as Colab
ships). Here dlsteps goes in as a built wheel, with pip resolving its dependencies, which must
leave torch, torchvision and ipywidgets as they were; then every committed .ipynb runs there
from a folder outside the repository.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from myst_nb.core.variables import format_plain_text  # how the book formats glued values
from test_book import PASTED, page

import dlsteps
from conftest import NOTEBOOKS, ROOT, ZH_NOTEBOOKS

COLAB_PYTHON = ROOT / ".venv-colab" / "bin" / "python"
KEPT = ("torch", "torchvision", "ipywidgets")

# Colab has no myst-nb, so `book.glue` stores nothing there. To compare the numbers, the runner
# wraps each notebook (in memory) in a first cell that records what it glues, as the book's
# formatter sees it (the repr of the plain value), and a last cell that writes the record out.
RECORD = """
import dlsteps.book as _book
_glued = {}
_book.glue = lambda name, value: _glued.__setitem__(name, repr(_book.plain(value)))
"""
SAVE = "import json as _json; _json.dump(_glued, open({path!r}, 'w'))"

RUNNER = f"""
import json, sys, importlib.metadata as md
import nbformat
from nbclient import NotebookClient
import dlsteps, ipywidgets
assert "site-packages" in dlsteps.__file__, dlsteps.__file__  # the wheel, not the repository
assert ipywidgets.__version__.startswith("7.7"), ipywidgets.__version__
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell({RECORD!r}))
    nb.cells.append(nbformat.v4.new_code_cell({SAVE!r}.format(path=path + ".glued.json")))
    NotebookClient(nb, timeout=900, kernel_name="python3").execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, (path, errors)
    print("ran", path, flush=True)
"""


def versions(python: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json; "
        f"print(json.dumps({{p: m.version(p) for p in {KEPT}}}))"
    )
    return json.loads(
        subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout
    )


@pytest.fixture(scope="module")
def colab(tmp_path_factory) -> Path:
    if not COLAB_PYTHON.exists():
        pytest.fail(f"{COLAB_PYTHON} is missing: `make test` creates it")
    before = versions(COLAB_PYTHON)
    wheels = tmp_path_factory.mktemp("wheel")
    pip = [str(COLAB_PYTHON), "-m", "pip", "install", "--quiet"]
    source = tmp_path_factory.mktemp("source")  # build from a copy: nothing lands in the repo
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet"]
    build += ["-w", str(wheels)]  # the backend is pinned in .venv: nothing is fetched to build
    subprocess.run([*build, str(source)], check=True)
    wheel = str(next(wheels.glob("dlsteps-*.whl")))
    # As Colab's `%pip install` does: with dependency resolution, which must change nothing...
    subprocess.run([*pip, wheel], check=True)
    # ...then this very build, should an older wheel of the same version be there already.
    subprocess.run([*pip, "--force-reinstall", "--no-deps", wheel], check=True)
    assert versions(COLAB_PYTHON) == before
    return COLAB_PYTHON


def test_every_committed_notebook_runs_in_a_colab_like_environment(colab, built_book, tmp_path):
    """Each committed .ipynb runs once, here; every number the book quotes comes out the same.

    The Chinese notebooks are not run again: their code cells are the English ones, character
    for character (tests/test_editions.py), and only their prose differs.
    """
    copies = []
    for md in NOTEBOOKS:  # copies, run from a folder outside the repository
        copies.append(tmp_path / md.with_suffix(".ipynb").name)
        copies[-1].write_bytes(md.with_suffix(".ipynb").read_bytes())
    proc = subprocess.run(
        [str(colab), "-c", RUNNER, *map(str, copies)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
        # One thread per kernel, as the book build runs them (_ext/dlsteps_book.py): the glued
        # numbers compared below must not differ by how a matrix product split its sums.
        env={
            "PATH": f"{colab.parent}:/usr/bin:/bin",
            "HOME": str(Path.home()),
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        },
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    assert proc.stdout.count("ran ") == len(NOTEBOOKS)
    for md, copy in zip(NOTEBOOKS, copies, strict=True):
        ours = json.loads(Path(f"{copy}.glued.json").read_text())
        quoted = re.findall(r"\{glue:text\}`([\w]+):?([^`]*)`", md.read_text())
        shown = re.findall(PASTED, page(built_book, md))
        assert len(quoted) == len(shown) > 0, md.name
        for (name, spec), text in zip(quoted, shown, strict=True):
            if not name.startswith("time_"):  # timings differ from run to run by nature
                assert format_plain_text(ours[name], spec) == text, (md.name, name)


def test_install_cell_is_guarded_and_points_at_the_configured_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"]
    expected = f'"dlsteps @ git+{url}@v{dlsteps.__version__}"'
    for md in [*NOTEBOOKS, *ZH_NOTEBOOKS]:
        cells = json.loads(md.with_suffix(".ipynb").read_text())["cells"]
        first = next(c for c in cells if c["cell_type"] == "code")
        source = "".join(first["source"])
        assert first["metadata"].get("tags") == ["remove-cell"], md.name
        assert 'if "google.colab" in sys.modules:' in source, md.name
        assert re.search(rf"%pip install --quiet {re.escape(expected)}", source), md.name


def test_package_dependencies_pin_nothing_colab_ships():
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for dep in deps:
        name = re.split(r"[<>=!~ ]", dep)[0]
        if name in KEPT:
            assert "==" not in dep and "<=" not in dep, dep
    assert any(d.startswith("ipywidgets>=7.7") for d in deps)
