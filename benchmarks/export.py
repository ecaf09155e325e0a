"""`positie export` at scale: 5,000 participants × 500 statements (2,500,000 positions) on
SQLite, the digest benchmark's data (benchmarks/digest_data.py).

Times, on the same data and in the same run, the release (aggregation + release step, what
every export starts from) and then each format built from that release: csv, csv
--dialect excel-nl, xlsx and polis; the XLSX is also read back with openpyxl to check it.
Each time is the median of --repeat runs after a warm-up. Memory: the peak of Python's
allocations while one XLSX is built (tracemalloc), and the process's maximum resident set
size. Usage:

    .venv/bin/python benchmarks/export.py [--participants 5000] [--statements 500]
        [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest_data import CAMPAIGN, load_sqlite, now_for, prepare, settings
from openpyxl import load_workbook

from bot.insight.exports import ExportContext, ExportRequest, build_export
from bot.insight.release import Release, release_campaign
from bot.store.db import Database
from bot.texts import texts_for

REQUESTS = {"csv": ExportRequest("csv"), "csv excel-nl": ExportRequest("csv", "excel-nl"),
            "xlsx": ExportRequest("xlsx"), "polis": ExportRequest("polis")}


def median_of(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result = work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


async def release_of(url: str, statements: int) -> tuple[float, Release, ExportContext]:
    config = settings(url)
    scale = config.campaign.scale_options()
    db = Database(url=url)
    try:
        start = time.perf_counter()
        release = await release_campaign(db, campaign_id=CAMPAIGN, scale=scale,
                                         k=config.campaign.privacy_threshold,
                                         now=now_for(statements))
        spent = time.perf_counter() - start
    finally:
        await db.dispose()
    ctx = ExportContext(campaign=config.campaign, scale=scale, texts=texts_for("nl"),
                        now=now_for(statements), opened_at={})
    return spent, release, ctx


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=5_000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"export benchmark: {args.participants:,} participants × {args.statements} "
          f"statements, SQLite; median of {args.repeat} after a warm-up; {os.cpu_count()} "
          f"CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="positie-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        start = time.perf_counter()
        ids = await prepare(url, args.statements)
        load_sqlite(path, ids, args.participants, args.seed)
        print(f"loaded in {time.perf_counter() - start:.1f} s")
        first, release, ctx = await release_of(url, args.statements)
        again, release, ctx = await release_of(url, args.statements)
    rows = len(release.statements) * (len(ctx.campaign.layer_keys) + 2)
    print(f"  {'step':<28} {'median':>10} {'size':>10}")
    print(f"  {'release (first / again)':<28} {first * 1000:7.0f} ms / {again * 1000:.0f} ms")
    times: dict[str, float] = {}
    for name, request in REQUESTS.items():
        times[name], files = median_of(lambda r=request: build_export(release, r, ctx),
                                       args.repeat)
        size = sum(len(data) for data in files.values())
        print(f"  {name:<28} {times[name] * 1000:7.0f} ms {size / 1024:7.0f} KB")
    [xlsx] = files_of(release, ctx).values()
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    read_rows = sum(1 for _ in book[book.sheetnames[0]].iter_rows(min_row=2))
    assert read_rows == rows, (read_rows, rows)
    tracemalloc.start()
    build_export(release, REQUESTS["xlsx"], ctx)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  xlsx read back: {read_rows:,} statement × layer rows of {rows:,}")
    print(f"  xlsx / csv time = {times['xlsx'] / times['csv']:.1f}×; xlsx with the release "
          f"= {(again + times['xlsx']) * 1000:.0f} ms")
    print(f"  Python allocations while building one xlsx: peak {peak / 2**20:.1f} MB")
    print(f"  process peak resident memory: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def files_of(release: Release, ctx: ExportContext) -> dict[str, bytes]:
    return build_export(release, REQUESTS["xlsx"], ctx)


if __name__ == "__main__":
    asyncio.run(main())
