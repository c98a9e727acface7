# Everything a newcomer needs: `make run` and `make test` build the virtualenv on first use.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test lint install bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## Run the bot on the built-in defaults: SQLite in ./data, the South Asia region, the console (no tokens set).
run: $(BIN)/.installed
	$(BIN)/khobor run

## The whole test suite (PostgreSQL tests run too when KHOBOR_TEST_POSTGRES_URL is set).
test: $(BIN)/.installed
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check bot digests tests bench scripts
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

## The benchmarks (README, "Benchmarks"): every script in bench/, or one with B=name (e.g. B=cli_startup).
## They install the bench extra (the peers they measure against); most read ../shared/data.
B ?=
bench: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@set -e; for script in $(if $(B),bench/$(B).py,$(filter-out bench/bbc.py,$(wildcard bench/*.py))); do \
		echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
