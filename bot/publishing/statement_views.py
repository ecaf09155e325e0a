"""Reading statements as the service hands them around: a view, the open keys, the row id."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.domain import ScaleOption, StatementState, StatementView
from bot.publishing.statements import StatementNotFound
from bot.store.db import Database
from bot.store.models import Statement, Theme


async def statement_view(db: Database, campaign_id: str, key: str,
                         scale: Sequence[ScaleOption]) -> StatementView:
    async with db.sessions() as session:
        row = (await session.execute(
            select(Statement.key, Statement.text, Statement.state, Theme.title)
            .join(Theme, Theme.id == Statement.theme_id)
            .where(Statement.campaign_id == campaign_id, Statement.key == key))).first()
    if row is None:
        raise StatementNotFound(key)
    return StatementView(key=row.key, text=row.text, theme_title=row.title,
                         options=tuple(scale), state=StatementState(row.state))


async def open_statement_keys(db: Database, campaign_id: str) -> list[str]:
    async with db.sessions() as session:
        keys = await session.scalars(
            select(Statement.key).where(Statement.campaign_id == campaign_id,
                                        Statement.state == StatementState.OPEN)
            .order_by(Statement.position))
        return list(keys)


async def statement_id(db: Database, campaign_id: str, key: str) -> int:
    async with db.sessions() as session:
        found = await session.scalar(select(Statement.id).where(
            Statement.campaign_id == campaign_id, Statement.key == key))
    if found is None:
        raise StatementNotFound(key)
    return int(found)
