# Conduct — the two commands a newcomer needs: `make run` and `make test`.
# Both bootstrap .venv themselves from pyproject.toml (Python 3.11).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CONDUCT_HOME ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
RQ_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint test-sqlite test-postgres test-rq bench browser pango xmlsec venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: venv pango xmlsec
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
# WeasyPrint warns, which the tests treat as an error); chromium pulls both in too. A Chinese reader's PDFs
# need a font with CJK glyphs (WenQuanYi Micro Hei, 1.6 MB; without one they print empty boxes).
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei
pango:
	@{ ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0' \
		&& fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
		echo "Installing pango, harfbuzz-subset and a CJK font for WeasyPrint..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PANGO_PACKAGES) >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PANGO_PACKAGES) >/dev/null; fi; }

# SAML sign-in (pysaml2) checks the identity provider's signatures with Debian's xmlsec1.
xmlsec:
	@command -v xmlsec1 >/dev/null 2>&1 || { \
		echo "Installing Debian's xmlsec1 for SAML sign-in..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null; fi; }

test-sqlite: venv browser pango xmlsec
	@echo "== pytest on SQLite =="
	CONDUCT_HOME=$(CURDIR)/var/test SQLITE_TEST_NAME=$(CURDIR)/var/test/test.sqlite3 $(BIN)/pytest -n 2 --dist loadfile

test-postgres: venv xmlsec
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		echo "== pytest on PostgreSQL ($(PG_URL)) =="; \
		CONDUCT_HOME=$(CURDIR)/var/test DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadfile tests/apps && \
		echo "postgresql" >> $(CURDIR)/var/test/.databases; \
	else echo "== PostgreSQL not answering at $(PG_URL): skipped =="; fi

# The task tests a second time with TASKS_BACKEND=django_tasks_rq.RQBackend: every job goes through Redis
# (tests/apps/test_tasks_rq.py also runs `conduct worker --burst` on a queue). Two tests read a task's return
# value off the in-process backend's result object, which only that backend fills in: they are left out.
TASK_TESTS := tests/apps/test_tasks_rq.py tests/apps/screening/test_events.py \
	tests/apps/screening/test_delta_runs.py tests/apps/screening/test_lists_load.py \
	tests/apps/governance/test_recommendations.py tests/apps/governance/test_notifications.py \
	tests/apps/audit/test_hourly.py tests/apps/access/test_expiry.py \
	tests/apps/gates/test_recheck.py tests/apps/workforce/test_reminders.py tests/apps/products/test_rematch.py \
	tests/apps/products/test_disclosure_triage.py tests/apps/suppliers/test_import.py \
	tests/apps/suppliers/test_reminders.py tests/apps/grievances/test_deadlines.py
RQ_DESELECT := \
	--deselect tests/apps/governance/test_recommendations.py::test_the_daily_jobs_are_scheduled_and_run \
	--deselect tests/apps/suppliers/test_reminders.py::test_the_daily_task_reminds_the_supplier_contact_and_the_owning_liaison
test-rq: venv
	@if $(BIN)/python scripts/redis_ready.py "$(RQ_REDIS_URL)"; then \
		echo "== task tests through RQ on Redis ($(RQ_REDIS_URL)) =="; \
		CONDUCT_HOME=$(CURDIR)/var/test SQLITE_TEST_NAME=$(CURDIR)/var/test/test-rq.sqlite3 \
		TASKS_BACKEND=django_tasks_rq.RQBackend REDIS_URL=$(RQ_REDIS_URL) \
		$(BIN)/pytest -n 2 --dist loadfile $(TASK_TESTS) $(RQ_DESELECT) && \
		echo "rq" >> $(CURDIR)/var/test/.task-backends; \
	else echo "== Redis not answering at $(RQ_REDIS_URL): the RQ stage is skipped =="; fi

test: lint
	@mkdir -p var/test && rm -f var/test/.databases && echo "immediate" > var/test/.task-backends
	@$(MAKE) --no-print-directory test-sqlite && echo "sqlite" >> var/test/.databases
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory test-rq
	@echo "== Task backends that ran the task tests: $$(paste -sd, var/test/.task-backends) =="
	@echo "== Databases that ran the database-backed tests: $$(paste -sd, var/test/.databases) =="

bench: venv pango
	@for script in benchmarks/*/run*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/test .pytest_cache .mypy_cache .ruff_cache
