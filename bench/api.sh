#!/usr/bin/env bash
# Rapport API benchmark: fills a database with generated tickets, starts
# `rapport serve` on it, and measures with wrk (a real HTTP load tool):
# startup to serving, idle RSS, the team queue list, one ticket with its
# messages, and sustained ticket creation.
#
#   TICKETS=1000000 bash bench/api.sh sqlite      # or: postgres
#
# Needs wrk (apt-get install wrk). The database is kept in bench/out (SQLite)
# or the rapport_bench database (PostgreSQL) and reused while its ticket
# count matches; delete it to regenerate.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
tickets=${TICKETS:-1000000}
duration=${DURATION:-20s}
port=${PORT:-18080}
out=bench/out/$backend
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
cargo build --release -q -p rapport
bin=$PWD/target/release/rapport

case $backend in
  sqlite) export RAPPORT_DATABASE_URL="sqlite:$PWD/$out/rapport.db" ;;
  postgres)
    export RAPPORT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/rapport_bench"
    psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname='rapport_bench'" | grep -q 1 \
      || psql -h 127.0.0.1 -U postgres -qc "create database rapport_bench" ;;
  *) echo "backend is sqlite or postgres"; exit 1 ;;
esac
export RAPPORT_DATA_DIR=$PWD/$out RAPPORT_LOG=warn RAPPORT_LISTEN=127.0.0.1:$port

count_file=$out/tickets.count
if [ "$(cat "$count_file" 2>/dev/null)" != "$tickets" ]; then
  echo "== generating $tickets tickets ($backend)"
  /usr/bin/time -v "$bin" generate --tickets "$tickets" 2> "$out/generate.time" | tail -n 1
  grep -E 'Maximum resident' "$out/generate.time"
  echo "$tickets" > "$count_file"
fi

token=$("$bin" agent token --email admin@rapport.demo --name bench)

echo "== startup"
start=$(date +%s%N)
"$bin" serve > "$out/serve.txt" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
echo "startup to serving: $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 2
echo "idle RSS: $(grep VmRSS /proc/$pid/status | awk '{printf "%.1f MB", $2/1024}')"

team=$(curl -s -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/teams" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
max_id=$(curl -s -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/tickets?sort=-created_at&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

cat > "$out/one.lua" <<LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/api/v1/tickets/" .. math.random(1, $max_id), {["authorization"] = "Bearer $token"})
end
LUA
cat > "$out/create.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local body = '{"subject":"Order ' .. n .. ' arrived damaged","customer_email":"bench' .. (n % 5000) .. '@example.org","team_id":$team,"message":"The box was crushed and the lamp inside is broken. Can you send a replacement?"}'
  return wrk.format("POST", "/api/v1/tickets", {["authorization"] = "Bearer $token", ["content-type"] = "application/json"}, body)
end
LUA

summary() { awk '/Latency Distribution/{d=1} d&&/99%/{p99=$2} /Requests\/sec/{rps=$2} /Non-2xx/{bad=$NF} END{printf "p99 %s, %s req/s%s\n", p99, rps, (bad?", non-2xx " bad:"")}'; }

echo "== team queue: open tickets of team $team, first page of 50 (c=4, $duration)"
wrk -t2 -c4 -d"$duration" --latency -H "authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/tickets?team=$team&status=open&limit=50" | tee "$out/list.txt" | summary
echo "== one ticket with its messages, random ids (c=4, $duration)"
wrk -t2 -c4 -d"$duration" --latency -s "$out/one.lua" "http://127.0.0.1:$port" | tee "$out/one.txt" | summary
for c in 4 16; do
  echo "== create tickets over the API (c=$c, $duration)"
  wrk -t2 -c$c -d"$duration" --latency -s "$out/create.lua" "http://127.0.0.1:$port" | tee "$out/create-c$c.txt" | summary
done
echo "RSS after load: $(grep VmRSS /proc/$pid/status | awk '{printf "%.1f MB", $2/1024}')"
