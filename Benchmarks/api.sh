#!/usr/bin/env bash
# The API benchmark of issues #8 and #16, on loopback with a release build:
#  1. GET /v1/profiles/{id} over 1M stored profiles with wrk (64 connections), beside
#     redis-benchmark doing HGETALL of the same hashes at the same concurrency, just before
#     and just after; the server's thread count is read halfway through the run, its context
#     switches and CPU time per request over the run, and Redis's and wrk's CPU time per request
#     (the three share the cores); then GET /healthz, the HTTP stack's ceiling, with its CPU;
#  2. POST /v1/profiles:batchGet of 100 random ids with wrk (1 and 16 connections);
#  3. POST /v1/segments:count for a three-tag expression over 10M users.
# The server runs as `serve` does by default, access log on (`info`, one line per request to
# stderr, here a file); the GET run is repeated at the end with the access log off
# (`--access-log-level debug`, below the process's `info`) to show what the log costs.
# Uses Redis database 7 and the MySQL database portrait_test_bench (both emptied first).
# PORTRAIT_BENCH_SKIP_LOAD=1 keeps the data an earlier run loaded (for back-to-back binaries);
# PORTRAIT_BENCH_GET_ONLY=1 runs only the two GET runs (log on, log off).
# Usage: [PORTRAIT_BIN=path] [PORTRAIT_BENCH_SKIP_LOAD=1] [PORTRAIT_BENCH_GET_ONLY=1] Benchmarks/api.sh [--users N] [--segment-users N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
users=1000000 segment_users=10000000 seconds=15
while [[ $# -gt 0 ]]; do
    case $1 in
        --users) users=$2; shift 2 ;;
        --segment-users) segment_users=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done
source Benchmarks/bench-setup.sh
export PORTRAIT_REDIS_URL="redis://127.0.0.1:$redis_port/7"
export PORTRAIT_MYSQL_URL="${PORTRAIT_MYSQL_URL%/*}/portrait_test_bench"
export PORTRAIT_LOG_LEVEL=warning PORTRAIT_HTTP_ADDR=127.0.0.1:18080 PORTRAIT_KAFKA_BROKERS=mock
[[ $PORTRAIT_MYSQL_URL =~ ^mysql://([^:]+):([^@]+)@([^:/]+):([0-9]+)/ ]] || { echo "cannot parse PORTRAIT_MYSQL_URL" >&2; exit 1; }
mariadb --no-defaults -h "${BASH_REMATCH[3]}" -P "${BASH_REMATCH[4]}" -u "${BASH_REMATCH[1]}" -p"${BASH_REMATCH[2]}" \
    -e "DROP DATABASE IF EXISTS portrait_test_bench; CREATE DATABASE portrait_test_bench CHARACTER SET utf8mb4"
$bin migrate >/dev/null
for tag in buyer vip churn_risk; do $bin tags create $tag --expression true --status active >/dev/null; done
key=$($bin keys create --name bench --role reader | tail -1)

if [[ ${PORTRAIT_BENCH_SKIP_LOAD:-} != 1 ]]; then
echo "--- loading $users profiles and $segment_users users of bitmaps into Redis db 7"
redis-cli -p "$redis_port" -n 7 FLUSHDB >/dev/null
python3 - "$users" "$segment_users" <<'PY' | redis-cli -p "$redis_port" -n 7 --pipe >/dev/null
import json, random, sys
users, segment_users = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
def command(*args):
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    out.write(b"".join(parts))
random.seed(7)
cities = ["Paris", "Lyon", "Nice", "Lille", "Nantes"]
# Ids as redis-benchmark's __rand_int__ spells them (12 digits, 0 to users - 1), so its HGETALL
# reads the same hashes as the GETs (until 2026-12-07 it read missing keys: empty replies).
for user in range(users):
    # The processor's layout (docs/PROFILES.md): one JSON field per section, values as text.
    attributes = {"city": random.choice(cities), "age": str(random.randint(18, 80))}
    metrics = {"metric_%d" % metric: str(random.randint(0, 500)) for metric in range(8)}
    tags = {"tag_%d" % tag: random.choice(["true", "false"]) for tag in range(6)}
    section = lambda values: json.dumps(values, sort_keys=True, separators=(",", ":"))
    command("HSET", "p:{%012d}" % user, "_id", user + 1, "_updated", 1700000000000, "a", section(attributes), "m", section(metrics), "t", section(tags))
shard = 1 << 23
command("SET", "ids:next", segment_users)
# Densities 1, 1/2, 1/16 and 1/4: the AND of 0, 1, 4 and 2 random words.
for name, words in [("pop", 0), ("bm:buyer", 1), ("bm:vip", 4), ("bm:churn_risk", 2)]:
    for index in range((segment_users + shard - 1) // shard):
        count = min(shard, segment_users - index * shard) // 8 * 8
        value = (1 << count) - 1
        for _ in range(words):
            value &= random.getrandbits(count)
        command("SET", "%s:%d" % (name, index), value.to_bytes(count // 8, "big"))
out.flush()
PY
fi
echo "profiles: $(redis-cli -p "$redis_port" -n 7 DBSIZE) keys"

echo "--- redis-benchmark HGETALL, 64 connections"
redis-benchmark -p "$redis_port" --dbnum 7 -c 64 -n 1000000 -r "$users" -q HGETALL "p:{__rand_int__}" | tr '\r' '\n' | grep -a "requests per second" | tail -1

server=
trap '[[ -z $server ]] || kill $server 2>/dev/null || true' EXIT
# Starts the server with these extra options; its log (the access lines included) goes to a file.
start_server() {
    # `info`, serve's default level: the setup commands above run at `warning` to stay quiet.
    PORTRAIT_LOG_LEVEL=info $bin serve --rate-limit 0 "$@" > /tmp/portrait-bench-serve.log 2>&1 &
    server=$!
    for _ in $(seq 50); do curl -sf localhost:18080/healthz >/dev/null && break; sleep 0.2; done
}
stop_server() { kill $server; wait $server 2>/dev/null || true; server=; }
start_server

script=$(mktemp --suffix .lua)
cat > "$script" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/v1/profiles/" .. string.format("%012d", math.random(0, $users - 1)), { ["Authorization"] = "Bearer $key" })
end
LUA
# Context switches of all the server's threads so far (voluntary and not), and its CPU time in
# clock ticks: their growth per request is steadier than req/s on a shared machine.
switches() { cat /proc/$server/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$server/stat; }
# The GET run: rate, latency, and per request the server's context switches and CPU, Redis's
# CPU and wrk's CPU. $1 says how the server runs.
measure_get() {
    echo "--- wrk GET /v1/profiles/{id}, 64 connections, ${seconds}s, $1"
    echo "threads before load: $(ls /proc/$server/task | wc -l)"
    (sleep $((seconds / 2)); echo "threads under load: $(ls /proc/$server/task | wc -l)") &
    sampler=$!
    # Redis's CPU time too, and wrk's (from /usr/bin/time): the three share the machine's cores,
    # so their CPU per request, summed, bounds the rate (2 cores: 2 s of CPU per second).
    redis_pid=$(redis-cli -p "$redis_port" info server | tr -d '\r' | awk -F: '/^process_id/ {print $2}')
    redis_ticks() { awk '{print $14 + $15}' /proc/$redis_pid/stat; }
    switches_before=$(switches) ticks_before=$(cpu_ticks) redis_before=$(redis_ticks)
    result=$( { /usr/bin/time -f "wrk-cpu %U %S" wrk -t2 -c64 -d"${seconds}s" --latency -s "$script" http://127.0.0.1:18080; } 2>&1)
    echo "$result" | grep -E "Requests/sec|99%|50%|Non-2xx"
    wait $sampler
    requests=$(echo "$result" | awk '/requests in/ {print $1}')
    wrk_cpu=$(echo "$result" | awk '/^wrk-cpu/ {print $2 + $3}')
    python3 -c "import sys; r = int(sys.argv[1]); t = int(sys.argv[6]); print('per request: %.2f context switches, %.1f us of server CPU, %.1f us of Redis CPU, %.1f us of wrk CPU' % ((int(sys.argv[2]) - int(sys.argv[3])) / r, (int(sys.argv[4]) - int(sys.argv[5])) * 1e6 / t / r, (int(sys.argv[7]) - int(sys.argv[8])) * 1e6 / t / r, float(sys.argv[9]) * 1e6 / r))" \
        "$requests" "$(switches)" "$switches_before" "$(cpu_ticks)" "$ticks_before" "$(getconf CLK_TCK)" "$(redis_ticks)" "$redis_before" "$wrk_cpu"
}
measure_get "access log on (the default: info)"
lines=$(grep -c " request$" /tmp/portrait-bench-serve.log || true)
echo "access log lines written so far: $lines"
if [[ ${PORTRAIT_BENCH_GET_ONLY:-} != 1 ]]; then
echo "--- wrk GET /healthz (no key, no Redis, no body to build), 64 connections, ${seconds}s: the HTTP stack's own ceiling"
ticks_before=$(cpu_ticks)
result=$(wrk -t2 -c64 -d"${seconds}s" --latency http://127.0.0.1:18080/healthz)
echo "$result" | grep -E "Requests/sec|99%|50%|Non-2xx"
python3 -c "import sys; print('per request: %.1f us of server CPU' % ((int(sys.argv[2]) - int(sys.argv[3])) * 1e6 / int(sys.argv[4]) / int(sys.argv[1])))" \
    "$(echo "$result" | awk '/requests in/ {print $1}')" "$(cpu_ticks)" "$ticks_before" "$(getconf CLK_TCK)"
echo "--- redis-benchmark HGETALL again, just after"
redis-benchmark -p "$redis_port" --dbnum 7 -c 64 -n 1000000 -r "$users" -q HGETALL "p:{__rand_int__}" | tr '\r' '\n' | grep -a "requests per second" | tail -1

batch=$(mktemp --suffix .lua)
cat > "$batch" <<LUA
math.randomseed(os.time())
request = function()
  local ids = {}
  for i = 1, 100 do ids[i] = '"' .. string.format("%012d", math.random(0, $users - 1)) .. '"' end
  local body = '{"user_ids":[' .. table.concat(ids, ",") .. ']}'
  return wrk.format("POST", "/v1/profiles:batchGet", { ["Authorization"] = "Bearer $key", ["Content-Type"] = "application/json" }, body)
end
LUA
for connections in 1 16; do
    echo "--- wrk POST /v1/profiles:batchGet of 100 ids, $connections connection(s), ${seconds}s"
    wrk -t1 -c$connections -d"${seconds}s" --latency -s "$batch" http://127.0.0.1:18080 | grep -E "Requests/sec|99%|50%|Non-2xx"
done

echo "--- segments:count over $segment_users users (tag.buyer and not tag.vip or tag.churn_risk), 20 runs"
for _ in $(seq 20); do
    curl -s -H "Authorization: Bearer $key" -d '{"expression":"tag.buyer and not (tag.vip or tag.churn_risk)"}' localhost:18080/v1/segments:count
    echo
done | python3 -c '
import json, sys
runs = [json.loads(line) for line in sys.stdin if line.strip()]
times = sorted(run["took_ms"] for run in runs)
print("count", runs[0]["count"], "took_ms p50", times[len(times) // 2], "max", times[-1])'
fi

stop_server
start_server --access-log-level debug
measure_get "access log off (--access-log-level debug)"
stop_server
