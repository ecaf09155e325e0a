"""Alembic migrations, applied programmatically (`positie db upgrade` and on `positie run`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.store.db import Database
from bot.store.locks import MIGRATIONS as MIGRATIONS_LOCK
from bot.store.locks import lock_for_transaction

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    config = alembic_config(database.url)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.engine.begin() as connection:
        # Processes starting together migrate one after the other; the later ones find the
        # schema at head. (PostgreSQL runs the DDL in this transaction, under the lock.)
        await lock_for_transaction(connection, MIGRATIONS_LOCK)
        await connection.run_sync(run)


async def upgrade_if_behind(database: Database) -> bool:
    """Upgrade only when the database is not at the newest revision; True if it ran.

    Reading the current revision is one small query; a command that has nothing to migrate
    (every `positie post`, `digest`, `export` after the first) then skips Alembic's run.
    """
    if await current_revisions(database) == head_revisions():
        return False
    await upgrade(database)
    return True


async def pending_revisions(database: Database) -> list[str]:
    """Migrations not yet applied to this database (all of them for an empty one), without
    applying any: what `positie doctor` reports and `positie db upgrade` would do."""
    script = ScriptDirectory.from_config(alembic_config(database.url))
    applied = await current_revisions(database)
    lower = next(iter(applied)) if len(applied) == 1 else "base"
    return [r.revision for r in script.iterate_revisions("heads", lower)
            if r.revision not in applied]


def head_revisions() -> set[str]:
    """The revisions the migration scripts end in (what `upgrade` brings a database to)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


async def current_revisions(database: Database) -> set[str]:
    """The revisions the database is at (empty before the first migration)."""

    def read(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)
