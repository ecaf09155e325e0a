"""The digest at scale: 50,000 participants × 20 statements = 1,000,000 positions.

For SQLite (a temporary file) and PostgreSQL (a fresh database, dropped afterwards) this
runs the real migrations, syncs the settings, imports a generated 20-statement catalogue,
bulk-loads participants, positions and their event history through each database's native
bulk path, then times, on the same data, each step of a digest:

  aggregate_campaign   the real aggregation (bot/aggregation.py)
  bare GROUP BY        SELECT statement_id, layer, option_key, count(*) ... raw, the floor
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
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from bisect import bisect
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from sqlalchemy import text, update

from bot.aggregation import CampaignAggregate, aggregate_campaign
from bot.campaigns import import_catalogue, sync_settings
from bot.catalogue import Catalogue
from bot.chart import render_chart
from bot.config import Settings
from bot.digest import DigestContext, build_digest
from bot.render_text import render_text
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.models import Statement
from bot.texts import texts_for

try:
    from bot import momentum as momentum_module
except ImportError:  # built by another engineer; the benchmark runs without it
    momentum_module = None  # type: ignore[assignment]

POSTGRES_ADMIN = os.environ.get("POSITIE_BENCH_POSTGRES_DSN",
                                "postgresql://postgres@127.0.0.1:5432/postgres")
CAMPAIGN = "bench"
LAYERS = {"rijk": 0.18, "provincie": 0.14, "gemeente": 0.42, "waterschap": 0.08,
          "onbekend": 0.18}  # a realistic skew: many municipal civil servants
LABELS = {"rijk": ("Rijk", "National government"), "provincie": ("Provincie", "Province"),
          "gemeente": ("Gemeente", "Municipality"),
          "waterschap": ("Waterschap", "Water authority")}
THEMES = ("Visie en richting", "Samenwerken tussen overheidslagen",
          "Regels en experimenteerruimte", "Inkopen en opdrachtgeverschap")
STATEMENTS = 20
T_START = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)
OPEN_EVERY = timedelta(days=3.5)  # one statement after another, two a week
ANSWER_WINDOW = timedelta(days=7)
NOW = T_START + STATEMENTS * OPEN_EVERY
PREVIOUS_DIGEST = NOW - timedelta(days=7)
CHANGED_SHARE = 0.10  # positions changed once after the first answer
CHUNK = 25_000


def settings(url: str) -> Settings:
    layers = [{"key": key, "label_nl": nl, "label_en": en} for key, (nl, en) in LABELS.items()]
    return Settings.model_validate({
        "campaign": {"id": CAMPAIGN, "name": "Circulair versnellen (benchmark)",
                     "layers": layers, "privacy_threshold": 3},
        "database": {"url": url}})


# Twenty statements of workshop length, like those in statements.example.toml.
STATEMENT_TEXTS = (
    "Het Rijk moet de visie op de circulaire economie bepalen; de regio werkt die uit.",
    "Provincies en waterschappen moeten bepalen wat de circulaire opgave voor hun gebied is.",
    "Elke gemeente hoort een eigen circulaire doelstelling te hebben, los van het Rijk.",
    "De circulaire economie is vooral een opgave voor bedrijven, niet voor de overheid.",
    "Zonder heffing op primaire grondstoffen komt de circulaire economie er niet.",
    "Ondernemers met een circulair initiatief horen één loket te hebben bij de overheid.",
    "Voorlopers in mijn organisatie krijgen genoeg ruimte om vastgelopen patronen te doorbreken.",
    "Overheidslagen delen hun kennis over circulair werken nu al goed met elkaar.",
    "Regionale samenwerking werkt beter dan landelijke programma's voor circulaire ketens.",
    "Waterschappen zijn een onderschatte partner in de circulaire economie.",
    "Voor circulaire experimenten moeten we regels tijdelijk buiten werking kunnen stellen.",
    "Afvalregelgeving is de grootste rem op hergebruik van materialen in mijn regio.",
    "Vergunningverleners hebben te weinig ruimte om circulaire initiatieven toe te staan.",
    "Europese regels laten meer ruimte voor circulair werken dan wij gebruiken.",
    "Toezicht en handhaving moeten circulaire koplopers actief helpen in plaats van remmen.",
    "Circulair inkopen moet voor alle overheden verplicht worden, niet vrijwillig blijven.",
    "Mijn organisatie heeft genoeg kennis in huis om circulair in te kopen.",
    "Bij aanbestedingen weegt de laagste prijs nog steeds zwaarder dan circulariteit.",
    "Overheden moeten samen inkopen om de markt voor circulaire producten te vergroten.",
    "Een circulair ingekocht product mag meer kosten als het over de levensduur goedkoper is.",
)


def catalogue() -> Catalogue:
    per_theme = STATEMENTS // len(THEMES)
    themes = [{"key": f"thema-{t + 1}", "title": f"Versneller {t + 1} — {title}",
               "statements": [{"key": f"s{n + 1:02d}", "text": STATEMENT_TEXTS[n]}
                              for n in range(t * per_theme, (t + 1) * per_theme)]}
              for t, title in enumerate(THEMES)]
    return Catalogue.model_validate({"themes": themes})


# -- generated data ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Answer:
    statement_id: int
    participant_id: int
    layer: str
    option: str
    first_at: datetime
    changed_from: str | None  # the first answer, when it was changed later
    last_at: datetime


def participant_layers(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return rng.choices(list(LAYERS), weights=list(LAYERS.values()), k=n)


def option_weights(statement_ids: list[int], seed: int) -> dict[tuple[int, str], list[float]]:
    """Each statement leans its own way and each layer a little differently."""
    rng = random.Random(seed)
    values = {"helemaal_eens": 2, "eens": 1, "neutraal": 0, "oneens": -1,
              "helemaal_oneens": -2}
    out = {}
    for sid in statement_ids:
        lean = rng.uniform(-0.6, 0.6)
        for layer in LAYERS:
            tilt = lean + rng.uniform(-0.4, 0.4)
            weights = [pow(2.0, tilt * v) for v in values.values()] + [0.35]
            total = sum(weights)
            cumulative, acc = [], 0.0
            for w in weights:
                acc += w / total
                cumulative.append(acc)
            out[(sid, layer)] = cumulative
    return out


OPTIONS = ["helemaal_eens", "eens", "neutraal", "oneens", "helemaal_oneens", "weet_niet"]


def answers(statement_id: int, index: int, layers: list[str],
            weights: dict[tuple[int, str], list[float]], seed: int) -> Iterator[Answer]:
    rng = random.Random(seed * 1000 + index)
    opened = T_START + index * OPEN_EVERY
    closes = min(opened + ANSWER_WINDOW, NOW) - timedelta(minutes=1)
    span = (closes - opened).total_seconds()
    for pid, layer in enumerate(layers, start=1):
        cw = weights[(statement_id, layer)]
        option = OPTIONS[bisect(cw, rng.random() * cw[-1])]
        first = opened + timedelta(seconds=min(rng.expovariate(1 / 86_400), span * 0.7))
        changed_from = None
        last = first
        if rng.random() < CHANGED_SHARE:
            changed_from = OPTIONS[bisect(cw, rng.random() * cw[-1])]
            if changed_from == option:
                changed_from = OPTIONS[(OPTIONS.index(option) + 1) % len(OPTIONS)]
            last = first + (closes - first) * rng.random()
        yield Answer(statement_id, pid, layer, option, first, changed_from, last)


def event_rows(answer: Answer, next_id: Callable[[], int]) -> Iterator[tuple[Any, ...]]:
    """(id, delivery_id, statement_id, participant_id, option_key, event_time, recorded_at)."""
    if answer.changed_from is not None:
        n = next_id()
        yield (n, f"bench:{n:09d}", answer.statement_id, answer.participant_id,
               answer.changed_from, answer.first_at.timestamp(), answer.first_at)
    n = next_id()
    yield (n, f"bench:{n:09d}", answer.statement_id, answer.participant_id, answer.option,
           answer.last_at.timestamp(), answer.last_at)


class Counter:
    def __init__(self) -> None:
        self.value = 0

    def __call__(self) -> int:
        self.value += 1
        return self.value


# -- loading -------------------------------------------------------------------------------
async def prepare(url: str) -> list[int]:
    """Migrations, settings, catalogue and statement states through the app's own code."""
    db = Database(url=url)
    try:
        await upgrade(db)
        config = settings(url)
        await sync_settings(db, config)
        await import_catalogue(db, CAMPAIGN, catalogue(), now=T_START)
        async with db.transaction() as session:
            rows = (await session.execute(
                text("SELECT id FROM statements WHERE campaign_id = :c ORDER BY position"),
                {"c": CAMPAIGN})).all()
            ids = [r[0] for r in rows]
            for i, sid in enumerate(ids):
                opened = T_START + i * OPEN_EVERY
                closed = opened + ANSWER_WINDOW
                still_open = closed > NOW
                await session.execute(update(Statement).where(Statement.id == sid).values(
                    state="open" if still_open else "closed", opened_at=opened,
                    closed_at=None if still_open else closed))
        return ids
    finally:
        await db.dispose()


def sqlite_datetime(moment: datetime) -> str:
    # SQLAlchemy's storage format for DateTime on SQLite; every moment here is in UTC.
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def load_sqlite(path: Path, ids: list[int], participants: int, seed: int) -> None:
    layers = participant_layers(participants, seed)
    weights = option_weights(ids, seed)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        # The usual bulk load: secondary indexes dropped, filled, then built again from
        # the migration's own DDL, so the schema ends up exactly as migrated.
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('positions', 'position_events')").fetchall()
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        with connection:
            connection.executemany(
                "INSERT INTO participants (id, platform, workspace, user_id, layer, "
                "layer_source, reminders_opt_out, first_seen_at) VALUES (?,?,?,?,?,?,?,?)",
                ((pid, "slack", "T0BENCH", f"U{pid:07d}", layer,
                  "unknown" if layer == "onbekend" else "declared", 0,
                  sqlite_datetime(T_START)) for pid, layer in enumerate(layers, start=1)))
            next_id = Counter()
            for index, sid in enumerate(ids):
                batch = list(answers(sid, index, layers, weights, seed))
                connection.executemany(
                    "INSERT INTO positions (statement_id, participant_id, layer, option_key, "
                    "event_time, changes, updated_at) VALUES (?,?,?,?,?,?,?)",
                    ((a.statement_id, a.participant_id, a.layer, a.option,
                      a.last_at.timestamp(), int(a.changed_from is not None),
                      sqlite_datetime(a.last_at)) for a in batch))
                connection.executemany(
                    "INSERT INTO position_events (id, delivery_id, statement_id, "
                    "participant_id, option_key, text_version, event_time, recorded_at) "
                    "VALUES (?,?,?,?,?,1,?,?)",
                    ((*row[:6], sqlite_datetime(row[6]))
                     for a in batch for row in event_rows(a, next_id)))
        for _, sql in indexes:
            connection.execute(sql)
        connection.commit()
    finally:
        connection.close()


async def load_postgres(url: str, ids: list[int], participants: int, seed: int) -> None:
    layers = participant_layers(participants, seed)
    weights = option_weights(ids, seed)
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        # The usual bulk load: foreign-key triggers off for this session (the generated rows
        # are consistent) and secondary indexes built after the COPY from their own DDL.
        await connection.execute("SET session_replication_role = replica")
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('positions', 'position_events') AND indexname LIKE 'ix\\_%'")
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        await connection.copy_records_to_table(
            "participants",
            columns=["id", "platform", "workspace", "user_id", "layer", "layer_source",
                     "reminders_opt_out", "first_seen_at"],
            records=[(pid, "slack", "T0BENCH", f"U{pid:07d}", layer,
                      "unknown" if layer == "onbekend" else "declared", False, T_START)
                     for pid, layer in enumerate(layers, start=1)])
        next_id = Counter()
        for index, sid in enumerate(ids):
            batch = list(answers(sid, index, layers, weights, seed))
            await connection.copy_records_to_table(
                "positions",
                columns=["statement_id", "participant_id", "layer", "option_key",
                         "event_time", "changes", "updated_at"],
                records=[(a.statement_id, a.participant_id, a.layer, a.option,
                          a.last_at.timestamp(), int(a.changed_from is not None), a.last_at)
                         for a in batch])
            await connection.copy_records_to_table(
                "position_events",
                columns=["id", "delivery_id", "statement_id", "participant_id", "option_key",
                         "event_time", "recorded_at", "text_version"],
                records=[(*row, 1) for a in batch for row in event_rows(a, next_id)])
        for index in indexes:
            await connection.execute(index["indexdef"])
        await connection.execute(
            "SELECT setval(pg_get_serial_sequence('position_events', 'id'), $1)", next_id.value)
        # What autovacuum does soon after a bulk load: statistics and the visibility map.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def create_postgres_database() -> str | None:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN, timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL: skipped, not reachable at {POSTGRES_ADMIN} ({exc}); "
              "set POSITIE_BENCH_POSTGRES_DSN")
        return None
    name = f"positie_bench_{uuid.uuid4().hex[:10]}"
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_postgres_database(url: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(
            f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await connection.close()


# -- measuring -----------------------------------------------------------------------------
CPU: dict[str, float] = {}  # step -> median CPU seconds of this process, Python-only steps


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
        momentum = None
        if momentum_module is None:
            out["momentum"] = None
        else:
            await momentum_module.save_snapshot(
                db, campaign_id=CAMPAIGN, period="previous",
                snapshot=momentum_module.snapshot_of(aggregate, scale, 3), now=PREVIOUS_DIGEST)

            async def compute() -> Any:
                return await momentum_module.compute_momentum(
                    db, CAMPAIGN, now=NOW, aggregate=aggregate, scale=scale,
                    privacy_threshold=config.campaign.privacy_threshold)

            out["momentum"], momentum = await timed(compute, repeat)
        ctx = DigestContext(campaign=config.campaign, scale=scale, texts=texts, now=NOW)
        out["build_digest"], document = await timed(
            lambda: _sync(build_digest, aggregate, ctx, momentum=momentum), repeat,
            "build_digest")
        out["render_text"], _ = await timed(lambda: _sync(render_text, document), repeat,
                                            "render_text")
        out["chart"], png = await timed(lambda: _sync(
            render_chart, aggregate, campaign=config.campaign, scale=scale, texts=texts), repeat,
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
