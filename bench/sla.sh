#!/usr/bin/env bash
# Response-target recompute benchmark: every open ticket's due times
# recomputed from its events (as after a calendar or policy change) on a
# database of generated tickets, with `rapport sla recompute`; prints the
# time and peak RSS.
#
#   TICKETS=1000000 bash bench/sla.sh sqlite      # or: postgres
#
# Shares bench/out (and the rapport_bench database) with bench/api.sh: the
# database is generated once and reused while its ticket count matches.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
tickets=${TICKETS:-1000000}
out=bench/out/$backend
mkdir -p "$out"
if [ -n "${RAPPORT_BIN:-}" ]; then
  bin=$RAPPORT_BIN   # a release binary built already
else
  cargo build --release -q -p rapport
  bin=${CARGO_TARGET_DIR:-$PWD/target}/release/rapport
fi
case $backend in
  sqlite) export RAPPORT_DATABASE_URL="sqlite:$PWD/$out/rapport.db" ;;
  postgres)
    export RAPPORT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/rapport_bench"
    psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname='rapport_bench'" | grep -q 1 \
      || psql -h 127.0.0.1 -U postgres -qc "create database rapport_bench" ;;
  *) echo "backend is sqlite or postgres"; exit 1 ;;
esac
export RAPPORT_DATA_DIR=$PWD/$out RAPPORT_LOG=warn
count_file=$out/tickets.count
if [ "$(cat "$count_file" 2>/dev/null)" != "$tickets" ]; then
  echo "== generating $tickets tickets ($backend)"
  "$bin" generate --tickets "$tickets" | tail -n 1
  echo "$tickets" > "$count_file"
fi
echo "== rapport sla recompute ($backend, $tickets tickets)"
/usr/bin/time -f "peak RSS %M KB, %e s wall" "$bin" sla recompute
