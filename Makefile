# Two commands for a new machine (Python 3.11+):
#   make chat   install Anchor into .venv and start the coach in the terminal (offline, no keys)
#   make test   install with the dev tools and run every check and the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: chat install dev test lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

chat: install
	$(BIN)/anchor chat

lint: dev
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests
	$(BIN)/mypy bot
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

eval: install
	$(BIN)/anchor eval retrieval
	$(BIN)/anchor eval safety

bench: install
	$(BIN)/anchor bench

clean:
	rm -rf .anchor .pytest_cache .mypy_cache .ruff_cache
