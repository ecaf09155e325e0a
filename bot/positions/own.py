"""A person's own positions: shown to that person only, never to anyone else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.domain import Identity
from bot.store.db import Database
from bot.store.models import Participant, Position, Statement


@dataclass(frozen=True, slots=True)
class OwnPosition:
    statement_key: str
    statement_text: str
    option_label: str  # the option key until the service puts the reader's label here


async def own_positions(db: Database, campaign_id: str, who: Identity) -> list[OwnPosition]:
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Statement.key, Statement.text, Position.option_key)
            .join(Position, Position.statement_id == Statement.id)
            .join(Participant, Participant.id == Position.participant_id)
            .where(Statement.campaign_id == campaign_id,
                   Participant.platform == who.platform,
                   Participant.workspace == who.workspace,
                   Participant.user_id == who.user_id)
            .order_by(Statement.position))).all()
    return [OwnPosition(r.key, r.text, r.option_key) for r in rows]
