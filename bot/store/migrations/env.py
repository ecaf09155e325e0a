"""Alembic environment: runs on the connection handed in by bot.store.migrate."""

from __future__ import annotations

from alembic import context

from bot.store import baseline_models  # noqa: F401  (registers the workshop tables)
from bot.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `positie db upgrade`")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
