# Youpin: two commands do everything.  `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 1
SCALE  ?= 1.0

.PHONY: demo test venv lint types pytest serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/youpin migrate --noinput
	$(BIN)/youpin geo load
	$(BIN)/youpin demo-data --seed $(SEED) --scale $(SCALE)
	$(BIN)/youpin delivery demo
	$(BIN)/youpin trust refresh
	$(BIN)/youpin facts refresh
	@echo "Serving Youpin on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/youpin runserver $(HOST):$(PORT) --noreload

serve: $(STAMP)
	$(BIN)/youpin runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint types pytest

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
