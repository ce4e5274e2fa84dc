#!/usr/bin/env bash
# Debian's Chromium for the browser tests (`make test`): Playwright never downloads a browser of its own.
# Installs it with apt-get when missing and run as root; otherwise prints the command to run and fails.
set -euo pipefail

CHROMIUM="${BILLING_DESK_CHROMIUM:-/usr/bin/chromium}"

[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    [ -x "$CHROMIUM" ] || { echo "chromium was installed, but $CHROMIUM is still missing." >&2; exit 1; }
else
    echo "Browser tests need Debian's Chromium. Run: sudo apt-get install -y chromium" >&2
    exit 1
fi
