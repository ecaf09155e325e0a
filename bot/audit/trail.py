"""Write and read the audit trail (table audit_events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.clock import utc
from bot.store.db import Database
from bot.store.models import AuditEvent

CLI = "cli"
SELF = "self"  # a person acting on their own data: their id is not kept


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    via: str
    actor: str
    action: str
    target: str
    outcome: str


async def record(db: Database, campaign_id: str, *, at: datetime, via: str, actor: str,
                 action: str, target: str = "", outcome: str) -> None:
    async with db.transaction() as session:
        session.add(AuditEvent(campaign_id=campaign_id, at=at, via=via[:16], actor=actor[:128],
                               action=action[:32], target=target[:128], outcome=outcome[:200]))


async def entries(db: Database, campaign_id: str, *,
                  since: datetime | None = None) -> list[AuditEntry]:
    query = select(AuditEvent).where(AuditEvent.campaign_id == campaign_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    async with db.sessions() as session:
        rows = await session.scalars(query.order_by(AuditEvent.at, AuditEvent.id))
        return [AuditEntry(utc(r.at), r.via, r.actor, r.action, r.target, r.outcome)
                for r in rows]
