# Set-up and build commands. Every target creates .venv itself from the pinned requirements.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# npm ci rewrites node_modules/.package-lock.json on every install
NPM_STAMP := node_modules/.package-lock.json

# JupyterLab refuses to start as root (a container, a CI runner) unless given --allow-root.
USER_ID ?= $(shell id -u)
ALLOW_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root)

.PHONY: book test student assignments nbgrader preview bench lab lab-author lint clean

# MathJax, require.js, the widget manager and axe-core: exactly what package-lock.json pins
# (npm checks each tarball's integrity hash), no install scripts run.
$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

$(STAMP): requirements.txt pyproject.toml $(NPM_STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	# copies the files the site serves out of node_modules/ (outside the book's own _static/)
	$(BIN)/python -m mscbook.build.assets
	touch $(STAMP)

## book: re-execute every chapter and build the HTML (warnings are errors)
book: $(STAMP)
	$(BIN)/python -m mscbook build

## test: build the whole book, lint, then run every test against the build, one worker per core
## (TEST_WORKERS=0: no workers, every test in one process; a test module stays on one worker)
TEST_WORKERS ?= auto
test: book lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## student: the student edition (every solution removed) in _build/student/html
student: $(STAMP)
	$(BIN)/python -m mscbook student

## assignments: one assignment notebook and one answer key per chapter in _build/assignments
assignments: $(STAMP)
	$(BIN)/python -m mscbook export-assignments

## nbgrader: an nbgrader course (config and one source assignment per chapter) in _build/nbgrader
NBGRADER_OUT ?= _build/nbgrader
nbgrader: $(STAMP)
	$(BIN)/python -m mscbook export-nbgrader --out $(NBGRADER_OUT)

## preview: for authors; execute only chapters whose code or inputs changed, then render
preview: $(STAMP)
	$(BIN)/python -m mscbook preview

## bench: build and interaction timings, written to benchmarks/RESULTS.md
bench: $(STAMP)
	$(BIN)/python benchmarks/build_bench.py

## lab: for students; JupyterLab on the student notebooks (no solutions) and the assignments,
## copies in _build/lab/ (your work stays there; nothing you do changes chapters/)
lab: $(STAMP)
	$(BIN)/python -m mscbook student-lab
	JUPYTER_CONFIG_PATH="$(CURDIR)/_build/lab-config" $(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)/_build/lab"

## lab-author: for authors; JupyterLab on the sources, chapter .md files open as notebooks
lab-author: $(STAMP)
	$(BIN)/python -m mscbook lab-settings
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/chapters

lint: $(STAMP)
	$(BIN)/ruff check mscbook tests benchmarks
	$(BIN)/ruff format --check mscbook tests benchmarks

clean:
	rm -rf _build
