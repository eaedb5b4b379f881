# Fasttrack's verbs. `make run` and `make test` are all a new machine needs.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps
# PostgreSQL for the second test run: DATABASE_URL when set, else the local server.
PG_TEST_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
# The demo and the tests run with DEBUG on (development keys derived from the
# development SECRET_KEY); the test runner itself turns DEBUG off per test.
DEV_ENV := DEBUG=1
# Both cores of the CI machine; PYTEST_ARGS="tests/cases -x" runs part of the suite in one process.
PYTEST_ARGS ?= -n 2
MESSAGE_IGNORES := --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'

.PHONY: help install install-dev browser xmlsec run demo test test-sqlite test-postgres fuzz lint format messages clean bench bench-import

help:
	@echo "make run       install, migrate, load the demo world and serve on http://$(HOST):$(PORT)"
	@echo "make test      install what the tests need and run them on SQLite and PostgreSQL"
	@echo "make fuzz      search wider with the property-based tests (FUZZ_EXAMPLES=2000 each)"
	@echo "make install   install Python and npm dependencies from their lock files"
	@echo "make lint      ruff and mypy"
	@echo "make messages  update and compile the Danish and English catalogues"
	@echo "make demo      migrate and load the demo world without serving"
	@echo "make bench     load a million cases into PostgreSQL and measure (docs/benchmarks.md)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 12)))' \
		|| { echo "Fasttrack needs Python 3.11 (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: $(BIN)/python requirements/build.txt requirements/base.txt pyproject.toml
	$(PIP) -r requirements/build.txt
	$(PIP) -r requirements/base.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(PIP) -r requirements/dev.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Compiled catalogues are build output: made from the committed .po files.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.installed-base
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }
	$(DEV_ENV) $(BIN)/fasttrack compilemessages --verbosity 0 --locale $* $(MESSAGE_IGNORES)
	@touch $@

CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

install: $(VENV)/.installed-base node_modules/.package-lock.json $(CATALOGUES)

install-dev: install $(VENV)/.installed-dev

# Browser tests drive Debian's chromium; Playwright never downloads a browser.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# NemLog-in's signatures are made and checked by xmlsec1 (pysaml2 calls it).
xmlsec:
	@command -v xmlsec1 >/dev/null || { apt-get update -qq && apt-get install -y -qq xmlsec1; }

demo: install
	@mkdir -p var
	$(DEV_ENV) $(BIN)/fasttrack migrate --no-input --verbosity 0
	$(DEV_ENV) $(BIN)/fasttrack seed_demo

run: demo
	@echo
	@echo "Fasttrack: http://$(HOST):$(PORT)/  (log in with a demo user above, password demo-fasttrack)"
	@echo
	@# The worker delivers letters beside the server and stops when it stops.
	$(DEV_ENV) $(BIN)/fasttrack worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(DEV_ENV) $(BIN)/fasttrack runserver $(HOST):$(PORT)

# With CI=true (as .ci/run sets it) the property-based tests run derandomized,
# the same examples every run (tests/hypothesis_profiles.py); pytest's header
# names the profile.
test: install-dev browser xmlsec
	@$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL does not answer at 127.0.0.1:5432 and DATABASE_URL is unset: ran on SQLite only."; \
	fi

test-sqlite:
	@echo "== Tests on SQLite"
	env -u DATABASE_URL $(DEV_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== Tests on PostgreSQL"
	$(DEV_ENV) DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Random, wide exploration with the property-based tests; not part of .ci/run.
# FUZZ_EXAMPLES examples per property (a twentieth per API operation); FUZZ_ARGS
# go to pytest (e.g. FUZZ_ARGS=tests/lib). Prints what it found and a summary.
fuzz: install-dev
	@mkdir -p var
	env -u DATABASE_URL -u CI $(DEV_ENV) $(BIN)/python -m tests.fuzz $(FUZZ_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy fasttrack tests bench

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(DEV_ENV) $(BIN)/fasttrack makemessages --locale da --locale en --no-obsolete \
		$(MESSAGE_IGNORES) --ignore 'tests/*'
	$(DEV_ENV) $(BIN)/fasttrack compilemessages --verbosity 0 $(MESSAGE_IGNORES)

# import_citizens on 10,000 rows in a scratch database (target: under 30 s).
bench-import: install
	$(DEV_ENV) $(BIN)/python bench/import_citizens.py 10000
# The benchmark (docs/benchmarks.md): never part of `make test` or CI. It drops and
# recreates BENCH_DATABASE_URL (else DATABASE_URL, else fasttrack_bench on the local server).
bench: install-dev
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name '*.mo' -path './locale/*' -delete
