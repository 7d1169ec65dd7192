# One Makefile that people and CI both call (STYLE.md practice 12).
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-fast lint format docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[stats,privacy,release,watch,spatial,serve,spark,test,dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/crimestats demo

# The dashboard tests drive Debian's chromium through Playwright (never a downloaded
# browser); CI runs as root and installs it here when it is missing.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	-command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq chromium

test: install $(CHROMIUM)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The edit-run loop, under a minute: pytest only, without the tests marked slow or spark
# (the markers are set in tests/conftest.py); `make test` stays the whole suite.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not spark"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# docs/cli.md is generated from the Typer app; tests/docs checks it is up to date.
docs: install
	$(BIN)/python -m crimestats.cli.reference docs/cli.md

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) crimestats.duckdb crimestats.duckdb.wal .pytest_cache .mypy_cache .ruff_cache
