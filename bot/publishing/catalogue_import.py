"""Import the statement catalogue: themes and statements matched by key.

Nothing is ever deleted: a changed text of a statement that already has answers is kept as
a revision, and a statement that is no longer in the catalogue is *retired* — never opened
again, no answers taken, its positions kept — until it comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from bot.domain import StatementState
from bot.settings.catalogue import Catalogue
from bot.store.db import Database
from bot.store.models import Position, Statement, StatementRevision, Theme


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    kept_revisions: int
    unchanged: int
    retired: int = 0
    restored: int = 0


async def import_catalogue(db: Database, campaign_id: str, catalogue: Catalogue,
                           *, now: datetime) -> ImportReport:
    added = updated = kept = unchanged = restored = 0
    async with db.transaction() as session:
        order = 0
        for theme_pos, entry in enumerate(catalogue.themes):
            theme = await session.scalar(select(Theme).where(
                Theme.campaign_id == campaign_id, Theme.key == entry.key))
            if theme is None:
                theme = Theme(campaign_id=campaign_id, key=entry.key, title=entry.title,
                              position=theme_pos)
                session.add(theme)
                await session.flush()
            else:
                theme.title, theme.position = entry.title, theme_pos
            for item in entry.statements:
                order += 1
                statement = await session.scalar(select(Statement).where(
                    Statement.campaign_id == campaign_id, Statement.key == item.key))
                if statement is None:
                    session.add(Statement(campaign_id=campaign_id, theme_id=theme.id,
                                          key=item.key, text=item.text, text_version=1,
                                          state="draft", position=order))
                    added += 1
                    continue
                statement.theme_id, statement.position = theme.id, order
                if statement.state == StatementState.RETIRED:  # back in the catalogue
                    statement.state = (StatementState.CLOSED if statement.opened_at
                                       else StatementState.DRAFT)
                    restored += 1
                if statement.text == item.text:
                    unchanged += 1
                    continue
                answered = await session.scalar(select(func.count()).select_from(Position)
                                                .where(Position.statement_id == statement.id))
                if answered:
                    session.add(StatementRevision(statement_id=statement.id,
                                                  text_version=statement.text_version,
                                                  text=statement.text, replaced_at=now))
                    kept += 1
                statement.text = item.text
                statement.text_version += 1
                updated += 1
        retired = await session.execute(
            update(Statement)
            .where(Statement.campaign_id == campaign_id,
                   Statement.key.not_in(catalogue.statement_keys()),
                   Statement.state != StatementState.RETIRED)
            .values(state=StatementState.RETIRED))
    return ImportReport(added=added, updated=updated, kept_revisions=kept, unchanged=unchanged,
                        retired=retired.rowcount,  # type: ignore[attr-defined]
                        restored=restored)
