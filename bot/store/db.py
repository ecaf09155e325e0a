"""Engine and sessions. SQLite runs in WAL mode so readers never block the writer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite has one writer. A single pooled connection queues transactions in-process
        # instead of letting them collide in SQLite's busy handler (which sleeps and retries),
        # or fail at once when a read transaction cannot upgrade to a write.
        # No rollback when a connection returns to the pool: transactions end in commit or
        # rollback already, and each extra call is a round trip to aiosqlite's thread.
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=1,
                                     max_overflow=0, pool_timeout=60,
                                     pool_reset_on_return=None)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


class Database:
    """The engine plus a session factory; one per process, passed in explicitly."""

    def __init__(self, *, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._unit_engine: Engine | None = None
        self._unit_executor: ThreadPoolExecutor | None = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session, session.begin():
            yield session

    async def run_unit(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction on a synchronous Connection (Core, no ORM unit of
        work: the hot path only executes statements).

        SQLite: in a dedicated thread on its own connection, so a unit of many statements
        costs one hop between threads instead of several per statement (each hop waits for
        the GIL while the event loop is busy). PostgreSQL: AsyncSession.run_sync.
        """
        if self.dialect != "sqlite":
            async with self.engine.begin() as connection:
                return await connection.run_sync(work)
        if self._unit_engine is None:
            self._unit_executor = ThreadPoolExecutor(1, thread_name_prefix="positie-sqlite")
            self._unit_engine = create_sync_engine(
                make_url(self.url).set(drivername="sqlite+pysqlite"),
                connect_args={"timeout": 30}, pool_size=1, max_overflow=0)
            event.listen(self._unit_engine, "connect", _sqlite_pragmas)
        engine = self._unit_engine

        def unit() -> T:
            with engine.begin() as connection:
                return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._unit_executor, unit)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._unit_engine is not None and self._unit_executor is not None:
            await asyncio.get_running_loop().run_in_executor(self._unit_executor,
                                                             self._unit_engine.dispose)
            self._unit_executor.shutdown(wait=True)
            self._unit_engine = self._unit_executor = None
