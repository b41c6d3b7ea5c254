#!/usr/bin/env bash
# One binary against one search data dir, for comparing builds on the same
# database under the same load: single-word, phrase and filtered queries
# through GET /api/v1/search at c=4, with p50, p99, requests/s and the
# server's CPU per request (from /proc). The database must exist (make it
# with bench/search.sh); the data dir must hold an index for this binary
# (a binary with other index fields would rebuild it at start).
#
#   DB=bench/out/s1m/rapport.db bash bench/search-ab.sh target/release/rapport bench/out/s1m 18094
set -u
bin=$1; data=$2; port=${3:-18094}; dur=${DUR:-10s}
db=${DB:?set DB to the SQLite database file}
cd "$(dirname "$0")/.."
conf=$(mktemp)
printf '[security]\ninbound_per_minute = 100000000\n' > "$conf"
export RAPPORT_DATABASE_URL="sqlite:$db" RAPPORT_DATA_DIR=$data RAPPORT_CONFIG=$conf RAPPORT_LOG=warn RAPPORT_LISTEN=127.0.0.1:$port
token=$("$bin" agent token --email admin@rapport.demo --name ab)
"$bin" serve > "$data/ab-serve.txt" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$conf" "$data"/ab-*.lua' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
team=$(curl -s -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/teams" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["name"].lower())')
mk() {
  local name=$1; shift
  { echo 'local q = {'
    for q in "$@"; do printf '  "%s",\n' "$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")"; done
    echo '}'; echo 'local n = 0'; echo 'request = function()'; echo '  n = n % #q + 1'
    echo "  return wrk.format(\"GET\", \"/api/v1/search?q=\" .. q[n], {[\"authorization\"] = \"Bearer $token\"})"
    echo 'end'; } > "$data/ab-$name.lua"
}
mk word refund order password delivery account broken charged cancel shipping email
mk phrase '"my order"' '"credit card"' '"customer service"' '"my account"' '"the app"' '"an email"'
mk filtered "status:open team:$team order" "status:open team:$team refund" "status:pending team:$team account" \
  "status:open team:$team delivery" "status:new team:$team password"
cpu() { awk '{print $14+$15}' "/proc/$pid/stat"; }
for kind in word phrase filtered; do
  c0=$(cpu)
  out=$(wrk -t2 -c4 -d"$dur" --latency -s "$data/ab-$kind.lua" "http://127.0.0.1:$port")
  c1=$(cpu)
  n=$(echo "$out" | awk '/requests in/{print $1}')
  echo "$out" | awk -v kind="$kind" -v ticks=$((c1 - c0)) -v n="$n" \
    '/ 50%/{p50=$2} / 99%/{p99=$2} /Requests\/sec/{rps=$2} /Non-2xx/{bad=$NF}
     END{printf "%s: p50 %s, p99 %s, %s req/s, server CPU %.3f ms a request%s\n", kind, p50, p99, rps, ticks*10/n, (bad?", non-2xx " bad:"")}'
done
