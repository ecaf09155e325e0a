"""Participants and their layer: declared > roster > channel default > onbekend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import UNKNOWN_LAYER, Identity, LayerSource
from bot.store.db import Database
from bot.store.models import Participant, Position
from bot.store.upsert import insert_for


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    id: int
    layer: str
    source: LayerSource


async def ensure_participant(session: AsyncSession, dialect: str, who: Identity,
                             *, now: datetime) -> ParticipantRow:
    query = select(Participant.id, Participant.layer, Participant.layer_source).where(
        Participant.platform == who.platform, Participant.workspace == who.workspace,
        Participant.user_id == who.user_id)
    row = (await session.execute(query)).first()
    if row is None:
        await session.execute(
            insert_for(dialect, Participant)
            .values(platform=who.platform, workspace=who.workspace, user_id=who.user_id,
                    layer=UNKNOWN_LAYER, layer_source=LayerSource.UNKNOWN,
                    reminders_opt_out=False, first_seen_at=now)
            .on_conflict_do_nothing())
        row = (await session.execute(query)).one()
    return ParticipantRow(id=row.id, layer=row.layer, source=LayerSource(row.layer_source))


async def apply_layer(session: AsyncSession, participant: ParticipantRow, layer: str,
                      source: LayerSource) -> ParticipantRow:
    """Set the layer if `source` ranks at least as high as the one it came from."""
    if source.rank < participant.source.rank:
        return participant
    if (layer, source) == (participant.layer, participant.source):
        return participant
    await session.execute(update(Participant).where(Participant.id == participant.id)
                          .values(layer=layer, layer_source=source))
    if layer != participant.layer:
        # Positions already given now count for the new layer.
        await session.execute(update(Position).where(Position.participant_id == participant.id)
                              .values(layer=layer))
    return ParticipantRow(id=participant.id, layer=layer, source=source)


async def set_layer(db: Database, who: Identity, layer: str, *, known_layers: tuple[str, ...],
                    source: LayerSource = LayerSource.DECLARED, now: datetime) -> str:
    if layer not in known_layers:
        raise ValueError(f"unknown layer {layer!r}")
    async with db.transaction() as session:
        participant = await ensure_participant(session, db.dialect, who, now=now)
        return (await apply_layer(session, participant, layer, source)).layer
