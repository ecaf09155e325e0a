"""Which statements `positie post` opens at once: a theme's, or every draft."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain import StatementState
from bot.store.db import Database
from bot.store.models import Statement, Theme


class ThemeNotFound(Exception):
    """No theme with this key; args: (key, the campaign's theme keys)."""


async def keys_to_open(db: Database, campaign_id: str, *, theme: str | None) -> list[str]:
    """In catalogue order: the theme's statements that are not closed or retired (open ones
    are only retried where a post is pending), or with no theme every draft statement."""
    async with db.sessions() as session:
        query = (select(Statement.key).join(Theme, Theme.id == Statement.theme_id)
                 .where(Statement.campaign_id == campaign_id)
                 .order_by(Theme.position, Statement.position))
        if theme is None:
            return list(await session.scalars(
                query.where(Statement.state == StatementState.DRAFT)))
        themes = list(await session.scalars(select(Theme.key).where(
            Theme.campaign_id == campaign_id).order_by(Theme.position)))
        if theme not in themes:
            raise ThemeNotFound(theme, themes)
        return list(await session.scalars(query.where(
            Theme.key == theme, Statement.state.in_((StatementState.DRAFT,
                                                     StatementState.SCHEDULED,
                                                     StatementState.OPEN)))))
