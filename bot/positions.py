"""Record a position: one current position per participant per statement.

The latest event time wins, and a redelivered request (same delivery id) changes nothing,
also when two processes receive it at once: both rules live in database constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, select

from bot.domain import (
    UNKNOWN_LAYER,
    Identity,
    LayerSource,
    Outcome,
    PositionResult,
    RefusalReason,
    StatementState,
)
from bot.participants import apply_layer, ensure_participant
from bot.store.db import Database
from bot.store.models import Channel, Position, PositionEvent, Statement
from bot.store.upsert import insert_for


@dataclass(frozen=True, slots=True)
class Vote:
    who: Identity
    statement_key: str
    option_key: str | None  # None withdraws the position (a retracted poll vote)
    event_time: float  # seconds since the epoch, from the platform where it has one
    delivery_id: str  # unique per platform delivery; a retry carries the same id
    channel_id: str | None = None  # where it was cast, for the channel's default layer


async def record_position(db: Database, *, campaign_id: str, vote: Vote,
                          option_keys: frozenset[str], now: datetime) -> PositionResult:
    key = vote.statement_key
    if vote.option_key is not None and vote.option_key not in option_keys:
        return PositionResult(Outcome.REFUSED, key, vote.option_key,
                              reason=RefusalReason.UNKNOWN_OPTION)
    async with db.transaction() as session:
        statement = (await session.execute(
            select(Statement.id, Statement.state, Statement.text_version)
            .where(Statement.campaign_id == campaign_id, Statement.key == key))).first()
        if statement is None:
            return PositionResult(Outcome.REFUSED, key, reason=RefusalReason.UNKNOWN_STATEMENT)
        if statement.state != StatementState.OPEN:
            return PositionResult(Outcome.REFUSED, key, reason=RefusalReason.NOT_OPEN)
        participant = await ensure_participant(session, db.dialect, vote.who, now=now)
        if participant.layer == UNKNOWN_LAYER and vote.channel_id is not None:
            default = await session.scalar(select(Channel.default_layer).where(
                Channel.campaign_id == campaign_id, Channel.platform == vote.who.platform,
                Channel.external_id == vote.channel_id))
            if default:
                participant = await apply_layer(session, participant, default,
                                                LayerSource.CHANNEL)
        inserted = await session.scalar(
            insert_for(db.dialect, PositionEvent)
            .values(delivery_id=vote.delivery_id, statement_id=statement.id,
                    participant_id=participant.id, option_key=vote.option_key,
                    text_version=statement.text_version, event_time=vote.event_time,
                    recorded_at=now)
            .on_conflict_do_nothing(index_elements=["delivery_id"])
            .returning(PositionEvent.id))
        layer = participant.layer

        def result(outcome: Outcome, option: str | None) -> PositionResult:
            return PositionResult(outcome, key, option, layer=layer,
                                  needs_layer=layer == UNKNOWN_LAYER)

        if inserted is None:
            return result(Outcome.DUPLICATE, vote.option_key)
        current = (await session.execute(
            select(Position.option_key, Position.event_time).where(
                Position.statement_id == statement.id,
                Position.participant_id == participant.id))).first()
        if current is not None and current.event_time >= vote.event_time:
            return result(Outcome.UNCHANGED, current.option_key)
        if vote.option_key is None:
            await session.execute(delete(Position).where(
                Position.statement_id == statement.id, Position.participant_id == participant.id,
                Position.event_time < vote.event_time))
            return result(Outcome.WITHDRAWN, None)
        insert = insert_for(db.dialect, Position).values(
            statement_id=statement.id, participant_id=participant.id, layer=participant.layer,
            option_key=vote.option_key, event_time=vote.event_time, changes=0, updated_at=now)
        changed = Position.option_key != insert.excluded.option_key
        await session.execute(insert.on_conflict_do_update(
            index_elements=["statement_id", "participant_id"],
            set_={"option_key": insert.excluded.option_key,
                  "event_time": insert.excluded.event_time,
                  "layer": insert.excluded.layer,
                  "updated_at": insert.excluded.updated_at,
                  "changes": Position.changes + case((changed, 1), else_=0)},
            # Another process may have stored a newer event since we read: it wins.
            where=Position.event_time < insert.excluded.event_time))
        if current is None:
            outcome = Outcome.RECORDED
        elif current.option_key == vote.option_key:
            outcome = Outcome.UNCHANGED
        else:
            outcome = Outcome.CHANGED
        return result(outcome, vote.option_key)
