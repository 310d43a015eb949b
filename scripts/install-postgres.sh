#!/usr/bin/env bash
# Install the PostgreSQL server binaries used by tests/integration/test_collector_postgres.py
# (the tests start a throwaway cluster with initdb/pg_ctl; nothing is started here).
# Idempotent: does nothing when initdb is already present.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; then
  echo "postgresql: already installed ($(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | head -n1))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

if command -v apt-get >/dev/null; then
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends postgresql
elif command -v dnf >/dev/null; then
  $SUDO dnf install -y postgresql-server
elif command -v brew >/dev/null; then
  brew install postgresql
else
  echo "postgresql: no supported package manager found; install the PostgreSQL server yourself" >&2
  exit 1
fi
ls -d /usr/lib/postgresql/*/bin 2>/dev/null || command -v initdb
