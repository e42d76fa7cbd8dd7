# `make build` and `make test` each do all the set-up a fresh Debian machine needs first.
# PYTHON makes the project's virtual environment; everything then runs in it (Debian's own Python
# refuses `pip install` outside one: PEP 668).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp  # inside the venv: removing .venv re-runs the set-up

.PHONY: setup build build-bilingual validate test test-fast check bench docs clean

$(STAMP): pyproject.toml scripts/setup.sh
	PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
	@touch $@

setup: $(STAMP)

build: $(STAMP)
	$(PY) -m leaflets build content/ --out dist

build-bilingual: $(STAMP)  # also <id>.cy-en.{print,screen}.pdf for leaflets in Welsh and English
	$(PY) -m leaflets build content/ --out dist --bilingual en,cy

validate: $(STAMP)
	$(PY) -m leaflets validate content/

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

check: $(STAMP)
	$(PY) -m ruff check leaflets tests bench
	$(PY) -m mypy leaflets

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf dist .make .venv .pytest_cache build *.egg-info
