# `make build` and `make test` each do all the set-up a fresh Debian machine needs first.
PYTHON ?= python3
STAMP := .make/setup.stamp

.PHONY: setup build validate test test-fast check bench docs clean

$(STAMP): pyproject.toml scripts/setup.sh
	PYTHON=$(PYTHON) bash scripts/setup.sh
	@mkdir -p .make && touch $@

setup: $(STAMP)

build: $(STAMP)
	$(PYTHON) -m leaflets build content/ --out dist

validate: $(STAMP)
	$(PYTHON) -m leaflets validate content/

test: $(STAMP)
	$(PYTHON) -m pytest -n 2 -q

test-fast: $(STAMP)
	$(PYTHON) -m pytest -q -m "not slow"

check: $(STAMP)
	$(PYTHON) -m ruff check leaflets tests bench
	$(PYTHON) -m mypy leaflets

bench: $(STAMP)
	$(PYTHON) bench/run.py

clean:
	rm -rf dist .make .pytest_cache build *.egg-info
