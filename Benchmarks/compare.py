#!/usr/bin/env python3
"""Compares benchmark JSON lines with a baseline: one line per measurement, the throughput
figure beside the baseline's and the ratio. Lines are matched on their identifying fields."""
import json
import sys

IDENTITY = ("bench", "workload", "mode", "parallelism", "algo", "pipeline")
RATES = ("events_per_s", "rows_per_s", "ops_per_s", "produce_msgs_per_s", "consume_msgs_per_s")


def load(path):
    rows = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            rows[tuple(row.get(k) for k in IDENTITY)] = row
    return rows


baseline, current = load(sys.argv[1]), load(sys.argv[2])
for key, row in current.items():
    name = " ".join(str(v) for v in key if v is not None)
    for rate in RATES:
        if rate in row:
            before = baseline.get(key, {}).get(rate)
            ratio = f"{row[rate] / before:.2f}x baseline" if before else "no baseline"
            print(f"{name:40} {rate:20} {row[rate]:>14,.0f}  {ratio}")
