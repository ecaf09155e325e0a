"""The digest at scale: 50,000 participants × 20 statements = 1,000,000 positions.

For SQLite (a temporary file) and PostgreSQL (a fresh database, dropped afterwards) this
runs the real migrations, syncs the settings, imports a generated 20-statement catalogue,
bulk-loads participants, positions and their event history through each database's native
bulk path, then times, on the same data, each step of a digest:

  aggregate_campaign   the real aggregation (bot/aggregation.py)
  bare GROUP BY        SELECT statement_id, layer, option_key, count(*) ... raw, the floor
  release              the release step (bot/insight/release.py), versions already stored
  momentum             compute_momentum against a snapshot from a week earlier
  build_digest         the document, from the aggregate and the momentum
  render_text          the plain-text rendering
  chart                the PNG (bot/chart.py)

Each time is the median of --repeat runs after one warm-up; the aggregation and the bare
query run alternately so their ratio sees the same machine load. Peak memory is the
process's maximum resident set size. Usage:

    .venv/bin/python benchmarks/digest.py [--participants 50000] [--repeat 5] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest_data import (
    CAMPAIGN,
    CHANGED_SHARE,
    NOW,
    PREVIOUS_DIGEST,
    STATEMENTS,
    create_postgres_database,
    drop_postgres_database,
    load_postgres,
    load_sqlite,
    prepare,
    settings,
)
from sqlalchemy import text

from bot.insight.aggregation import CampaignAggregate, aggregate_campaign
from bot.insight.chart import render_chart
from bot.insight.digest import DigestContext, build_digest
from bot.insight.release import release_campaign
from bot.insight.render_text import render_text
from bot.store.db import Database
from bot.texts import texts_for

CPU: dict[str, float] = {}  # step -> median CPU seconds of this process, Python-only steps

try:
    from bot.insight import momentum as momentum_module
except ImportError:  # built by another engineer; the benchmark runs without it
    momentum_module = None  # type: ignore[assignment]

async def timed(work: Callable[[], Awaitable[Any]], repeat: int,
                cpu_as: str | None = None) -> tuple[float, Any]:
    result = await work()  # warm-up: caches, prepared statements, font cache
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = await work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    if cpu_as is not None:
        CPU[cpu_as] = statistics.median(cpu)
    return statistics.median(times), result


async def timed_pair(first: Callable[[], Awaitable[Any]], second: Callable[[], Awaitable[Any]],
                     repeat: int) -> tuple[float, Any, float]:
    """Two steps run alternately, so a ratio of the two sees the same machine load."""
    result = await first()
    await second()
    first_times, second_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        result = await first()
        first_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        await second()
        second_times.append(time.perf_counter() - start)
    return statistics.median(first_times), result, statistics.median(second_times)


async def measure(url: str, ids: list[int], repeat: int) -> dict[str, float | None]:
    config = settings(url)
    scale = config.campaign.scale_options()
    texts = texts_for("nl")
    db = Database(url=url)
    out: dict[str, float | None] = {}
    try:
        bare = ("SELECT statement_id, layer, option_key, count(*) FROM positions "
                f"WHERE statement_id IN ({', '.join(map(str, ids))}) GROUP BY 1, 2, 3")

        async def bare_group_by() -> list[Any]:
            async with db.engine.connect() as connection:
                return list((await connection.execute(text(bare))).all())

        out["aggregate_campaign"], aggregate, out["bare GROUP BY"] = await timed_pair(
            lambda: aggregate_campaign(db, CAMPAIGN), bare_group_by, repeat)
        out["release"], release = await timed(lambda: release_campaign(
            db, aggregate, campaign_id=CAMPAIGN, scale=scale,
            k=config.campaign.privacy_threshold, now=NOW), repeat)
        momentum = None
        if momentum_module is None:
            out["momentum"] = None
        else:
            await momentum_module.save_snapshot(
                db, campaign_id=CAMPAIGN, period="previous",
                snapshot=momentum_module.snapshot_of(release, scale), now=PREVIOUS_DIGEST)

            async def compute() -> Any:
                return await momentum_module.compute_momentum(
                    db, CAMPAIGN, now=NOW, release=release, scale=scale)

            out["momentum"], momentum = await timed(compute, repeat)
        ctx = DigestContext(campaign=config.campaign, scale=scale, texts=texts, now=NOW)
        out["build_digest"], document = await timed(
            lambda: _sync(build_digest, release, ctx, momentum=momentum), repeat,
            "build_digest")
        out["render_text"], _ = await timed(lambda: _sync(render_text, document), repeat,
                                            "render_text")
        out["chart"], png = await timed(lambda: _sync(
            render_chart, release, campaign=config.campaign, scale=scale, texts=texts), repeat,
            "chart")
        _check(aggregate, png, len(ids))
    finally:
        await db.dispose()
    return out


async def _sync(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _check(aggregate: CampaignAggregate, png: bytes, statements: int) -> None:
    assert len(aggregate.statements) == statements
    assert png.startswith(b"\x89PNG")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def report(name: str, load_s: float, figures: dict[str, float | None]) -> None:
    print(f"\n{name}: loaded in {load_s:.1f} s (load average now {os.getloadavg()[0]:.1f})")
    print(f"  {'step':<20} {'wall':>12} {'CPU here':>12}")
    for step, seconds in figures.items():
        shown = "n/a (not built yet)" if seconds is None else f"{seconds * 1000:9.1f} ms"
        cpu = f"{CPU[step] * 1000:9.1f} ms" if step in CPU else ""
        print(f"  {step:<20} {shown:>12} {cpu:>12}")
    agg, bare = figures["aggregate_campaign"], figures["bare GROUP BY"]
    if agg is not None and bare:
        verdict = "ok" if agg <= 1.0 and agg <= 1.5 * bare else "MISSES a target"
        print(f"  aggregation / bare GROUP BY = {agg / bare:.2f}  "
              f"(targets: ≤ 1 s and ≤ 1.5×: {verdict})")
    print(f"  peak memory so far   {peak_mb():9.1f} MB (target ≤ 300 MB)")


async def run_sqlite(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="positie-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        start = time.perf_counter()
        ids = await prepare(url)
        load_sqlite(path, ids, args.participants, args.seed)
        loaded = time.perf_counter() - start
        report(f"SQLite ({path.stat().st_size / 2**20:.0f} MB file)", loaded,
               await measure(url, ids, args.repeat))


async def run_postgres(args: argparse.Namespace) -> None:
    url = await create_postgres_database()
    if url is None:
        return
    try:
        start = time.perf_counter()
        ids = await prepare(url)
        await load_postgres(url, ids, args.participants, args.seed)
        loaded = time.perf_counter() - start
        report("PostgreSQL", loaded, await measure(url, ids, args.repeat))
    finally:
        await drop_postgres_database(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    positions = args.participants * STATEMENTS
    print(f"digest benchmark: {args.participants:,} participants × {STATEMENTS} statements = "
          f"{positions:,} positions (+{CHANGED_SHARE:.0%} changed, with event history); "
          f"median of {args.repeat} after a warm-up; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    if momentum_module is None:
        print("momentum: n/a (not built yet)")
    started = time.perf_counter()
    await run_sqlite(args)
    if not args.no_postgres:
        await run_postgres(args)
    print(f"\ntotal {time.perf_counter() - started:.0f} s; peak memory {peak_mb():.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
