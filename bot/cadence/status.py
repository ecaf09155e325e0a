"""The campaign at a glance, for the krachtteam's status command: statements per state,
what is open, whether the schedule is paused, reach, and the last digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.cadence.digest_news import last_digest_at
from bot.store.db import Database
from bot.store.models import Campaign, Channel, Participant, Position, Statement


@dataclass(frozen=True, slots=True)
class CampaignStatus:
    statements: dict[str, int]  # per state: draft, open, closed, retired
    open_keys: list[str]
    paused: bool
    participants: int  # people with at least one position
    channels_active: int
    channels_inactive: int
    last_digest: datetime | None


async def campaign_status(db: Database, campaign_id: str) -> CampaignStatus:
    async with db.sessions() as session:
        states = {state: n for state, n in (await session.execute(
            select(Statement.state, func.count()).where(Statement.campaign_id == campaign_id)
            .group_by(Statement.state))).all()}
        open_keys = list(await session.scalars(
            select(Statement.key).where(Statement.campaign_id == campaign_id,
                                        Statement.state == "open")
            .order_by(Statement.position)))
        paused = bool(await session.scalar(select(Campaign.paused).where(
            Campaign.id == campaign_id)))
        participants = await session.scalar(
            select(func.count(func.distinct(Position.participant_id)))
            .join(Statement, Statement.id == Position.statement_id)
            .join(Participant, Participant.id == Position.participant_id)
            .where(Statement.campaign_id == campaign_id))
        channels = {bool(active): n for active, n in (await session.execute(
            select(Channel.active, func.count()).where(Channel.campaign_id == campaign_id)
            .group_by(Channel.active))).all()}
    return CampaignStatus(statements={str(k): int(v) for k, v in states.items()},
                          open_keys=open_keys, paused=paused, participants=int(participants or 0),
                          channels_active=int(channels.get(True, 0)),
                          channels_inactive=int(channels.get(False, 0)),
                          last_digest=await last_digest_at(db, campaign_id))
