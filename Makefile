# EHC Portal: `make run` to try it, `make test` to check it. `make help` lists everything.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
DEMO_PASSWORD ?= demo-portal-password
PYTEST_ARGS ?=
# Tests run on two processes (pytest-xdist), or one on a single-core machine; TEST_WORKERS=0 runs
# them in this process. The browser tests share one server, so they stay on one worker.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 2 ? n : 2 )))

PY_STAMP := $(VENV)/.installed
ASSET_STAMP := static/build/.built
ASSET_SOURCES := package.json package-lock.json scripts/build-assets.sh scripts/precompress.mjs $(shell find static/src -type f 2>/dev/null)

.PHONY: help install run test lint typecheck format demo-reset bench clean

help: ## Show the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(PY_STAMP) $(ASSET_STAMP) ## Set up: virtualenv, Python packages, npm packages, compiled assets

$(PY_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

$(ASSET_STAMP): $(ASSET_SOURCES)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@touch $@

run: install ## Set up, create the database, load demo data (if empty) and content, serve on http://127.0.0.1:5000 with the email worker
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty --password "$(DEMO_PASSWORD)"
	$(FLASK) content load
	@# The notifications worker runs beside the web server and stops with it (Ctrl-C stops both).
	$(FLASK) notifications worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install ## Set up and run every test (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install ## Check style: ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## Check types with mypy (settings in pyproject.toml)
	$(BIN)/mypy

format: install ## Fix style where ruff can
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo-reset: install ## Throw away the local database and start again with demo data
	rm -f instance/portal.db
	$(FLASK) db upgrade
	$(FLASK) demo --password "$(DEMO_PASSWORD)"

BENCH_DATABASE ?= postgresql
BENCH_CASES ?= 1000
BENCH_ARGS ?=
bench: install ## Benchmark key pages under gunicorn with wrk, beside a bare app (BENCH_CASES, BENCH_DATABASE)
	$(BIN)/python scripts/bench.py --database $(BENCH_DATABASE) --cases $(BENCH_CASES) $(BENCH_ARGS)

clean: ## Remove the virtualenv, npm packages and compiled assets (keeps instance/)
	rm -rf $(VENV) node_modules static/build .pytest_cache
