#!/usr/bin/env bash
# The second half of `make test`: the database-dependent tests again, on PostgreSQL with Redis as the
# cache, because production runs there and SQLite forgives things PostgreSQL does not (row locks,
# transaction rules, types). Started servers are private ones from scripts/services.sh.
#
# In CI (CI=true) this pass is mandatory. Elsewhere, a machine that cannot install PostgreSQL (no root)
# skips it with a notice, so a newcomer's `make test` never fails for lack of sudo.
#
# Extra arguments go to pytest; PG_TEST_PATHS overrides which test folders run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! scripts/services.sh check; then
    if [ "${CI:-}" = "true" ]; then
        echo "test-postgres: CI must run the PostgreSQL pass, but PostgreSQL/Redis cannot be installed here." >&2
        exit 1
    fi
    echo "NOTICE: skipped the PostgreSQL + Redis test pass: run as root (or install postgresql and redis-server) to include it." >&2
    exit 0
fi

# Servers this script started are stopped again; ones a developer already had running are left alone.
if scripts/services.sh status; then
    started_here=false
else
    started_here=true
fi
stop_services() { if [ "$started_here" = true ]; then scripts/services.sh stop; fi; }
trap stop_services EXIT
# Captured first: `eval "$(...)"` would hide a failed start and quietly run the tests on SQLite.
service_env="$(scripts/services.sh start)"
eval "$service_env"
if [[ "${DATABASE_URL:-}" != postgres* ]]; then
    echo "test-postgres: no PostgreSQL DATABASE_URL after starting the services." >&2
    exit 1
fi

# A fresh key prefix per run: nothing a previous run left in Redis (throttle counters, budgets) leaks in.
CACHE_KEY_PREFIX="test-$(date +%s)-$$"
export CACHE_KEY_PREFIX

# The ledger lock is a PostgreSQL advisory lock there (a file lock on SQLite): its tests run on both.
read -r -a paths <<<"${PG_TEST_PATHS:-tests/accounts tests/core tests/production tests/runtime tests/ledger/test_concurrent_writes.py tests/ledger/test_lock_refusal.py tests/statements/test_worker.py}"
existing=()
for path in "${paths[@]}"; do
    if [ -e "$path" ]; then existing+=("$path"); fi
done

echo "test-postgres: running ${existing[*]} again on PostgreSQL, with Redis as the cache" >&2
# Browser tests exercise the page, not the database engine: they stay in the SQLite pass.
.venv/bin/python -m pytest -m "not browser" "${existing[@]}" "$@"
