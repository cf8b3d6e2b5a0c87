# Waypoint: `make run` to try it, `make test` for the whole suite. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
ARGS ?=
INSTALLED := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEV_ENV := WAYPOINT_DEV=1
# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
TEST_ENV := WAYPOINT_DEV=1 DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: install run test bench lint format worker beat clean

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(INSTALLED)

## Serve the seeded app at http://127.0.0.1:$(PORT) (SQLite and in-process tasks unless
## DATABASE_URL / REDIS_URL are set).
run: $(INSTALLED)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --once
	@echo "Waypoint is starting at http://127.0.0.1:$(PORT)/"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Lint, format check, type check (mypy), and the whole suite with its own PostgreSQL, Redis,
## Celery worker and Chromium (installed with apt-get when missing). Pass ARGS="tests/x.py -k y"
## for a subset.
test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy
	$(DEV_ENV) $(BIN)/lint-imports --no-cache
	$(TEST_ENV) $(BIN)/python scripts/with_services.py $(BIN)/pytest $(ARGS)

## Speed figures (bench/README.md): the app under gunicorn (2 workers) on fresh seeded databases,
## PostgreSQL (a private durable server; the goals) then SQLite (figures only), against MLflow's
## tracking server in the same run (installed into /tmp/mlflow-venv when missing). 25-40 minutes;
## ARGS="--quick" for a short pass, ARGS="--engines postgresql", ARGS="--help".
bench: $(INSTALLED)
	$(BIN)/python -m bench.run $(ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy
	$(DEV_ENV) $(BIN)/lint-imports --no-cache

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: $(INSTALLED)
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it tasks run in-process and no worker is needed."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A config worker --loglevel=INFO

beat: $(INSTALLED)
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run scheduled jobs."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
