# Two commands for contributors: `make book` and `make test` (see README.md), and `make check`
# for the quick loop while editing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
COLAB  := .venv-colab
COLAB_STAMP := $(COLAB)/.installed
CACHE  := .jupyter_cache
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# uv installs both environments from one download cache and hard-links each file into both, so
# PyTorch lies on disk once. It reads the package indexes pip is configured with on this machine.
PIP_CONFIG = $(shell $(PYTHON) -m pip config get global.$(1) 2>/dev/null)
UV_INSTALL = $(BIN)/uv pip install --quiet --index-strategy unsafe-best-match \
	$(foreach url,$(call PIP_CONFIG,extra-index-url),--extra-index-url $(url)) \
	$(foreach dir,$(sort $(call PIP_CONFIG,find-links) $(PIP_FIND_LINKS)),--find-links $(dir))

# Executed notebooks are kept in $(CACHE) (jupyter-cache, keyed on each notebook's code), so a
# build re-runs only the chapters whose code changed. The key below empties the cache whenever
# the helper package or the pinned environment changes, since the code cells cannot see that.
CACHE_KEY = $(shell cat requirements.txt $$(find src _ext -name '*.py' 2>/dev/null | sort) | sha256sum | cut -c1-16)

# Debian packages, checked once per `make` run: the browser tests need chromium, and the
# glossary's Chinese names need a CJK font in the screenshots.
SYSTEM_PACKAGES := $(if $(filter test,$(MAKECMDGOALS)),chromium fonts-noto-cjk)

.PHONY: book test check unit lint lab release sync bench system-deps clean

## book: set up everything, execute the notebooks whose code changed and build the HTML of
## both editions: English in _build/html, Chinese in _build/html/zh
# The Chinese edition's chapters have the English code cells (`make sync`), so it takes the
# English chapters' executed outputs from the cache: nothing is executed twice.
book: $(STAMP)
	@if [ "$$(cat $(CACHE)/inputs.sha256 2>/dev/null)" != "$(CACHE_KEY)" ]; then \
	  echo "The package or the pins changed: every notebook runs again."; \
	  rm -rf $(CACHE); mkdir -p $(CACHE); echo "$(CACHE_KEY)" > $(CACHE)/inputs.sha256; fi
	$(BIN)/python _ext/dlsteps_book.py . zh   # execute what changed; zh takes the English outputs
	rm -rf _build && mkdir _build   # Sphinx starts clean: no stale page or launch link survives
	@# Nothing is left to execute, so the two editions build side by side; zh's log follows.
	@( $(BIN)/jupyter-book build zh -W -n --keep-going --path-output _build/zh \
	    > _build/zh.log 2>&1; echo $$? > _build/zh.status ) & \
	$(BIN)/jupyter-book build . -W -n --keep-going; en=$$?; wait; \
	echo "--- the Chinese edition (zh/) ---"; cat _build/zh.log; \
	test $$en = 0 && test "$$(cat _build/zh.status)" = 0
	mv _build/zh/_build/html _build/html/zh
	@echo "The book is at: file://$(CURDIR)/_build/html/index.html"
	@echo "中文版: file://$(CURDIR)/_build/html/zh/index.html"
	@echo "Per-notebook execution times: _build/html/execution-report.json (zh/ has its own)"

## lab: JupyterLab on the notebooks, in the environment `make book` set up, served on
## 127.0.0.1 only (LAB_PORT, LAB_DIR: another port or folder)
LAB_PORT ?= 8888
LAB_DIR  ?= notebooks
# Jupyter refuses to run as root (as in a container or CI) unless told to.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	  --ServerApp.root_dir=$(LAB_DIR) $(LAB_ROOT)

## test: lint, unit tests, notebook pairs, the book (built by `make book`), its pages in a real
## browser, and every committed notebook in the Colab-like environment
# Both run their tests on every core (pytest-xdist): the Colab-like run of the notebooks takes
# one while the browser tests go on in the other.
test: check book $(COLAB_STAMP) | system-deps
	$(BIN)/pytest -m book -n auto --durations=10

## check: the quick loop, well under a minute: lint, notebook pairs, text checks, unit tests
check: $(STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target lint unit

## unit: the unit, property and text tests alone (no notebook, no browser), on every core
unit: $(STAMP)
	$(BIN)/pytest -m "not book" -q -n auto

## lint: every pre-commit hook on every file (ruff, notebook pairs, no outputs, no large files,
## actionlint and zizmor on the workflows); .pre-commit-config.yaml lists them
lint: $(STAMP)
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

## release: `make release VERSION=0.2.0` bumps the version, every chapter's install cell and
## CHANGELOG.md; commit and push, and the publish workflow tags v$(VERSION) and releases it
release:
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z"; exit 2; }
	$(PYTHON) .ci/release.py bump $(VERSION)

## sync: copy the English chapters' code cells into the Chinese ones, then rewrite each
## .ipynb from its .md source (outputs stripped), in both editions
sync: $(STAMP)
	$(BIN)/python .ci/editions.py sync
	$(BIN)/jupytext --to ipynb --update notebooks/*.md zh/notebooks/*.md   # --update keeps the cell ids

## bench: the performance figures quoted in the issues (medians, side by side)
bench: $(STAMP)
	$(BIN)/python -m dlsteps.bench

# The virtual environment, rebuilt whenever the pins or the package metadata change. pip only
# installs uv (pinned in requirements.txt); the package is installed without build isolation,
# with the build backend pinned there too, so nothing is fetched to build it.
$(STAMP): requirements.txt pyproject.toml | system-deps
	@bash .ci/need-disk.sh 8 $(VENV)   # PyTorch's CUDA build: about 6 GB, in uv's cache
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $$(grep -E '^uv==' requirements.txt)
	$(UV_INSTALL) --python $(BIN)/python -r requirements.txt
	$(UV_INSTALL) --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

# A Colab-like environment (ipywidgets 7.7; dlsteps goes in as a wheel during the tests). It keeps
# pip, as Colab's `%pip install` uses it. Its files are hard links to what .venv installed.
$(COLAB_STAMP): tests/colab-requirements.txt | $(STAMP)
	@bash .ci/need-disk.sh 2 $(COLAB)
	$(PYTHON) -m venv $(COLAB)
	$(UV_INSTALL) --python $(COLAB)/bin/python -r tests/colab-requirements.txt
	touch $@

## system-deps: Debian packages the book needs (installed when run as root, else explained)
system-deps:
	@bash .ci/system-deps.sh $(SYSTEM_PACKAGES)

clean:
	rm -rf _build $(CACHE) $(VENV) $(COLAB)
