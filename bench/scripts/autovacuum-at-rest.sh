#!/bin/bash
# PostgreSQL's CPU at rest with many small databases, at autovacuum_naptime 60 s, 600 s, then 60 s
# again: the figure behind Silo's scaled naptime (docs/operations.md). Needs a PostgreSQL server
# installation (Debian: postgresql-15) and runs as a user that may run it (not root):
#
#   bench/scripts/autovacuum-at-rest.sh [databases] [postgres bin dir]
#
# Everything lives in a temporary directory, removed at the end.
set -euo pipefail
N=${1:-1000}
BIN=${2:-/usr/lib/postgresql/15/bin}
DIR=$(mktemp -d)
trap '"$BIN/pg_ctl" -D "$DIR/data" -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
"$BIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
cat >> "$DIR/data/postgresql.conf" <<CONF
fsync = off
listen_addresses = ''
unix_socket_directories = '$DIR'
CONF
"$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start >/dev/null
P="psql -h $DIR -U postgres -qAt"
# a tenant database in miniature: a table of documents and one of activity
$P -d template1 -c "CREATE TABLE invoices (id uuid PRIMARY KEY, doc jsonb NOT NULL, version bigint);
                    CREATE TABLE silo_activity (id bigserial PRIMARY KEY, at timestamptz, doc jsonb);"
for i in $(seq 1 "$N"); do echo "CREATE DATABASE t$i;"; done | $P -d postgres
# one write in each, so that each has statistics and autovacuum visits it
for i in $(seq 1 "$N"); do
  $P -d "t$i" -c "INSERT INTO invoices VALUES (gen_random_uuid(), '{}', 1)" >/dev/null
done
postmaster=$(head -1 "$DIR/data/postmaster.pid")
ticks() { # CPU ticks of the postmaster and of every child it reaped (autovacuum workers are short-lived)
  awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat"
}
echo "$($P -d postgres -c 'SELECT count(*) FROM pg_database') databases"
for naptime in 60 600 60; do
  $P -d postgres -c "ALTER SYSTEM SET autovacuum_naptime = '${naptime}s'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 5
  before=$(ticks); start=$(date +%s.%N)
  sleep 60
  after=$(ticks); end=$(date +%s.%N)
  echo "autovacuum_naptime ${naptime} s: PostgreSQL $(echo "($after - $before) / ($end - $start)" | bc -l | cut -c1-5) % of a core"
done
