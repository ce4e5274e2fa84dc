#!/usr/bin/env bash
# `make run-prod`: the production configuration on this machine — gunicorn, PostgreSQL, Redis,
# compressed hashed static files, JSON logs — against the local Nexudus sandbox, on http://127.0.0.1:8000.
#
# Only what a laptop lacks is relaxed: plain HTTP (no HTTPS redirect, cookies not marked secure) and
# secrets generated once into var/run-prod.env instead of coming from a secret store.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
SECRETS="$ROOT/var/run-prod.env"

eval "$(scripts/services.sh start)"

if [ ! -s "$SECRETS" ]; then
    mkdir -p var
    (
        umask 077
        "$PY" - >"$SECRETS" <<'EOF'
import secrets

from cryptography.fernet import Fernet

print(f"export SECRET_KEY='{secrets.token_urlsafe(50)}'")
print(f"export FERNET_KEYS='{Fernet.generate_key().decode()}'")
EOF
    )
    echo "run-prod: generated a local SECRET_KEY and FERNET_KEYS in $SECRETS" >&2
fi
# shellcheck source=/dev/null
. "$SECRETS"

export DJANGO_SETTINGS_MODULE=dashboard.settings.production
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"
export NEXUDUS_API_URL="${NEXUDUS_API_URL:-http://127.0.0.1:8765}"

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput >/dev/null

SANDBOX_PID=""
stop_sandbox() {
    if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
        kill "$SANDBOX_PID" 2>/dev/null || true
        wait "$SANDBOX_PID" 2>/dev/null || true
    fi
}
trap stop_sandbox EXIT

case "$NEXUDUS_API_URL" in
    http://127.0.0.1:* | http://localhost:*)
        sandbox_port="${NEXUDUS_API_URL##*:}"
        sandbox_port="${sandbox_port%%/*}"
        "$PY" -m sandbox --port "$sandbox_port" &
        SANDBOX_PID=$!
        for _ in $(seq 1 300); do
            (exec 3<>"/dev/tcp/127.0.0.1/$sandbox_port") 2>/dev/null && break
            kill -0 "$SANDBOX_PID" 2>/dev/null || { echo "run-prod: the sandbox exited" >&2; exit 1; }
            sleep 0.2
        done
        ;;
    *)
        echo "run-prod: using the Nexudus API at $NEXUDUS_API_URL (no sandbox)" >&2
        ;;
esac

cat >&2 <<EOF

Billing Desk (production configuration) on http://$GUNICORN_BIND/  — Nexudus at $NEXUDUS_API_URL
PostgreSQL and Redis keep running after Ctrl-C; stop them with: scripts/services.sh stop

EOF
# The background worker (bank statement imports) is its own process, as in production; it stops with us.
"$PY" manage.py statements_worker &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true; wait "$WORKER_PID" 2>/dev/null || true; stop_sandbox' EXIT
"$ROOT/.venv/bin/gunicorn" -c gunicorn.conf.py dashboard.wsgi:application
