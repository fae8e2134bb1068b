# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run examples test lint typecheck unit bench eval train clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The platform on the embedded SQLite database (./var/), with demo data, at http://127.0.0.1:8000
run: install
	$(BIN)/minwon serve --demo --host 127.0.0.1 --port 8000

# The analysis engine on the bundled example complaints.
examples: install
	$(BIN)/minwon analyze --format table src/minwon/text/examples

lint: install
	$(BIN)/ruff check src tests bench tools

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -q

test: lint typecheck unit

train: install
	$(BIN)/minwon train

eval: install
	$(BIN)/minwon eval

bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	taskset -c 0 $(BIN)/python bench/morph_speed.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
