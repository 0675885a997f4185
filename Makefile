# The two commands of the README: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev
# pytest-xdist: TEST_WORKERS processes, each with its own test database (pytest-django adds _gw0, _gw1...),
# live server, Chromium, Celery workers and osmem-server; tests in collection order, slowest files first
# (tests/conftest.py). `make test PYTEST_ARGS=...` replaces these options, e.g. PYTEST_ARGS=-n0 for one process.
TEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

.PHONY: run test worker beat install assets services migrate demo lint format check clean

## make run: set up everything on the embedded default (SQLite, database search, tasks in-process),
## load the reference and demo data, and serve http://127.0.0.1:$(PORT).
run: install
	@mkdir -p var
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py seed_demo
	$(DEV) $(BIN)/python manage.py seed_procurement_demo
	$(DEV) $(BIN)/python manage.py setup_site
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: /admin/, API: /api/v1/, health: /health/)"
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite against PostgreSQL and Redis (started if they are down), plus lint.
test: install services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

## make worker: a Celery worker on the broker in CELERY_BROKER_URL (Redis by default).
worker: install
	CELERY_TASK_ALWAYS_EAGER=false $(DEV) $(BIN)/celery -A config worker --loglevel INFO

beat: install
	CELERY_TASK_ALWAYS_EAGER=false $(DEV) $(BIN)/celery -A config beat --loglevel INFO

install: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

assets: static/vendor/.built

static/vendor/.built: package.json package-lock.json scripts/build_assets.sh
	scripts/build_assets.sh
	touch $@

services:
	scripts/ensure_services.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor var
