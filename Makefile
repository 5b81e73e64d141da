# kansenradar — two commands do everything (see README):
#   make run    set up, build the embedded national data, train/audit/promote, start the app
#   make test   set up and run the whole test suite (what CI runs, then make wheel-check)
PY      ?= $(shell command -v python3.11 || command -v python3)
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8501

.PHONY: run test setup pipeline app bench lint clean browser-deps wheel-check

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

pipeline: $(STAMP)
	$(BIN)/kansenradar run

run: pipeline
	$(BIN)/kansenradar app --port $(PORT)

test: $(STAMP)
	-@$(MAKE) --no-print-directory browser-deps
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/pytest -q

wheel-check: $(STAMP)
	$(BIN)/python .ci/wheel_check.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.emerging

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

browser-deps:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

clean:
	rm -rf outputs mlflow.db mlartifacts data/generated .pytest_cache build dist
