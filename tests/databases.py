"""Test databases: a fresh SQLite file per test, and a fresh PostgreSQL database per run.

PostgreSQL is used where reachable (POSITIE_TEST_POSTGRES_URL, default the local server);
in CI an unreachable server is a failure, not a skip.
"""

from __future__ import annotations

import os
import uuid

import asyncpg
from sqlalchemy import text

from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.models import Base

POSTGRES_ADMIN = os.environ.get("POSITIE_TEST_POSTGRES_DSN",
                                "postgresql://postgres@127.0.0.1:5432/test")


async def postgres_reachable() -> bool:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


async def create_postgres_database() -> str:
    name = f"positie_test_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def truncate_all(db: Database) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


async def migrated(url: str) -> Database:
    db = Database(url=url)
    await upgrade(db)
    return db
