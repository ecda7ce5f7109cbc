#!/usr/bin/env bash
# Runs Portrait's benchmarks in a release build and compares them with Benchmarks/baseline.jsonl.
# Usage: Benchmarks/run.sh [clients|engine|ml|all]   (data goes to bench-data/, gitignored)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
data=bench-data
mkdir -p "$data"
gen=${PORTRAIT_BENCH_GENERATORS:-../shared/bench}
swift build -c release --product portrait
bin=.build/release/portrait
out=$(mktemp)

if [[ $what == clients || $what == all ]]; then
    scripts/services up >/dev/null
    eval "$(scripts/services env)"
    $bin bench clients | tee -a "$out"
    if command -v redis-benchmark >/dev/null; then
        port=${PORTRAIT_REDIS_PORT:-6379}
        echo -n '{"bench":"redis-benchmark_hset","pipeline":32,"ops_per_s":'
        redis-benchmark -p "$port" -t hset -n 1000000 -P 32 -q | tr -d '\r' | awk '/HSET/ {print $2 "}"}'
    fi
fi

if [[ $what == engine || $what == all ]]; then
    [[ -f $data/events-1m.csv ]] || python3 "$gen/gen_events.py" --events 1000000 --users 50000 --seed 7 "$data/events-1m.csv"
    for workload in W1 W2 W3; do
        for mode in batch stream; do
            for parallelism in 1 2; do
                $bin bench engine --workload $workload --input "$data/events-1m.csv" --output "$data/out-$workload.csv" \
                    --mode $mode --parallelism $parallelism | tee -a "$out"
            done
        done
    done
fi

if [[ $what == ml || $what == all ]]; then
    [[ -f $data/blobs.csv ]] || python3 "$gen/gen_ml.py" blobs --rows 1000000 --dims 16 --k 10 --seed 1 "$data/blobs.csv"
    [[ -f $data/train.csv ]] || python3 "$gen/gen_ml.py" classify --rows 500000 --dense 10 --cats 5 --seed 1 "$data/train.csv" "$data/test.csv"
    $bin bench ml --algo kmeans --input "$data/blobs.csv" --k 10 | tee -a "$out"
    $bin bench ml --algo streaming-kmeans --input "$data/blobs.csv" --k 10 | tee -a "$out"
    $bin bench ml --algo lr --input "$data/train.csv" --test "$data/test.csv" | tee -a "$out"
    $bin bench ml --algo ftrl --input "$data/train.csv" --test "$data/test.csv" | tee -a "$out"
fi

python3 Benchmarks/compare.py Benchmarks/baseline.jsonl "$out"
