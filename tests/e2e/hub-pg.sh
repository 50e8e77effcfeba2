#!/bin/sh
# SPDX-License-Identifier: MIT
# The hub scenarios of hub.sh (or $HUB_PG_SCRIPT: bundle-pg.sh runs bundle.sh) against the
# PostgreSQL storage: a real PostgreSQL 15 server
# made in a temporary folder and listening on loopback only, stopped at the end. Skips (one
# passing line that says so) where the server cannot run: no PostgreSQL binaries, or not
# root (the server runs as the postgres user).
here=$(cd "$(dirname "$0")" && pwd)
bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ] || [ "$(id -u)" != 0 ] || ! id postgres >/dev/null 2>&1 || ! command -v psql >/dev/null; then
	echo "ok 1 - skipped: PostgreSQL 15 server binaries, psql or root are missing (apt-get install postgresql)"
	echo "1..1"
	exit 0
fi
P=$(mktemp -d /tmp/vkhid-pg.XXXXXX)
chown postgres "$P"
# a free port: the kernel picks one for a moment, the server takes it
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() { su postgres -c "$bin/pg_ctl -D $P/data -m immediate -w stop" >/dev/null 2>&1; rm -rf "$P"; }
trap stop EXIT
if ! su postgres -c "$bin/initdb -D $P/data -A trust -E UTF8 --locale=C.UTF-8" >"$P/initdb.log" 2>&1 ||
   ! su postgres -c "$bin/pg_ctl -D $P/data -l $P/server.log -w -o \"-c listen_addresses=127.0.0.1 -p $port -k $P\" start" >/dev/null 2>&1; then
	echo "not ok 1 - the PostgreSQL server did not start"
	sed 's/^/#   /' "$P/initdb.log" "$P/server.log" 2>/dev/null | tail -20
	echo "1..1"
	exit 1
fi
VKHID_HUB_PG="postgresql://postgres@127.0.0.1:$port/postgres" sh "$here/${HUB_PG_SCRIPT:-hub.sh}"
