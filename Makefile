# Two commands for a fresh machine: `make demo` and `make test`. Both create the virtual
# environment on first use; only Python 3.11+ and make are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint format schema install clean lock e2e

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/python manage.py demo

test: $(BIN)/.installed
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(BIN)/.installed
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

# The image's hashed lock files, compiled from pyproject.toml against PyPI.
lock: $(BIN)/.installed
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile \
	  --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links \
	  --no-emit-index-url --output-file requirements/production.txt pyproject.toml
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile \
	  --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links \
	  --no-emit-index-url --output-file requirements/build.txt requirements/build.in

# gunicorn, a Celery worker and beat as real processes on PostgreSQL and Redis (tests/e2e).
e2e: $(BIN)/.installed
	E2E=1 $(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
