# Billing Desk — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-dev

.PHONY: run run-prod test test-postgres services services-stop install chromium lint fmt sandbox clean screenshots fuzz

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

# The whole suite on SQLite (ignoring any DATABASE_URL/REDIS_URL in the shell) against the sandbox's
# `observed` profile; the client's integration tests and the main browser flows again against the
# `documented` profile (about 2.5 minutes on 2 cores), so what works on one reading only shows up red; then
# the database-dependent tests again on private PostgreSQL and Redis servers (mandatory in CI, skipped
# with a notice without root).
DOCUMENTED_STAGE = tests/nexudus tests/sandbox tests/payment_tokens tests/ledger tests/invoices \
	tests/browser/test_payment_tokens.py tests/browser/test_ledger.py tests/browser/test_lookup.py \
	tests/browser/test_signin.py tests/browser/test_two_browsers.py
test: install chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest
	SANDBOX_PROFILE=documented env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -q $(DOCUMENTED_STAGE)
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

# Property-based tests (tests/fuzz) with the long Hypothesis profile: FUZZ_EXAMPLES (default 5000) random
# examples per test; failures are kept in .hypothesis/ and replayed first on the next run. `make test` runs
# the same tests with the short, derandomized `ci` profile. Leave it running; Ctrl-C stops it.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest tests/fuzz -p no:cacheprovider \
		--hypothesis-show-statistics -x -q

# README screenshots (docs/screenshots/*.png): sandbox + dashboard on free ports, signed in as ops, Chromium.
# pngquant makes them smaller when it can be installed (root: Debian's package); Pillow is the fallback.
screenshots: install chromium
	@command -v pngquant >/dev/null 2>&1 || [ "$$(id -u)" != "0" ] || \
		(apt-get install -y -qq pngquant >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq pngquant >/dev/null 2>&1)) || true
	$(PY) scripts/screenshots.py

clean:
	-scripts/services.sh stop
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .ruff_cache .hypothesis

# Benchmark (issue 9): sandbox + gunicorn (production settings) on loopback, load, profile, page weight.
# Prints every figure next to its target; writes bench/results.json and the results block of bench/README.md.
# BENCH_QUICK=1 for a short smoke run. Under 10 minutes on 2 cores.
.PHONY: bench
bench: install
	$(PY) -m bench
