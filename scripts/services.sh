#!/usr/bin/env bash
# Private PostgreSQL and Redis servers for tests and `make run-prod`, on loopback, in a folder of this
# checkout (var/services/; see resolve_dir), never touching the machine's own clusters.
#
#   scripts/services.sh start    install if missing (root: apt-get), start both, print the URLs
#   scripts/services.sh install  only install what is missing (root: apt-get); nothing else is touched
#   scripts/services.sh env      print the URLs of running services, for: eval "$(scripts/services.sh env)"
#   scripts/services.sh stop     stop both (their data stays for the next start)
#   scripts/services.sh status   exit 0 when both run
#   scripts/services.sh check    exit 0 when both are installed or installable here (used by `make test`)
#
# Both are throwaway development servers: fsync is off and data lives in the checkout. The URLs carry
# generated passwords kept in <dir>/credentials (mode 600); the app role may create databases, which
# pytest-django needs for its test database.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR=""  # set by resolve_dir
# Below the kernel's ephemeral range (32768-60999): a port in it can be held at any moment by an outgoing
# connection's local end, which no connect() probe sees but which makes the server's bind() fail.
PG_PREFERRED_PORT="${BILLING_DESK_PG_PORT:-25432}"
REDIS_PREFERRED_PORT="${BILLING_DESK_REDIS_PORT:-26379}"
PG_ROLE="billing_desk"
PG_DATABASE="billing_desk"
APT_COMMAND="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends"
# Where Debian puts PostgreSQL's server programs; tests point it at a folder of stand-ins.
PG_LIB_ROOT="${BILLING_DESK_PG_LIB_ROOT:-/usr/lib/postgresql}"

say() { echo "services: $*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [ "$(id -u)" = "0" ]; }
# Every writer into the services folder calls this first: an empty DIR would write to / or fail oddly.
need_dir() { [ -n "$DIR" ] || die "internal error: the services folder is not decided yet (resolve_dir must run first)"; }

# PostgreSQL refuses to run as root, so as root its commands run as the `postgres` OS user the Debian
# package creates; anyone else runs them as themselves.
as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# var/services/ of this checkout, unless the postgres OS user cannot reach it (a checkout under a private
# home folder, as root): then a folder of /tmp named after the checkout, so every command finds the same one.
resolve_dir() {
    if [ -n "${BILLING_DESK_SERVICES_DIR:-}" ]; then
        DIR="$BILLING_DESK_SERVICES_DIR"
        return
    fi
    DIR="$ROOT/var/services"
    if is_root && id postgres >/dev/null 2>&1; then
        mkdir -p "$ROOT/var"
        if ! runuser -u postgres -- test -x "$ROOT/var"; then
            DIR="${TMPDIR:-/tmp}/billing-desk-services-$(printf %s "$ROOT" | cksum | cut -d' ' -f1)"
        fi
    fi
}

pg_bindir() {
    local dir
    dir="$(printf "%s\n" "$PG_LIB_ROOT"/*/bin | sort -V | tail -n 1)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

missing_packages() {
    local packages=()
    [ -n "$(pg_bindir)" ] || packages+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
    echo "${packages[@]}"
}

install_missing() {
    local packages
    packages="$(missing_packages)"
    [ -z "$packages" ] && return 0
    if is_root && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's $packages ..."
        # The log goes to a temporary file, not to the services folder: that folder is only decided after
        # the install (resolve_dir asks whether the `postgres` user, which the install creates, can reach it).
        local log
        log="$(mktemp "${TMPDIR:-/tmp}/billing-desk-apt.XXXXXX")"
        # apt's progress only matters when it fails; then all of it does.
        if ! bash -c "$APT_COMMAND $packages" >"$log" 2>&1; then
            cat "$log" >&2
            rm -f "$log"
            die "installing $packages failed"
        fi
        rm -f "$log"
        [ -z "$(missing_packages)" ] || die "installed $packages, but $(missing_packages) still cannot be found"
    else
        die "PostgreSQL and Redis are needed. Install them with: sudo sh -c '$APT_COMMAND $packages'"
    fi
}

# A bind test, not a connect probe: it also sees ports held by sockets that are not listening.
port_in_use() {
    ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$1" 2>/dev/null
}

# The preferred port, or the next free one: another checkout's services may already hold it.
free_port_from() {
    local port="$1"
    while port_in_use "$port"; do
        port=$((port + 1))
        [ "$port" -lt "$(($1 + 100))" ] || die "no free port near $1"
    done
    echo "$port"
}

random_secret() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }

# The first start chooses ports and passwords; later starts reuse them, so URLs stay stable.
load_credentials() {
    need_dir
    mkdir -p "$DIR"
    if [ ! -s "$DIR/credentials" ]; then
        (
            umask 077
            {
                echo "PG_PORT=$(free_port_from "$PG_PREFERRED_PORT")"
                echo "PG_PASSWORD=$(random_secret)"
                echo "REDIS_PORT=$(free_port_from "$REDIS_PREFERRED_PORT")"
                echo "REDIS_PASSWORD=$(random_secret)"
            } >"$DIR/credentials.tmp"
            mv "$DIR/credentials.tmp" "$DIR/credentials"
        )
    fi
    # shellcheck source=/dev/null
    . "$DIR/credentials"
}

pg_running() { [ -f "$DIR/pg/data/PG_VERSION" ] && as_pg "$(pg_bindir)/pg_ctl" status -D "$DIR/pg/data" >/dev/null 2>&1; }

redis_running() { [ -f "$DIR/redis/redis.pid" ] && kill -0 "$(cat "$DIR/redis/redis.pid")" 2>/dev/null; }

start_postgres() {
    need_dir
    local bin
    bin="$(pg_bindir)"
    mkdir -p "$DIR/pg"
    if is_root; then
        chown postgres: "$DIR/pg"
        as_pg test -w "$DIR/pg" || die "the postgres user cannot reach $DIR; set BILLING_DESK_SERVICES_DIR to a folder it can"
    fi
    chmod 700 "$DIR/pg"
    if [ ! -f "$DIR/pg/data/PG_VERSION" ]; then
        say "creating a PostgreSQL cluster in $DIR/pg/data"
        as_pg mkdir -p "$DIR/pg/run"
        # The superuser only connects through the private socket folder; the app role uses a password.
        as_pg "$bin/initdb" -D "$DIR/pg/data" --username=postgres --no-locale --encoding=UTF8 \
            --auth-local=trust --auth-host=scram-sha-256 --no-instructions >/dev/null
        as_pg tee -a "$DIR/pg/data/postgresql.conf" >/dev/null <<EOF
# billing-desk: a private throwaway server (scripts/services.sh)
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$DIR/pg/run'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    if ! pg_running; then
        port_in_use "$PG_PORT" && die "port $PG_PORT is taken; remove $DIR to choose new ports"
        as_pg "$bin/pg_ctl" start -D "$DIR/pg/data" -l "$DIR/pg/postgres.log" -w -t 60 >/dev/null \
            || die "PostgreSQL did not start; see $DIR/pg/postgres.log"
    fi
    # Idempotent: the role may create databases (pytest-django makes test_billing_desk) but is no superuser.
    as_pg "$bin/psql" -h "$DIR/pg/run" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt >/dev/null <<EOF
DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END\$\$;
SELECT 'CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DATABASE')\gexec
EOF
}

start_redis() {
    need_dir
    mkdir -p "$DIR/redis"
    chmod 700 "$DIR/redis"
    redis_running && return 0
    port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is taken; remove $DIR to choose new ports"
    # The password goes through a config file, not the command line that `ps` shows everyone.
    (
        umask 077
        cat >"$DIR/redis/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
requirepass $REDIS_PASSWORD
daemonize yes
dir $DIR/redis
pidfile $DIR/redis/redis.pid
logfile $DIR/redis/redis.log
save ""
appendonly no
EOF
    )
    redis-server "$DIR/redis/redis.conf"
    for _ in $(seq 1 100); do
        port_in_use "$REDIS_PORT" && redis_running && return 0
        sleep 0.1
    done
    die "Redis did not start; see $DIR/redis/redis.log"
}

print_env() {
    echo "export DATABASE_URL='postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DATABASE'"
    echo "export REDIS_URL='redis://default:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0'"
}

stop_all() {
    need_dir
    if [ -f "$DIR/pg/data/PG_VERSION" ] && pg_running; then
        as_pg "$(pg_bindir)/pg_ctl" stop -D "$DIR/pg/data" -m fast -w >/dev/null
        say "PostgreSQL stopped"
    fi
    if redis_running; then
        local pid
        pid="$(cat "$DIR/redis/redis.pid")"
        kill "$pid"
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        say "Redis stopped"
    fi
}

case "${1:-}" in
    start)
        # Install first: resolve_dir's answer depends on the `postgres` user the install creates.
        install_missing
        resolve_dir
        load_credentials
        start_postgres
        start_redis
        say "PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT (data in $DIR)"
        print_env
        ;;
    install)
        install_missing
        ;;
    env)
        resolve_dir
        [ -s "$DIR/credentials" ] || die "not started yet: run scripts/services.sh start"
        load_credentials
        print_env
        ;;
    stop)
        resolve_dir
        stop_all
        ;;
    status)
        resolve_dir
        [ -s "$DIR/credentials" ] && [ -n "$(pg_bindir)" ] && pg_running && redis_running
        ;;
    check)
        [ -z "$(missing_packages)" ] || { is_root && command -v apt-get >/dev/null 2>&1; }
        ;;
    *)
        echo "usage: $0 start|install|env|stop|status|check" >&2
        exit 2
        ;;
esac
