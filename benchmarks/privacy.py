"""What the release step costs: time added to a digest, and cells hidden or coarsened.

On the digest benchmark's data (default 50,000 participants × 20 statements = 1,000,000
positions, SQLite and PostgreSQL), side by side in one run:

  aggregation            aggregate_campaign on its own: the reference
  release                release_campaign's steps, what a digest runs: the release lock,
                         the same aggregation under it, the release step and the commit;
                         what it adds is the whole minus that aggregation, timed inside
                         each call (the aggregation alone spreads by ±30 % here, more
                         than the whole release step takes)
    first release        no versions stored yet: every cell judged and its version written
    nothing changed      versions stored: read them, judge, publish
    8 % changed          every cell stored at an earlier state: 4 % of the people joined
                         since and 4 % changed their answer (each with their answer at
                         that release in released_answers, as the triggers would have
                         kept it); judged on net counts and per person, new versions
                         written and those people's baselines removed
    2 % changed          the same with 1 % joined and 1 % changed: the per-person read
                         grows with the people who acted since the last release

and the cells each rule shows: plain k-suppression (cells under k hidden, plus the
complementary suppression positie used before) against the release step (below the
threshold, a count only because a small group answered alike, figures held from an
earlier version). The same comparison runs on a small campaign (--small participants,
default 60), where cells are small enough for the rules to bite.

    .venv/bin/python benchmarks/privacy.py [--participants 50000] [--small 60] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest_data import (
    CAMPAIGN,
    NOW,
    OPTIONS,
    create_postgres_database,
    drop_postgres_database,
    load_postgres,
    load_sqlite,
    prepare,
    settings,
)
from sqlalchemy import case, delete, func, insert, literal, select, text

from bot.insight.aggregation import CampaignAggregate, aggregate_campaign
from bot.insight.privacy import Withheld, answer_classes, releasable
from bot.insight.release import Release, release_aggregate, release_lock
from bot.store.db import Database
from bot.store.models import Position, ReleasedAnswer, ReleasedCell, Statement

K = 3


async def timed_release(db: Database, scale: Any) -> tuple[float, float, Release]:
    """release_campaign's own steps, timed inside: (the whole call, the aggregation it
    runs under the lock, the release). What the release adds is the difference, measured
    within one call, so the aggregation's own spread does not enter it."""
    start = time.perf_counter()
    async with release_lock(db) as session:
        read = time.perf_counter()
        aggregate = await aggregate_campaign(db, CAMPAIGN, session=session)
        aggregated = time.perf_counter() - read
        release = await release_aggregate(session, db.dialect, aggregate,
                                          campaign_id=CAMPAIGN, scale=scale, k=K, now=NOW)
    return time.perf_counter() - start, aggregated, release


async def added_by_release(db: Database, scale: Any, repeat: int,
                           before: Callable[[], Awaitable[None]] | None = None
                           ) -> dict[str, Any]:
    """Medians of the whole release, of the aggregation inside it, of the time it adds
    to that aggregation, and of aggregate_campaign on its own run in the same turns (in
    flipping order); the first turn warms up."""
    runs: dict[str, list[float]] = {"whole": [], "inside": [], "added": [], "alone": []}
    release = None
    for turn in range(repeat + 1):
        if before is not None:
            await before()
        if turn % 2:
            runs["alone"].append(await time_aggregation(db))
        total, aggregated, release = await timed_release(db, scale)
        if not turn % 2:
            runs["alone"].append(await time_aggregation(db))
        runs["whole"].append(total)
        runs["inside"].append(aggregated)
        runs["added"].append(total - aggregated)
    out: dict[str, Any] = {name: statistics.median(times[1:]) for name, times in runs.items()}
    out["result"] = release
    return out


async def time_aggregation(db: Database) -> float:
    start = time.perf_counter()
    await aggregate_campaign(db, CAMPAIGN)
    return time.perf_counter() - start


async def median_of(work: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat + 1):  # the first is a warm-up
        start = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:]), result


# Participants who joined (1 in out_of) or changed their answer (1 in out_of) since the
# earlier release: 4 % + 4 % (a busy period), and 1 % + 1 %.
JOINED, CHANGED = 0, 1
BUSY, QUIET = 25, 100


async def store_earlier(db: Database, aggregate: CampaignAggregate, out_of: int) -> None:
    """Make the database look as if every cell was released a while ago: the baselines of
    the people who acted since, and each cell's release then (now minus their changes)."""
    changed_from = case(*((Position.option_key == o, OPTIONS[(i + 1) % len(OPTIONS)])
                          for i, o in enumerate(OPTIONS)))
    async with db.transaction() as session:
        await session.execute(delete(ReleasedCell))
        if db.dialect == "postgresql":  # no dead rows left from the previous repetition
            await session.execute(text("TRUNCATE released_answers"))
        else:
            await session.execute(delete(ReleasedAnswer))
        await session.execute(insert(ReleasedAnswer).from_select(
            ["statement_id", "participant_id", "layer", "version", "option_key",
             "current_option"],
            select(Position.statement_id, Position.participant_id, Position.layer, literal(1),
                   case((Position.participant_id % out_of == JOINED, None),
                        else_=changed_from), Position.option_key)
            .where(Position.participant_id % out_of <= CHANGED)))
        ids = dict((await session.execute(
            select(Statement.key, Statement.id).where(Statement.campaign_id == CAMPAIGN))).all())
        b = ReleasedAnswer
        moved: dict[tuple[int, str], dict[tuple[str | None, str | None], int]] = {}
        for statement_id, layer, then, now, n in await session.execute(
                select(b.statement_id, b.layer, b.option_key, b.current_option, func.count())
                .group_by(b.statement_id, b.layer, b.option_key, b.current_option)):
            moved.setdefault((statement_id, layer), {})[(then, now)] = n
        rows = []
        classes = answer_classes(settings("sqlite://").campaign.scale_options())
        for s in aggregate.statements:
            for layer, cell in s.cells.items():
                counts: Counter[str] = Counter(cell.counts)
                for (then, now), n in moved.get((ids[s.key], layer), {}).items():
                    counts[now or ""] -= n
                    counts[then or ""] += n
                then = {o: n for o, n in counts.items() if o and n}
                if releasable(then, (), classes, K):  # what that release would have shown
                    rows.append({"statement_id": ids[s.key], "layer": layer, "version": 1,
                                 "counts": then, "released_at": NOW})
        if rows:
            await session.execute(insert(ReleasedCell), rows)
    # Settle the setup's new rows (80,000 when busy), as the database would between two digests:
    # PostgreSQL's autovacuum (since version 13 also after inserts alone) gathers the
    # planner's statistics and marks the pages all-visible, so the release reads the index
    # alone; SQLite's WAL checkpointed (else the release's commit pays for the setup's pages).
    async with db.engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE released_answers"
                                      if db.dialect == "postgresql"
                                      else "PRAGMA wal_checkpoint(TRUNCATE)"))


def plain_hidden(aggregate: CampaignAggregate) -> tuple[int, int]:
    """Cells hidden by the earlier rule: under k, then the smallest shown ones until the
    hidden remainder is 0 or at least k. Returns (cells with answers, hidden)."""
    cells = hidden_total = 0
    for statement in aggregate.statements:
        sizes = {layer: c.respondents for layer, c in statement.cells.items() if c.respondents}
        cells += len(sizes)
        if sum(sizes.values()) < K:
            hidden_total += len(sizes)
            continue
        hidden = {layer for layer, n in sizes.items() if n < K}
        shown = sorted((n, layer) for layer, n in sizes.items() if layer not in hidden)
        remainder = sum(sizes[layer] for layer in hidden)
        while 0 < remainder < K and shown:
            n, layer = shown.pop(0)
            hidden.add(layer)
            remainder += n
        hidden_total += len(hidden)
    return cells, hidden_total


def released_cells(release: Release, aggregate: CampaignAggregate) -> dict[str, int]:
    by_key = {s.key: s for s in aggregate.statements}
    out = {"shown": 0, "below k": 0, "count only": 0, "held": 0}
    for v in release.statements:
        for why in v.withheld.values():
            out["below k" if why == Withheld.BELOW_THRESHOLD else "count only"] += 1
        for layer, cell in v.cells.items():
            out["shown"] += 1
            live = {o: n for o, n in by_key[v.statement.key].cells[layer].counts.items() if n}
            out["held"] += cell.counts != live
    return out


async def measure(url: str, repeat: int, seed: int) -> dict[str, Any]:
    config = settings(url)
    scale = config.campaign.scale_options()
    db = Database(url=url)
    try:
        async def clear() -> None:
            async with db.transaction() as session:
                await session.execute(delete(ReleasedCell))
                await session.execute(delete(ReleasedAnswer))

        aggregate = await aggregate_campaign(db, CAMPAIGN)
        out: dict[str, Any] = {"aggregate": aggregate}
        for step, before in (
                ("first", clear), ("steady", None),
                ("quiet", lambda: store_earlier(db, aggregate, QUIET)),
                ("changed", lambda: store_earlier(db, aggregate, BUSY))):
            out[step] = await added_by_release(db, scale, repeat, before=before)
        out["release"], out["after change"] = out["steady"]["result"], out["changed"]["result"]
        return out
    finally:
        await db.dispose()


def report(name: str, figures: dict[str, Any], timing: bool) -> None:
    aggregate = figures["aggregate"]
    print(f"\n{name}")
    if timing:
        print(f"  {'release_campaign':<18}{'whole':>10}{'its aggregation':>17}{'added':>10}"
              f"{'of it':>7}{'aggregation alone':>19}")
        worst = 0.0
        for label, key in (("first release", "first"), ("nothing changed", "steady"),
                           ("2 % changed", "quiet"), ("8 % changed", "changed")):
            f = figures[key]
            worst = max(worst, f["added"] / f["inside"])
            print(f"  {label:<18}{f['whole'] * 1000:>7.1f} ms{f['inside'] * 1000:>14.1f} ms"
                  f"{f['added'] * 1000:>7.1f} ms{f['added'] / f['inside']:>7.0%}"
                  f"{f['alone'] * 1000:>16.1f} ms")
        verdict = "ok" if worst <= 0.2 else "MISSES the target"
        print(f"  release added to a digest: ≤ {worst:.0%} of the aggregation "
              f"(target ≤ 20 %: {verdict})")
    cells, hidden = plain_hidden(aggregate)
    now, later = released_cells(figures["release"], aggregate), released_cells(
        figures["after change"], aggregate)
    print(f"  cells with answers: {cells}")
    print(f"  {'rule':<44}{'shown':>7}{'hidden':>8}{'count only':>12}{'held':>6}")
    print(f"  {'plain k-suppression (before)':<44}{cells - hidden:>7}{hidden:>8}{0:>12}{0:>6}")
    for label, c in (("release step, one digest", now),
                     ("release step, after an earlier version", later)):
        print(f"  {label:<44}{c['shown']:>7}{c['below k']:>8}{c['count only']:>12}"
              f"{c['held']:>6}")


async def on_sqlite(participants: int, repeat: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="positie-privacy-") as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        ids = await prepare(url)
        load_sqlite(path, ids, participants, seed)
        return await measure(url, repeat, seed)


async def on_postgres(participants: int, repeat: int, seed: int) -> dict[str, Any] | None:
    url = await create_postgres_database()
    if url is None:
        return None
    try:
        ids = await prepare(url)
        await load_postgres(url, ids, participants, seed)
        return await measure(url, repeat, seed)
    finally:
        await drop_postgres_database(url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"privacy benchmark: k = {K}; median of {args.repeat} after a warm-up; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    report(f"SQLite, {args.participants:,} participants × 20 statements",
           await on_sqlite(args.participants, args.repeat, args.seed), timing=True)
    if not args.no_postgres:
        figures = await on_postgres(args.participants, args.repeat, args.seed)
        if figures is not None:
            report(f"PostgreSQL, {args.participants:,} participants × 20 statements", figures,
                   timing=True)
    report(f"SQLite, a small campaign: {args.small} participants × 20 statements",
           await on_sqlite(args.small, 1, args.seed), timing=False)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
