"""The digest at scale, two campaigns: 50,000 participants × 20 statements (1,000,000
positions) and 5,000 participants × 500 statements (2,500,000 positions).

For SQLite (a temporary file) and PostgreSQL (a fresh database, dropped afterwards) this
runs the real migrations, syncs the settings, imports a generated catalogue, bulk-loads
participants, positions and their event history through each database's native bulk path,
then times, on the same data, each step of a digest:

  aggregate_campaign   the real aggregation (bot/insight/aggregation.py)
  bare GROUP BY        SELECT statement_id, layer, option_key, count(*) ... raw, the floor
  release              the digest's read: the counts read again under the release lock,
                       then the release step (bot/insight/release.py), versions stored
  momentum             compute_momentum against a snapshot from a week earlier
  rank_insights        the ranked insights alone (consensus, divergence, repness, unsure)
  build_digest         the document (insights included), from the aggregate and momentum
  render_text          the plain-text rendering
  chart                the PNG: the ranked statements (bot/insight/chart.py)

The ranked digest is release (which includes the aggregation) + build_digest + chart
(target ≤ 2 s for 500 statements).

Each time is the median of --repeat runs after one warm-up; the aggregation and the bare
query run alternately so their ratio sees the same machine load. Peak memory is the
process's maximum resident set size. Usage:

    .venv/bin/python benchmarks/digest.py [--repeat 5] [--no-postgres] [--only 20|500]
        [--participants N --statements M]   (one campaign of that shape instead)
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
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest_data import (
    CAMPAIGN,
    CHANGED_SHARE,
    create_postgres_database,
    drop_postgres_database,
    load_postgres,
    load_sqlite,
    now_for,
    prepare,
    settings,
)
from sqlalchemy import text

from bot.insight.aggregation import CampaignAggregate, aggregate_campaign
from bot.insight.chart import render_chart
from bot.insight.digest import DigestContext, build_digest
from bot.insight.ranking import rank_insights
from bot.insight.release import release_campaign
from bot.insight.render_text import render_text
from bot.labels import clear_format_cache
from bot.store.db import Database
from bot.texts import texts_for

CPU: dict[str, float] = {}  # step -> median CPU seconds of this process, Python-only steps
SHAPES = {"20": (50_000, 20), "500": (5_000, 500)}  # participants, statements
RANKED_TARGET = 2.0  # seconds: release (aggregation included) + build_digest + chart, #11

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
                     repeat: int, names: tuple[str, str]) -> tuple[float, Any, float]:
    """Two steps run alternately, so a ratio of the two sees the same machine load. Their CPU
    here includes SQLite's worker thread (PostgreSQL's server is another process)."""
    result = await first()
    await second()
    times: tuple[list[float], list[float]] = ([], [])
    cpu: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, step in enumerate((first, second)):
            start, start_cpu = time.perf_counter(), time.process_time()
            outcome = await step()
            times[i].append(time.perf_counter() - start)
            cpu[i].append(time.process_time() - start_cpu)
            if i == 0:
                result = outcome
    for name, spent in zip(names, cpu, strict=True):
        CPU[name] = statistics.median(spent)
    return statistics.median(times[0]), result, statistics.median(times[1])


async def measure(url: str, ids: list[int], repeat: int) -> dict[str, float | None]:
    now = now_for(len(ids))
    previous = now - timedelta(days=7)
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
            lambda: aggregate_campaign(db, CAMPAIGN), bare_group_by, repeat,
            ("aggregate_campaign", "bare GROUP BY"))
        out["release"], release = await timed(lambda: release_campaign(
            db, campaign_id=CAMPAIGN, scale=scale,
            k=config.campaign.privacy_threshold, now=now), repeat, cpu_as="release")
        momentum = None
        if momentum_module is None:
            out["momentum"] = None
        else:
            await momentum_module.save_snapshot(
                db, campaign_id=CAMPAIGN, period="previous",
                snapshot=momentum_module.snapshot_of(release, scale), now=previous)

            async def compute() -> Any:
                return await momentum_module.compute_momentum(
                    db, CAMPAIGN, now=now, release=release, scale=scale)

            out["momentum"], momentum = await timed(compute, repeat)
        out["rank_insights"], _ = await timed(lambda: _sync(
            rank_insights, list(release.statements), config.campaign, scale), repeat,
            "rank_insights")
        ctx = DigestContext(campaign=config.campaign, scale=scale, texts=texts, now=now)

        def fresh_digest() -> Any:
            clear_format_cache()  # as a new process builds it: no number formatted yet
            return build_digest(release, ctx, momentum=momentum)

        out["build_digest"], document = await timed(lambda: _sync(fresh_digest), repeat,
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
    steps = [figures[step] for step in ("release", "build_digest", "chart")]
    if all(step is not None for step in steps) and bare:
        ranked = sum(step or 0.0 for step in steps)
        verdict = "ok" if ranked <= RANKED_TARGET else "MISSES the target"
        cpu = sum(CPU.get(step, 0.0) for step in ("release", "build_digest", "chart"))
        print(f"  ranked digest (release + build_digest + chart) = {ranked * 1000:.0f} ms, "
              f"{ranked / bare:.1f}× the bare GROUP BY  (target ≤ {RANKED_TARGET:.0f} s: "
              f"{verdict}); CPU here {cpu * 1000:.0f} ms")
    print(f"  peak memory so far   {peak_mb():9.1f} MB (target ≤ 300 MB)")


async def run_sqlite(args: argparse.Namespace, participants: int, statements: int) -> None:
    with tempfile.TemporaryDirectory(prefix="positie-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        start = time.perf_counter()
        ids = await prepare(url, statements)
        load_sqlite(path, ids, participants, args.seed)
        loaded = time.perf_counter() - start
        report(f"SQLite ({path.stat().st_size / 2**20:.0f} MB file)", loaded,
               await measure(url, ids, args.repeat))


async def run_postgres(args: argparse.Namespace, participants: int, statements: int) -> None:
    url = await create_postgres_database()
    if url is None:
        return
    try:
        start = time.perf_counter()
        ids = await prepare(url, statements)
        await load_postgres(url, ids, participants, args.seed)
        loaded = time.perf_counter() - start
        report("PostgreSQL", loaded, await measure(url, ids, args.repeat))
    finally:
        await drop_postgres_database(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int)
    parser.add_argument("--statements", type=int)
    parser.add_argument("--only", choices=sorted(SHAPES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.participants or args.statements:
        shapes = [(args.participants or 5_000, args.statements or 20)]
    else:
        shapes = [SHAPES[args.only]] if args.only else list(SHAPES.values())
    print(f"digest benchmark: median of {args.repeat} after a warm-up; +{CHANGED_SHARE:.0%} "
          f"of positions changed, with event history; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    if momentum_module is None:
        print("momentum: n/a (not built yet)")
    started = time.perf_counter()
    for participants, statements in shapes:
        print(f"\n== {participants:,} participants × {statements} statements = "
              f"{participants * statements:,} positions ==")
        await run_sqlite(args, participants, statements)
        if not args.no_postgres:
            await run_postgres(args, participants, statements)
    print(f"\ntotal {time.perf_counter() - started:.0f} s; peak memory {peak_mb():.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
