"""Why a database cannot be opened, in words that name `database.url` and the fix.

The engine and the first connection fail in many ways (a typo in the URL, a driver that
is not installed or not async, a server that is down, a database that does not exist, a
directory that cannot be written); each becomes a ConfigError instead of a traceback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InvalidRequestError,
    NoSuchModuleError,
)

from bot.settings.errors import ConfigError

KEY = "database.url (or POSITIE_DATABASE_URL)"
EXAMPLES = ("sqlite+aiosqlite:///positie.db (a file next to the config) or "
            "postgresql+asyncpg://user@host:5432/positie")


def shown(url: str) -> str:
    """The URL with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn a failure to open or reach the database into a ConfigError saying what to do."""
    try:
        yield
    except ConfigError:
        raise
    except Exception as exc:
        message = database_problem(url, exc)
        if message is None:
            raise
        raise ConfigError(message) from None


def database_problem(url: str, exc: BaseException) -> str | None:
    where = f"{KEY}: {shown(url)!r}"
    if isinstance(exc, NoSuchModuleError | ModuleNotFoundError):
        return (f"{where}: this kind of database or driver is not supported; use "
                f"sqlite+aiosqlite or postgresql+asyncpg, e.g. {EXAMPLES}")
    if isinstance(exc, ArgumentError):
        return f"{where} is not a database URL; write it like {EXAMPLES}"
    if isinstance(exc, InvalidRequestError) and "async driver" in str(exc):
        return (f"{where} names a driver that is not async; use sqlite+aiosqlite:// or "
                f"postgresql+asyncpg:// instead")
    parsed = make_url(url)
    cause = _root(exc)
    if parsed.get_backend_name() == "sqlite":
        if isinstance(cause, OSError | sqlite3.Error) or isinstance(exc, DBAPIError):
            return (f"{where}: SQLite cannot open or write {parsed.database!r} ({cause}); "
                    "make sure its directory exists and may be written, or choose another "
                    "path (a relative one counts from the config file's directory)")
        return None
    name = type(cause).__name__
    if name == "InvalidCatalogNameError":
        return (f"{where}: the database {parsed.database!r} does not exist on that server; "
                f"create it (createdb {parsed.database}) or fix the name")
    if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        return f"{where}: the server refused the user or password ({cause}); fix them"
    if isinstance(cause, OSError):  # refused, unknown host, timed out
        return (f"{where}: cannot reach the server at {parsed.host}:{parsed.port or 5432} "
                f"({cause}); start it, or fix host and port")
    return None


def _root(exc: BaseException) -> BaseException:
    seen = exc
    while True:
        nxt = getattr(seen, "orig", None) or seen.__cause__
        if nxt is None or nxt is seen:
            return seen
        seen = nxt
