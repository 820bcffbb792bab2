# Two commands for a new machine (Python 3.11+):
#   make chat   install Anchor into .venv and start the coach in the terminal (offline, no keys)
#   make test   install with the dev tools and run every check and the whole test suite
# While working: make test-fast (unit tests only: no PostgreSQL, browser, servers or processes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The quick loop's selection, by the markers declared in pyproject.toml.
FAST := not (postgres or server or browser or chroma_server or slow)

.PHONY: chat install dev test test-fast lint bench eval demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are redone only when pyproject.toml changes (a stamp file per kind of install).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

chat: install
	$(BIN)/anchor chat

lint: dev
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests
	$(BIN)/mypy bot
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

test-fast: dev
	$(BIN)/pytest -m "$(FAST)" -n 2 -x

eval: install
	$(BIN)/anchor eval retrieval
	$(BIN)/anchor eval safety

bench: install
	$(BIN)/anchor bench

demo: install
	$(BIN)/anchor demo

clean:
	rm -rf .anchor .anchor-demo .pytest_cache .mypy_cache .ruff_cache
	rm -f $(VENV)/.installed $(VENV)/.dev-installed
