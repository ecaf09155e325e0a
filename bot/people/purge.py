"""The end of a campaign's retention: erase what positie holds about people in it.

Once `campaign.ends` plus `campaign.retention` has passed, every position, its history and
the reminders of the campaign go, and so does every person who took part in it and has
nothing left in any other campaign (their platform id, layer and private chat). What was
published stays: digests in the channels and the digest snapshots hold counts per layer
only. One transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, select, union

from bot.store.db import Database
from bot.store.models import (
    Participant,
    Position,
    PositionEvent,
    ReleasedAnswer,
    ReminderSent,
    Statement,
)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    due: datetime | None  # None: the config sets no end or no retention
    purged: bool  # False: not due yet (or a dry run)
    positions: int = 0
    events: int = 0
    reminders: int = 0
    people: int = 0


CHUNK = 1000  # ids per DELETE ... IN (...): well under SQLite's limit on parameters


def _rows(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_campaign(db: Database, campaign_id: str, *, now: datetime,
                         due: datetime | None, dry_run: bool = False) -> PurgeReport:
    if due is None or now < due:
        return PurgeReport(due=due, purged=False)
    statements = select(Statement.id).where(Statement.campaign_id == campaign_id)
    async with db.sessions() as session:
        took_part = list(await session.scalars(union(*(
            select(model.participant_id).where(model.statement_id.in_(statements))
            for model in (Position, PositionEvent, ReminderSent)))))
        events = _rows(await session.execute(
            delete(PositionEvent).where(PositionEvent.statement_id.in_(statements))))
        reminders = _rows(await session.execute(
            delete(ReminderSent).where(ReminderSent.statement_id.in_(statements))))
        positions = _rows(await session.execute(
            delete(Position).where(Position.statement_id.in_(statements))))
        # Answers as of the last releases (the delete above writes them for released cells).
        await session.execute(
            delete(ReleasedAnswer).where(ReleasedAnswer.statement_id.in_(statements)))
        people = 0
        for start in range(0, len(took_part), CHUNK):  # ... and have nothing elsewhere
            people += _rows(await session.execute(delete(Participant).where(
                Participant.id.in_(took_part[start:start + CHUNK]),
                ~exists().where(Position.participant_id == Participant.id),
                ~exists().where(PositionEvent.participant_id == Participant.id),
                ~exists().where(ReminderSent.participant_id == Participant.id))))
        if dry_run:
            await session.rollback()
        else:
            await session.commit()
    return PurgeReport(due=due, purged=not dry_run, positions=positions, events=events,
                       reminders=reminders, people=people)
