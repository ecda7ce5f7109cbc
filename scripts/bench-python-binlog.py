#!/usr/bin/env python3
"""Reference decoder for the CDC benchmarks: python-mysql-replication's BinLogStreamReader
on the same binlog range a Swift benchmark decoded (DecodeThroughput: the 15-column table;
WideTableBenchmark: the 30-column all-types table with updates, deletes and an ALTER).

    pip install mysql-replication
    eval "$(scripts/services env)"
    PORTRAIT_CDC_BENCH_ROWS=1000000 PORTRAIT_CDC_BENCH_RANGE=/tmp/cdc-bench-range.json \
        swift test -c release --filter DecodeThroughput
    python3 scripts/bench-python-binlog.py /tmp/cdc-bench-range.json

    PORTRAIT_CDC_BENCH_WIDE_ROWS=60000 PORTRAIT_CDC_BENCH_RANGE=/tmp/cdc-wide-range.json \
        swift test -c release --filter WideTableBenchmark
    python3 scripts/bench-python-binlog.py /tmp/cdc-wide-range.json

The range file names the database, the table (when only one is counted), the start/end
binlog positions and the row changes expected; an update counts once (its before and after
images are both decoded). Every row of the
benchmark table is decoded to a Python dict (the library decodes lazily, so the rows are
touched); the rate is rows per second of wall time, one process, one core.
"""
import argparse
import json
import os
import sys
import time
from urllib.parse import unquote, urlparse

from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent


def connection_settings(url):
    parsed = urlparse(url)
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 3306,
        "user": unquote(parsed.username or "root"),
        "passwd": unquote(parsed.password or ""),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("range", help="JSON written by the Swift benchmark (PORTRAIT_CDC_BENCH_RANGE)")
    parser.add_argument("--url", default=os.environ.get("PORTRAIT_MYSQL_URL", "mysql://portrait:portrait@127.0.0.1:3306/portrait"))
    parser.add_argument("--server-id", type=int, default=0x5F00, help="replica server id (unique among readers)")
    parser.add_argument("--limit", type=int, default=0, help="stop after this many rows (0: the whole range)")
    args = parser.parse_args()

    with open(args.range) as handle:
        spec = json.load(handle)
    database, end = spec["database"], spec["end"]
    stream = BinLogStreamReader(
        connection_settings=connection_settings(args.url),
        server_id=args.server_id,
        resume_stream=True,
        log_file=spec["start"]["file"],
        log_pos=spec["start"]["offset"],
        blocking=False,
        only_events=[WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent],
        only_schemas=[database],
        only_tables=[spec["table"]] if spec.get("table") else None,
    )
    rows = 0
    columns = 0
    started = time.perf_counter()
    try:
        for event in stream:
            for row in event.rows:  # decodes every column of the row image(s)
                columns += len(row.get("values") or row.get("after_values") or ())
                rows += 1
            if args.limit and rows >= args.limit:
                break
            if (stream.log_file, stream.log_pos) >= (end["file"], end["offset"]):
                break
    finally:
        stream.close()
    elapsed = time.perf_counter() - started
    rate = rows / elapsed if elapsed > 0 else 0.0
    print(f"BENCH python-mysql-replication rows={rows} columns/row={columns / max(rows, 1):.0f} "
          f"time={elapsed:.2f} s rate={rate:.0f} rows/s (expected {spec['rows']} rows)")
    return 0 if rows == spec["rows"] or args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
