#!/usr/bin/env bash
# Reports benchmark: on a database of generated tickets (with their promises,
# coach overrides and customer attributes), rebuilds the report projection
# from the whole event log (`rapport report rebuild`), then times the full
# report for the last year of one team and for everything, and the fairness
# audit by region. The report commands print their own time (the use case:
# projection read and summed), the wall time includes the process start.
#
#   TICKETS=100000 bash bench/reports.sh sqlite      # or: postgres
#
# Shares bench/out (and the rapport_bench database) with bench/api.sh.
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
echo "== rapport report rebuild ($backend, $tickets tickets)"
/usr/bin/time -f "peak RSS %M KB, %e s wall" "$bin" report rebuild
from=$(date -u -d '365 days ago' +%F)
to=$(date -u +%F)
team=${TEAM:-1}
for run in 1 2 3; do
  echo "== full report, team $team, $from..$to (run $run)"
  /usr/bin/time -f "%e s wall" "$bin" report --team "$team" --from "$from" --to "$to" | tail -n 1
done
for run in 1 2 3; do
  echo "== full report, everything (run $run)"
  /usr/bin/time -f "%e s wall" "$bin" report | tail -n 1
done
echo "== fairness audit by region"
/usr/bin/time -f "%e s wall" "$bin" report fairness --by region | tail -n 3
