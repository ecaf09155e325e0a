"""Forget a person: their positions, their history, their layer and every reference to them.

What is already posted (digests, tallies, momentum snapshots) holds only counts per layer
and stays; from the next digest on, the person is simply not counted. One transaction: a
failure erases nothing, and running it again for someone already forgotten does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, delete, func, select, update

from bot.domain import Identity
from bot.store.db import Database
from bot.store.models import (
    Participant,
    Position,
    PositionEvent,
    ReleasedAnswer,
    ReleasedCell,
    ReminderSent,
    RosterEmailLookup,
)


def _of_latest_release() -> ColumnElement[bool]:
    """A released-answer row of its cell's latest release (older ones are stale)."""
    return ReleasedAnswer.version == (
        select(func.max(ReleasedCell.version))
        .where(ReleasedCell.statement_id == ReleasedAnswer.statement_id,
               ReleasedCell.layer == ReleasedAnswer.layer).scalar_subquery())


@dataclass(frozen=True, slots=True)
class Erasure:
    known: bool  # False: positie held nothing about this person
    positions: int  # current positions erased (their history went with them)


def _participant_id(who: Identity) -> Select[int]:
    return select(Participant.id).where(
        Participant.platform == who.platform, Participant.workspace == who.workspace,
        Participant.user_id == who.user_id)


async def positions_held(db: Database, who: Identity) -> Erasure:
    """What forgetting this person would erase (for the confirmation question)."""
    async with db.sessions() as session:
        participant_id = await session.scalar(_participant_id(who))
        if participant_id is None:
            return Erasure(known=False, positions=0)
        count = await session.scalar(select(func.count()).select_from(Position)
                                     .where(Position.participant_id == participant_id))
    return Erasure(known=True, positions=int(count or 0))


async def forget(db: Database, who: Identity) -> Erasure:
    async with db.transaction() as session:
        # A roster's e-mail lookup names them too (by a hash of the address), even when the
        # roster that looked them up was refused and they never became a participant.
        lookups = await session.execute(delete(RosterEmailLookup).where(
            RosterEmailLookup.platform == who.platform,
            RosterEmailLookup.workspace == who.workspace,
            RosterEmailLookup.user_id == who.user_id))
        participant_id = await session.scalar(_participant_id(who))
        if participant_id is None:
            return Erasure(known=bool(lookups.rowcount), positions=0)  # type: ignore[attr-defined]
        erased = await session.execute(
            delete(Position).where(Position.participant_id == participant_id))
        # Their answers as of the last releases (written by the delete above too) stay as
        # "an answer that left this cell", unlinked from them, until the cell's next release:
        # without them the departure would not count among the people behind a change.
        mine = ReleasedAnswer.participant_id == participant_id
        await session.execute(delete(ReleasedAnswer).where(mine, ~_of_latest_release()))
        await session.execute(update(ReleasedAnswer).where(mine).values(participant_id=None))
        for table in (PositionEvent, ReminderSent):
            await session.execute(delete(table).where(table.participant_id == participant_id))
        await session.execute(delete(Participant).where(Participant.id == participant_id))
    return Erasure(known=True, positions=int(erased.rowcount))  # type: ignore[attr-defined]
