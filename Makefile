# Billing Desk — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-dev

.PHONY: run run-prod test test-postgres services services-stop install chromium lint fmt sandbox clean screenshots

# The stamp is rebuilt whenever pyproject.toml changes, so a pull that adds a dependency installs it.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(STAMP)

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
chromium:
	scripts/install-chromium.sh

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py run_local

# Production configuration locally: gunicorn + PostgreSQL + Redis + hashed static files, sandbox upstream.
run-prod: install
	scripts/run-prod.sh

# The whole suite on SQLite (ignoring any DATABASE_URL/REDIS_URL in the shell), then the database-dependent
# tests again on private PostgreSQL and Redis servers (mandatory in CI, skipped with a notice without root).
test: install chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest
	scripts/test-postgres.sh

test-postgres: install
	scripts/test-postgres.sh

# Private PostgreSQL and Redis on loopback; `eval "$$(scripts/services.sh env)"` points a shell at them.
services:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

sandbox: install
	$(PY) manage.py nexudus_sandbox

# README screenshots (docs/screenshots/*.png): sandbox + dashboard on free ports, signed in as ops, Chromium.
# pngquant makes them smaller when it can be installed (root: Debian's package); Pillow is the fallback.
screenshots: install chromium
	@command -v pngquant >/dev/null 2>&1 || [ "$$(id -u)" != "0" ] || \
		(apt-get install -y -qq pngquant >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq pngquant >/dev/null 2>&1)) || true
	$(PY) scripts/screenshots.py

clean:
	-scripts/services.sh stop
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .ruff_cache

# Benchmark (issue 9): sandbox + gunicorn (production settings) on loopback, load, profile, page weight.
# Prints every figure next to its target; writes bench/results.json and the results block of bench/README.md.
# BENCH_QUICK=1 for a short smoke run. Under 10 minutes on 2 cores.
.PHONY: bench
bench: install
	$(PY) -m bench
