#!/usr/bin/env bash
# /healthz latency while `portrait serve` (release) takes the worst load issue #17 names, all at
# once for --seconds:
#   - POST /v1/segments:count with a 5,000-item `tag.tier in [...]` (TagLang's list limit, and
#     ~31 KB, near the 32 KiB expression limit): a compile and a 5,000-key BITOP, 8 connections;
#   - 1 MiB bodies (the body limit; decoded, then refused for an unknown field), 4 connections;
#   - bodies nested 63 deep (just under the 64-level limit) and 10,000 deep (refused), 4 connections;
#   - GET /v1/profiles/{id} over 100k profiles, 32 connections.
# Meanwhile a probe opens a new connection and GETs /healthz every 50 ms, and reports the
# count, p50, p99 and max latency (connect included) and any answer that was not 200.
# Uses Redis database 8 and the MySQL database portrait_test_bench_healthz (emptied first).
# Usage: [PORTRAIT_BIN=path] Benchmarks/healthz-under-load.sh [--seconds S] [--users N]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=20 users=100000
while [[ $# -gt 0 ]]; do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --users) users=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
source Benchmarks/bench-setup.sh
port=18090
export PORTRAIT_REDIS_URL="redis://127.0.0.1:$redis_port/8"
export PORTRAIT_MYSQL_URL="${PORTRAIT_MYSQL_URL%/*}/portrait_test_bench_healthz"
export PORTRAIT_LOG_LEVEL=warning PORTRAIT_HTTP_ADDR=127.0.0.1:$port PORTRAIT_KAFKA_BROKERS=mock
[[ $PORTRAIT_MYSQL_URL =~ ^mysql://([^:]+):([^@]+)@([^:/]+):([0-9]+)/ ]] || { echo "cannot parse PORTRAIT_MYSQL_URL" >&2; exit 1; }
mariadb --no-defaults -h "${BASH_REMATCH[3]}" -P "${BASH_REMATCH[4]}" -u "${BASH_REMATCH[1]}" -p"${BASH_REMATCH[2]}" \
    -e "DROP DATABASE IF EXISTS portrait_test_bench_healthz; CREATE DATABASE portrait_test_bench_healthz CHARACTER SET utf8mb4"
$bin migrate >/dev/null
$bin tags create tier --kind enumerated --expression '"gold"' --status active >/dev/null
key=$($bin keys create --name bench --role reader | tail -1)

redis-cli -p "$redis_port" -n 8 FLUSHDB >/dev/null
python3 - "$users" <<'PY' | redis-cli -p "$redis_port" -n 8 --pipe >/dev/null
import sys
out = sys.stdout.buffer
for user in range(1, int(sys.argv[1]) + 1):
    args = [b"HSET", b"p:{%d}" % user, b"_id", b"%d" % user, b"_updated", b"1700000000000", b"a.city", b"Paris", b"t.tier", b"gold"]
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
PY

work=$(mktemp -d)
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
# The longest 5,000-item list that fits the 32 KiB expression limit: short distinct values.
items = ",".join('"%s"' % format(i, "x") for i in range(5000))
expression = "tag.tier in [%s]" % items
assert len(expression) <= 32768, len(expression)
open(f"{work}/segment.json", "w").write(json.dumps({"expression": expression}))
# 1 MiB less a little: decoded in full (ComputeWork), then refused for its unknown field.
open(f"{work}/big.json", "w").write(json.dumps({"expression": "true", "padding": "x" * (1024 * 1024 - 64)}))
open(f"{work}/deep.json", "w").write("[" * 63 + "]" * 63)
open(f"{work}/deeper.json", "w").write("[" * 10000 + "]" * 10000)
PY
lua_post() {  # name, body file
    cat > "$work/$1.lua" <<LUA
local f = io.open("$2", "rb"); local body = f:read("*a"); f:close()
request = function()
  return wrk.format("POST", "/v1/segments:count", { ["Authorization"] = "Bearer $key", ["Content-Type"] = "application/json" }, body)
end
LUA
}
lua_post segment "$work/segment.json"
lua_post big "$work/big.json"
lua_post deep "$work/deep.json"
lua_post deeper "$work/deeper.json"
cat > "$work/get.lua" <<LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/v1/profiles/" .. math.random(1, $users), { ["Authorization"] = "Bearer $key" })
end
LUA

$bin serve --rate-limit 0 > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf localhost:$port/healthz >/dev/null && break; sleep 0.2; done
echo "segment payload check: $(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' --data-binary @"$work/segment.json" localhost:$port/v1/segments:count)"

probe() {  # seconds → one latency in ms per line, or "status N"
    python3 - "$port" "$1" <<'PY'
import http.client, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
end = time.monotonic() + seconds
while time.monotonic() < end:
    start = time.monotonic()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/healthz")
        response = connection.getresponse(); response.read(); connection.close()
        took = (time.monotonic() - start) * 1000
        print("%.2f" % took if response.status == 200 else "status %d" % response.status, flush=True)
    except Exception as error:
        print("error %s" % error, flush=True)
    time.sleep(max(0, 0.05 - (time.monotonic() - start)))
PY
}
summarize() {  # label, file of probe lines
    python3 - "$1" "$2" <<'PY'
import sys
label, lines = sys.argv[1], open(sys.argv[2]).read().split()
values, failures = [], 0
for line in open(sys.argv[2]).read().splitlines():
    try: values.append(float(line))
    except ValueError: failures += 1
values.sort()
pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
print("%s: %d probes, p50 %.1f ms, p99 %.1f ms, max %.1f ms, over 100 ms: %d, not 200: %d" % (
    label, len(values), pick(0.5), pick(0.99), values[-1], sum(v > 100 for v in values), failures))
PY
}

echo "--- /healthz idle, 5 s"
probe 5 > "$work/idle.txt"
summarize idle "$work/idle.txt"

echo "--- /healthz under load, ${seconds} s: 5,000-item segment counts (8 conns), 1 MiB bodies (4), deep JSON (2+2), GET profiles (32)"
wrk -t1 -c8 -d"${seconds}s" -s "$work/segment.lua" http://127.0.0.1:$port > "$work/w-segment.txt" &
wrk -t1 -c4 -d"${seconds}s" -s "$work/big.lua" http://127.0.0.1:$port > "$work/w-big.txt" &
wrk -t1 -c2 -d"${seconds}s" -s "$work/deep.lua" http://127.0.0.1:$port > "$work/w-deep.txt" &
wrk -t1 -c2 -d"${seconds}s" -s "$work/deeper.lua" http://127.0.0.1:$port > "$work/w-deeper.txt" &
wrk -t1 -c32 -d"${seconds}s" -s "$work/get.lua" http://127.0.0.1:$port > "$work/w-get.txt" &
sleep 1
probe $((seconds - 2)) > "$work/load.txt"
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
summarize "under load" "$work/load.txt"
for name in segment big deep deeper get; do
    echo "  $name: $(grep -E 'Requests/sec' "$work/w-$name.txt" | tr -s ' ') $(grep -E 'Non-2xx' "$work/w-$name.txt" | tr -s ' ')"
done
echo "server alive: $(kill -0 $server 2>/dev/null && echo yes || echo NO)"
