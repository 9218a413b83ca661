# Two commands: `make run` (set up and serve the demo with its worker) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres test-browser lint bench setup migrate demo clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

setup: $(BIN)/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/pytest -m "not browser" -q

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -m "not browser" -q

test-browser: setup
	$(BIN)/pytest -m browser -q

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles peersupport.sqlite3*
