# CVM Lab: `make run` serves the site, `make test` runs every test. Both set everything up first.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python that is 3.12 or newer (pyenv reads .python-version for the shims).
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 python3 python
find_python = $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell command -v $(p) >/dev/null 2>&1 && $(p) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && echo $(p))))

.PHONY: help setup run serve test test-database lint format bench clean

help:
	@echo "make run    set up (virtualenv, dependencies, database, content) and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up and run every test, browser tests included"
	@echo "make serve  production-like: gunicorn, DEBUG off, collected static files"
	@echo "make lint   ruff check and format check"
	@echo "make bench  print the project's speed figures"

$(BIN)/python:
	@py="$(call find_python)"; \
	if [ -z "$$py" ]; then \
	  echo "CVM Lab needs Python 3.12 or newer, and none was found on PATH."; \
	  echo "Install one (for example 'pyenv install 3.12', which .python-version selects) and run make again."; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	$$py -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/test: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@mkdir -p $(STAMPS) && touch $(STAMPS)/runtime $@

STATIC_SOURCES := $(shell find static -type f 2>/dev/null)
$(STAMPS)/static: $(STATIC_SOURCES) $(STAMPS)/runtime
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@touch $@

setup: $(STAMPS)/runtime $(STAMPS)/static
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py loadcontent

run: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: setup
	DEBUG=0 $(BIN)/gunicorn cvm_site.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-4} --access-logfile -

# Tests run in TEST_WORKERS processes (pytest-xdist), each taking whole test files, so a file's
# servers and fixtures start once; TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist loadfile

test: $(STAMPS)/test $(STAMPS)/static
	$(PYTEST) $(PYTEST_ARGS)

# Every test but the browser's and the served site's (which reads its own SQLite file back), for
# a second run against DATABASE_URL (PostgreSQL in CI).
test-database: $(STAMPS)/test
	$(PYTEST) -m "not browser" --ignore=tests/load $(PYTEST_ARGS)

lint: $(STAMPS)/test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMPS)/test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMPS)/test $(STAMPS)/static
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(STAMPS) staticfiles .pytest_cache .ruff_cache .hypothesis test-artifacts
