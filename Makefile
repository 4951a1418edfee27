# Conduct — the two commands a newcomer needs: `make run` and `make test`.
# Both bootstrap .venv themselves from pyproject.toml (Python 3.11).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CONDUCT_HOME ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test lint test-sqlite test-postgres bench browser pango venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: venv pango
	@$(BIN)/conduct migrate --verbosity 0
	@$(BIN)/conduct demo load --quiet
	@$(BIN)/python scripts/banner.py
	@$(BIN)/conduct serve

lint: venv
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

# Debian's chromium drives the browser tests (Playwright with its executable path set).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# WeasyPrint (the transparency report's PDF) needs Debian's pango and HarfBuzz's subsetter (without it,
# WeasyPrint warns, which the tests treat as an error); chromium pulls both in too.
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
pango:
	@{ ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0'; } || { \
		echo "Installing pango and harfbuzz-subset for WeasyPrint..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PANGO_PACKAGES) >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PANGO_PACKAGES) >/dev/null; fi; }

test-sqlite: venv browser pango
	@echo "== pytest on SQLite =="
	CONDUCT_HOME=$(CURDIR)/var/test SQLITE_TEST_NAME=$(CURDIR)/var/test/test.sqlite3 $(BIN)/pytest -n 2 --dist loadfile

test-postgres: venv
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		echo "== pytest on PostgreSQL ($(PG_URL)) =="; \
		CONDUCT_HOME=$(CURDIR)/var/test DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadfile tests/apps && \
		echo "postgresql" >> $(CURDIR)/var/test/.databases; \
	else echo "== PostgreSQL not answering at $(PG_URL): skipped =="; fi

test: lint
	@mkdir -p var/test && rm -f var/test/.databases
	@$(MAKE) --no-print-directory test-sqlite && echo "sqlite" >> var/test/.databases
	@$(MAKE) --no-print-directory test-postgres
	@echo "== Databases that ran the database-backed tests: $$(paste -sd, var/test/.databases) =="

bench: venv pango
	@for script in benchmarks/*/run*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/test .pytest_cache .mypy_cache .ruff_cache
