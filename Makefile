# Two commands for contributors: `make book` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
COLAB  := .venv-colab
COLAB_STAMP := $(COLAB)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book test lint unit sync bench system-deps clean

## book: set up everything, execute every notebook and build the HTML into _build/html
book: $(STAMP)
	rm -rf _build   # a clean build: no stale pages, numbers or launch links survive
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at: file://$(CURDIR)/_build/html/index.html"
	@echo "Per-notebook execution times: _build/html/execution-report.json"

## test: lint, unit tests, notebook pairs, a full book build, its HTML in a real browser
test: $(STAMP) $(COLAB_STAMP) lint
	@bash .ci/system-deps.sh chromium fonts-noto-cjk   # the browser tests drive Debian's chromium; the glossary has Chinese
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

## sync: rewrite each notebooks/*.ipynb from its .md source (outputs stripped)
sync: $(STAMP)
	$(BIN)/jupytext --to ipynb --update notebooks/*.md   # --update keeps the cell ids: no churn

## bench: the performance figures quoted in the issues (medians, side by side)
bench: $(STAMP)
	$(BIN)/python -m dlsteps.bench

# The virtual environment, rebuilt whenever the pins or the package metadata change.
$(STAMP): requirements.txt pyproject.toml | system-deps
	@bash .ci/need-disk.sh 8 $(VENV)   # PyTorch's CUDA build: about 6 GB once installed
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# A Colab-like environment (ipywidgets 7.7; dlsteps goes in as a wheel during the tests).
$(COLAB_STAMP): tests/colab-requirements.txt | system-deps
	@bash .ci/need-disk.sh 8 $(COLAB)
	$(PYTHON) -m venv $(COLAB)
	$(COLAB)/bin/pip install --quiet -r tests/colab-requirements.txt
	touch $@

## system-deps: Debian packages the book needs (installed when run as root, else explained)
system-deps:
	@bash .ci/system-deps.sh

clean:
	rm -rf _build $(VENV) $(COLAB)
