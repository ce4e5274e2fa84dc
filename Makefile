# Billing Desk — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-dev
CHROMIUM := /usr/bin/chromium

.PHONY: run test install chromium lint fmt sandbox clean

# The stamp is rebuilt whenever pyproject.toml changes, so a pull that adds a dependency installs it.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(STAMP)

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Browser tests need Debian's Chromium. Run: sudo apt-get install -y chromium"; exit 1; \
	fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py run_local

test: install chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

sandbox: install
	$(PY) manage.py nexudus_sandbox

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .ruff_cache
