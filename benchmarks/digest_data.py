"""Data for the digest benchmark: a generated campaign, loaded through each database's
native bulk path (executemany on SQLite, COPY on PostgreSQL) after the real migrations."""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from sqlalchemy import text, update

from bot.publishing.catalogue_import import import_catalogue
from bot.publishing.sync import sync_settings
from bot.settings.catalogue import Catalogue
from bot.settings.config import Settings
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.models import Statement
from positie.settings import from_mapping

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
CAMPAIGN_SPAN = timedelta(days=70)  # a larger catalogue opens faster, over the same ten weeks


def open_every(statements: int) -> timedelta:
    return OPEN_EVERY if statements <= STATEMENTS else CAMPAIGN_SPAN / statements


def now_for(statements: int) -> datetime:
    """The moment of the digest: just after the last statement opened."""
    return T_START + statements * open_every(statements)


NOW = now_for(STATEMENTS)
PREVIOUS_DIGEST = NOW - timedelta(days=7)
CHANGED_SHARE = 0.10  # positions changed once after the first answer
CHUNK = 25_000


def settings(url: str) -> Settings:
    layers = [{"key": key, "label_nl": nl, "label_en": en} for key, (nl, en) in LABELS.items()]
    return from_mapping({
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


def catalogue(statements: int = STATEMENTS) -> Catalogue:
    """Four themes; beyond twenty statements the workshop's texts come round again,
    numbered, so every text differs."""
    per_theme = -(-statements // len(THEMES))

    def text(n: int) -> str:
        base = STATEMENT_TEXTS[n % len(STATEMENT_TEXTS)]
        return base if statements <= STATEMENTS else f"{base} ({n + 1})"

    themes = [{"key": f"thema-{t + 1}", "title": f"Versneller {t + 1} — {title}",
               "statements": [{"key": f"s{n + 1:03d}", "text": text(n)}
                              for n in range(t * per_theme, min((t + 1) * per_theme,
                                                                statements))]}
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
            weights: dict[tuple[int, str], list[float]], seed: int,
            statements: int = STATEMENTS) -> Iterator[Answer]:
    rng = random.Random(seed * 1000 + index)
    opened = T_START + index * open_every(statements)
    closes = min(opened + ANSWER_WINDOW, now_for(statements)) - timedelta(minutes=1)
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
async def prepare(url: str, statements: int = STATEMENTS) -> list[int]:
    """Migrations, settings, catalogue and statement states through the app's own code."""
    db = Database(url=url)
    try:
        await upgrade(db)
        config = settings(url)
        await sync_settings(db, config)
        await import_catalogue(db, CAMPAIGN, catalogue(statements), now=T_START)
        async with db.transaction() as session:
            rows = (await session.execute(
                text("SELECT id FROM statements WHERE campaign_id = :c ORDER BY position"),
                {"c": CAMPAIGN})).all()
            ids = [r[0] for r in rows]
            for i, sid in enumerate(ids):
                opened = T_START + i * open_every(statements)
                closed = opened + ANSWER_WINDOW
                still_open = closed > now_for(statements)
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
                batch = list(answers(sid, index, layers, weights, seed, len(ids)))
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
            batch = list(answers(sid, index, layers, weights, seed, len(ids)))
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
