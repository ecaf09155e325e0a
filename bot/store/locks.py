"""One process at a time, across every process on one PostgreSQL database.

Several `positie run` processes may start at the same moment (a rolling deploy, a scaled
service): each migrates and then brings the campaign, channels and catalogue in line with
its config, reading before it writes. Under these locks they take turns: the first does the
work, the others find it done. PostgreSQL advisory locks are held by a session, so a process
that dies releases its lock with its connection. SQLite is one process by design: no lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.db import Database

START_UP = "positie:start-up"
MIGRATIONS = "positie:migrations"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def exclusively(db: Database, name: str) -> AsyncIterator[None]:
    """Hold the named lock (on a connection of its own) for the duration of the block."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    key = lock_key(name)
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        await connection.commit()  # no transaction left open while others wait
        try:
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            await connection.commit()


async def lock_for_transaction(connection: AsyncConnection, name: str) -> None:
    """Hold the named lock until this connection's transaction ends (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": lock_key(name)})
