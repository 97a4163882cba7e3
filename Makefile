# Doorstep: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/static/govuk/govuk-frontend.min.css: node_modules/.installed scripts/build-assets.mjs
	npm run --silent build

setup: $(VENV)/.installed build/static/govuk/govuk-frontend.min.css ## install dependencies and build the front end
	DEBUG=$${DEBUG:-1} $(MANAGE) collectstatic --noinput --verbosity 0

run: setup ## set up, load demo data if the database is empty, and start the web server and worker
	DEBUG=$${DEBUG:-1} $(MANAGE) migrate --noinput --verbosity 0
	DEBUG=$${DEBUG:-1} $(MANAGE) seed_demo --if-empty
	DEBUG=$${DEBUG:-1} scripts/run.sh

# One test process per CPU (pytest-xdist); TEST_WORKERS=0 runs them all in this one.
TEST_WORKERS ?= auto
test: setup ## set up and run every test, on SQLite and on a throwaway PostgreSQL server
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n $(TEST_WORKERS)
	$(PY) -m doorstep.core.localpg -- $(PY) -m pytest -n $(TEST_WORKERS) -m "not e2e" --database-tests-only

# Without DEBUG, Doorstep needs SECRET_KEY: the benchmarks' throwaway sites share this one.
bench: export SECRET_KEY ?= bench-only-not-a-secret
bench: setup ## run the benchmarks (see docs/performance.md)
	$(PY) bench/single_view.py
	$(PY) bench/search.py --n $${N:-100000}
	$(PY) bench/housing.py
	$(PY) bench/messaging.py
	$(PY) bench/matching.py
	$(PY) bench/reporting.py
	$(PY) bench/evidence.py
	$(PY) bench/evidence_uploads.py

lint: setup ## check style, common mistakes and the import layers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: setup ## format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## remove the local database, uploads and build output (keeps .venv)
	rm -rf var build node_modules/.installed

.PHONY: help setup run test bench lint fmt clean
