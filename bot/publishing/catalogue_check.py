"""Whether importing the catalogue would change anything: one read instead of a write per
statement, so a command run with an unchanged statements file skips the import."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain import StatementState
from bot.settings.catalogue import Catalogue
from bot.store.db import Database
from bot.store.models import Statement, Theme


async def catalogue_in_sync(db: Database, campaign_id: str, catalogue: Catalogue) -> bool:
    """True when every theme and statement of the catalogue is stored exactly as
    `import_catalogue` would store it (title, text, theme and order, not retired), and
    every statement no longer in the file is retired already."""
    async with db.sessions() as session:
        themes = {row.key: (row.id, row.title, row.position) for row in await session.execute(
            select(Theme.key, Theme.id, Theme.title, Theme.position)
            .where(Theme.campaign_id == campaign_id))}
        rows = (await session.execute(
            select(Statement.key, Statement.theme_id, Statement.text, Statement.position,
                   Statement.state).where(Statement.campaign_id == campaign_id))).all()
    statements = {row.key: (row.theme_id, row.text, row.position) for row in rows
                  if row.state != StatementState.RETIRED}
    listed = set(catalogue.statement_keys())
    if any(key not in listed for key in statements):
        return False  # a statement left out of the file is not retired yet
    order = 0
    for theme_position, entry in enumerate(catalogue.themes):
        stored = themes.get(entry.key)
        if stored is None or stored[1:] != (entry.title, theme_position):
            return False
        for item in entry.statements:
            order += 1
            if statements.get(item.key) != (stored[0], item.text, order):
                return False
    return True
