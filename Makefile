# Two commands: `make run` (set up and serve the demo with its worker) and `make test`.
# Everything else is here for CI (.ci/run) and for the occasional deeper check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

# Links in emails and the printed sign-in address follow the port the demo is served on.
demo run: export SITE_URL ?= http://$(HOST):$(PORT)

# Python writes its compiled modules (and pytest its rewritten tests) so that the second run of the
# suite, and every pytest worker after the first, need not compile them again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-postgres test-browser test-fuzz test-render audit lint bench loadtest setup migrate demo clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,test,lint,postgres,server]"
	touch $@

# The translations' catalogs (peersupport/*/locale/*/LC_MESSAGES/django.po) are compiled into the
# .mo files Django reads; the .mo files are not committed. Needs gettext's msgfmt (apt-get install gettext).
setup: $(BIN)/.installed
	@command -v msgfmt >/dev/null || { echo "make setup: msgfmt is missing: apt-get install gettext" >&2; exit 1; }
	@cd peersupport && ../$(PY) ../manage.py compilemessages --verbosity 0

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Without a mail server configured, the demo prints its emails in the worker's output.
ifeq ($(origin EMAIL_HOST),undefined)
run: export EMAIL_BACKEND ?= django.core.mail.backends.console.EmailBackend
endif
run: demo
	@echo ""
	@echo "Serving $(SITE_URL)/ with its background worker, outbox sweeper, audit sealer and reminders; Ctrl-C stops all."
	@echo "Sign in with a login above (password above); emails appear in the worker's output."
	@echo "Director and administrator also give a code: run $(PY) manage.py demo_code in another terminal."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) $(BIN)/honcho start -p $(PORT)

test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -m "not browser and not fuzz and not render" -q -n auto --dist loadgroup

# pytest-django creates (and drops) the database test_<name>, here test_test. REQUIRE_POSTGRES=1:
# a test marked `postgres` that is skipped (as it is on SQLite) fails the run instead.
test-postgres: setup
	DATABASE_URL=$(POSTGRES_URL) REQUIRE_POSTGRES=1 $(BIN)/pytest -m "not browser and not fuzz and not render" -q -n auto --dist loadgroup

# The tests drive Debian's /usr/bin/chromium (apt-get install chromium); `playwright install`
# is never run, as its browser download is not available here.
test-browser: setup
	@test -x /usr/bin/chromium || echo "No /usr/bin/chromium: the browser tests will be skipped."
	$(BIN)/pytest -m browser -q

# The case-for-support deck converted to PDF by LibreOffice headless (Debian's libreoffice-impress:
# `soffice`), its pages read back with pypdf: a small program's deck and the loaded demo's. Without
# soffice the tests are skipped, saying so; under CI (CI set) they fail instead.
test-render: setup
	@command -v soffice >/dev/null || echo "No soffice: the render tests will be skipped (apt-get install libreoffice-impress)."
	$(BIN)/pytest -m render -q

# Schemathesis against the API (tests marked fuzz) on SQLite and on PostgreSQL, then every web
# form and the case services' state machine with more examples than `make test` gives them.
test-fuzz: setup
	$(BIN)/pytest -m fuzz -q -n auto
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -m fuzz -q -n auto
	FUZZ_EXAMPLES=100 $(BIN)/pytest tests/test_form_fuzzing.py -q -n auto
	STATE_MACHINE_EXAMPLES=200 $(BIN)/pytest peersupport/cases/tests/test_state_machine.py -q
	SUPPRESSION_EXAMPLES=200 $(BIN)/pytest peersupport/reports/tests/test_suppression.py -q

# bandit on the code (each waiver and its reason: docs/security-waivers.md), then pip-audit on the
# installed dependencies. pip-audit asks PyPI's JSON API (pypi.org/pypi/<name>/<version>/json)
# about each package; --strict fails when any package could not be checked, so an unreachable
# service fails the audit instead of passing with nothing audited.
audit: setup
	$(BIN)/bandit -r peersupport -c pyproject.toml -q
	@$(BIN)/pip-audit --strict --skip-editable --progress-spinner off || { \
	  echo "make audit: pip-audit failed: a known vulnerability is listed above, or its vulnerability" \
	       "service (PyPI's JSON API) could not be reached and the dependencies were NOT audited." >&2; \
	  exit 1; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# Every benchmark, on the generated health system (100,000 staff, 5,000 supporters, five years),
# on SQLite and on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_hs;
# skipped with a message when the server is unreachable). The data set is built once per database
# (about a minute or two each) and reused until the generator, its arguments or a migration change.
# Prints one table, writes bench/results.json, fails when a budget is missed. BENCH_ARGS: e.g.
# "--only suggestion --database postgresql".
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

# The load test of a busy morning: locust (installed here, the `load` extra), 50 users for five
# minutes against gunicorn and PostgreSQL on loopback, then the audit trail verified. About 8
# minutes (the health system is built the first time: 3 more). LOAD_USERS and LOAD_MINUTES
# shorten it; docs/performance.md, "Load test", says what it does and what it measured.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/loadtest
$(BIN)/.installed-load: $(BIN)/.installed
	$(PY) -m pip install --quiet -e ".[load]"
	touch $@

loadtest: $(BIN)/.installed-load
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) loadtest/run.py

clean:
	rm -rf $(VENV) staticfiles peersupport.sqlite3*
