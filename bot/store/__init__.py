"""The store: SQLAlchemy 2 async models, the engine and the Alembic migrations.

Tables carry the rules that must hold across processes as constraints (`models`); the
engine puts SQLite in WAL mode (`db`); `upsert` is INSERT … ON CONFLICT for either
dialect; `migrate` applies `migrations/` at start-up and on `positie db upgrade`.
"""
