#!/usr/bin/env bash
# Rapport pages benchmark: the agent workspace's inbox (a view with every
# view's count) and ticket pages, signed in with a browser session, measured
# with wrk against `rapport serve` on a database of generated tickets.
#
#   TICKETS=1000000 bash bench/pages.sh sqlite      # or: postgres
#
# Shares bench/out (and the rapport_bench database) with bench/api.sh: the
# database is generated once and reused while its ticket count matches.
# Needs wrk (apt-get install wrk). STREAMS (default 500) event streams are
# opened at the end to read the server's memory (VmRSS) before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
tickets=${TICKETS:-1000000}
duration=${DURATION:-20s}
port=${PORT:-18081}
out=bench/out/$backend
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
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
export RAPPORT_DATA_DIR=$PWD/$out RAPPORT_LOG=warn RAPPORT_LISTEN=127.0.0.1:$port

count_file=$out/tickets.count
if [ "$(cat "$count_file" 2>/dev/null)" != "$tickets" ]; then
  echo "== generating $tickets tickets ($backend)"
  "$bin" generate --tickets "$tickets" | tail -n 1
  echo "$tickets" > "$count_file"
fi
echo "bench password 1" | "$bin" agent password --email admin@rapport.demo >/dev/null

# The composer's coach is limited per agent and minute; the bench types faster.
printf '[security]\ncoach_per_minute = 1000000\n' > "$out/bench-pages.toml"
RAPPORT_CONFIG=$PWD/$out/bench-pages.toml "$bin" serve > "$out/serve-pages.txt" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
base=http://127.0.0.1:$port

# Sign in as a browser does: the form (a visitor cookie and its CSRF token), then the post.
jar=$out/cookies.txt
rm -f "$jar"
csrf=$(curl -s -c "$jar" "$base/app/sign-in" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}\n' \
  --data-urlencode "csrf=$csrf" --data-urlencode "email=admin@rapport.demo" --data-urlencode "password=bench password 1" \
  "$base/app/sign-in" | grep -q 303 || { echo "sign-in failed"; exit 1; }
session=$(awk '$6 == "rapport_agent" {print $7}' "$jar")
cookie="Cookie: rapport_agent=$session"
max_id=$(curl -s -H "$cookie" "$base/app?view=open&sort=created_desc" | sed -n 's/.*data-id="\([0-9]*\)".*/\1/p' | head -n 1)

cat > "$out/ticket-page.lua" <<LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/app/tickets/" .. math.random(1, $max_id), {["cookie"] = "rapport_agent=$session"})
end
LUA

summary() { awk '/Latency Distribution/{d=1} d&&/99%/{p99=$2} /Requests\/sec/{rps=$2} /Non-2xx/{bad=$NF} END{printf "p99 %s, %s req/s%s\n", p99, rps, (bad?", non-2xx " bad:"")}'; }

for view in open unassigned waiting mine; do
  echo "== inbox page: view $view, first page of 50 with the four counts (c=4, $duration)"
  wrk -t2 -c4 -d"$duration" --latency -H "$cookie" "$base/app?view=$view" | tee "$out/inbox-$view.txt" | summary
done
# The same view narrowed by a tag (one the generator gives many tickets,
# and one nobody has), a priority and a channel.
token=$("$bin" agent token --email admin@rapport.demo --name bench-pages)
tag=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/tickets?limit=500&sort=created_at" |
  python3 -c 'import json, sys; print(next(t["tags"][0] for t in json.load(sys.stdin)["items"] if t["tags"]))')
echo "a tag the generator gave: $tag ($(sqlite3 "$out/rapport.db" "select count(*) from ticket_tags where tag = '$tag'" 2>/dev/null || echo "?") tickets)"
for narrow in "tag=$tag" tag=no-such-tag priority=urgent channel=social; do
  echo "== inbox page: view open narrowed by $narrow (c=4, $duration)"
  wrk -t2 -c4 -d"$duration" --latency -H "$cookie" "$base/app?view=open&$narrow" | tee "$out/inbox-open-${narrow//[=:]/-}.txt" | summary
done
echo "== ticket page, random ids (c=4, $duration)"
wrk -t2 -c4 -d"$duration" --latency -s "$out/ticket-page.lua" "$base" | tee "$out/ticket-page.txt" | summary
# The composer's coach round trip: the draft as the page posts it (0.6 s
# after the last key), against a ticket's conversation.
csrf=$(curl -s -H "$cookie" "$base/app/tickets/$max_id" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
cat > "$out/coach.lua" <<LUA
wrk.method = "POST"
wrk.headers["cookie"] = "rapport_agent=$session"
wrk.headers["x-csrf-token"] = "$csrf"
wrk.headers["content-type"] = "application/x-www-form-urlencoded"
wrk.body = "draft=Sorry+Ann%2C+that%27s+our+policy.+I+will+send+you+a+new+kettle+by+Friday.+Kind+regards%2C+Sam"
done = function(summary, latency, requests)
  io.write(string.format("coach p95 %.2fms, p50 %.2fms\n", latency:percentile(95) / 1000, latency:percentile(50) / 1000))
end
LUA
echo "== coach round trip, POST /app/tickets/$max_id/coach (c=2, $duration)"
wrk -t1 -c2 -d"$duration" --latency -s "$out/coach.lua" "$base/app/tickets/$max_id/coach" | tee "$out/coach.txt" | grep -E 'coach p95|Non-2xx|Requests/sec'
css=$(curl -s -H "$cookie" "$base/app" | sed -n 's/.*href="\(\/assets\/[^"]*\.css\)".*/\1/p' | head -n 1)
js=$(curl -s -H "$cookie" "$base/app" | sed -n 's/.*src="\(\/assets\/[^"]*\.js\)".*/\1/p' | head -n 1)
echo "JS + CSS of a workspace page: $(( $(curl -s "$base$css" | wc -c) + $(curl -s "$base$js" | wc -c) )) bytes"

# A change reaching another agent's open list: an agent's page holds the
# event stream; a ticket is opened through the API; the time until the
# stream names it and the list the page then fetches shows it.
python3 - "$base" "$session" "$token" "${PROBES:-30}" <<'PY'
import json, sys, threading, time, urllib.request, uuid
base, session, token, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seen = {}
def listen():
    req = urllib.request.Request(base + "/app/live", headers={"cookie": f"rapport_agent={session}"})
    with urllib.request.urlopen(req) as stream:
        for line in stream:
            line = line.decode().strip()
            if line.startswith("data:"):
                seen.setdefault(line[5:].strip(), time.monotonic())
threading.Thread(target=listen, daemon=True).start()
time.sleep(1)
lat = []
for i in range(n):
    body = json.dumps({"subject": f"Live {uuid.uuid4().hex[:8]}", "customer_email": f"live{i}@example.org",
                       "message": "The lamp flickers."}).encode()
    req = urllib.request.Request(base + "/api/v1/tickets", data=body, method="POST",
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    t0 = time.monotonic()
    ticket = str(json.load(urllib.request.urlopen(req))["ticket"]["id"])
    while ticket not in seen and time.monotonic() - t0 < 10:
        time.sleep(0.005)
    page = urllib.request.urlopen(urllib.request.Request(base + "/app?view=unassigned",
        headers={"cookie": f"rapport_agent={session}"})).read().decode()
    shown = f'data-id="{ticket}"' in page
    lat.append(time.monotonic() - t0 if shown else float("inf"))
    time.sleep(0.2)
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"== a new ticket in another agent's open list (event stream, then the list), {n} probes: "
      f"median {p(0.5)*1000:.0f} ms, p99 {p(0.99)*1000:.0f} ms, max {lat[-1]*1000:.0f} ms")
PY

streams=${STREAMS:-500}
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
before=$(rss)
stream_pids=()
for _ in $(seq 1 "$streams"); do
  curl -s -N -o /dev/null -H "$cookie" "$base/app/live" &
  stream_pids+=($!)
done
sleep 3
open_now=$(ss -tn state established "( sport = :$port )" | tail -n +2 | wc -l)
after=$(rss)
kill "${stream_pids[@]}" 2>/dev/null || true
echo "== $streams event streams (/app/live), $open_now connections open: server RSS $((before / 1024)) MB before, $((after / 1024)) MB after, $(((after - before) / 1024)) MB for the streams"
