"""Momentum: what moved since the previous digest, from SQL aggregates and digest snapshots.

Everything here comes from the release step (`bot.insight.release`): shares of released
cells only, so "moved most" compares two released versions, which differ by at least k
people; counts of people (new positions, changes of mind) are published from k on.
Each posted digest saves a snapshot of what it showed (shares of shown cells, participants
per layer), and the next digest compares with it. The history of position events is read
only for the pairs active since then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, distinct, func, select

from bot.clock import utc
from bot.domain import ScaleOption
from bot.insight.momentum_layers import LayerComparison, LayerNudge, compare_layers, layer_nudges
from bot.insight.privacy import count_shown
from bot.insight.release import Release
from bot.store.db import Database
from bot.store.models import (
    DigestSnapshot,
    Participant,
    Position,
    PositionEvent,
    ScaleOptionRow,
    Statement,
)
from bot.store.upsert import insert_for

ALL_LAYERS = "*"  # the snapshot's key for a statement's total over all layers
TREND_POINTS = 5  # participation trend: the last few digests and now


@dataclass(frozen=True, slots=True)
class AgreementMove:
    statement_key: str
    statement_text: str
    layer: str  # ALL_LAYERS for the statement's total
    before: float
    after: float


@dataclass(frozen=True, slots=True)
class CallToAction:
    statement_key: str
    statement_text: str
    answers: int


@dataclass(frozen=True, slots=True)
class Momentum:
    since: datetime | None  # the previous digest; None for the first
    new_positions: dict[str, int]  # layer -> positions first taken since then (k or more)
    people_changed: int  # people who changed a position since then (0 when under k)
    participation: dict[str, tuple[int, ...]]  # layer -> participants per digest, then now
    moved_most: AgreementMove | None
    fewest_answers: CallToAction | None
    comparisons: tuple[LayerComparison, ...]
    nudges: tuple[LayerNudge, ...]
    snapshot: dict[str, Any]  # what this digest shows, for the next one to compare with


async def compute_momentum(db: Database, campaign_id: str, *, now: datetime,
                           release: Release,
                           scale: tuple[ScaleOption, ...] | None = None) -> Momentum:
    """From the digest's own release; the scale defaults to the campaign's as stored."""
    scale = scale or await _stored_scale(db, campaign_id)
    k = release.k
    snapshot = snapshot_of(release, scale)
    earlier = await _snapshots(db, campaign_id, before=utc(now))
    since = earlier[-1][0] if earlier else None
    if since is None:
        new_positions = dict(release.positions_by_layer)
        people_changed = await _people_ever_changed(db, campaign_id)
    else:
        new_positions, people_changed = await _activity_since(db, campaign_id, since)
    return Momentum(
        since=since,
        new_positions={layer: n for layer, n in new_positions.items()
                       if count_shown(n, k) is not None},
        people_changed=count_shown(people_changed, k) or 0,
        participation=_participation(earlier, snapshot),
        moved_most=_moved_most(earlier[-1][1] if earlier else {}, snapshot, release),
        fewest_answers=_fewest_answers(release),
        comparisons=compare_layers(release, scale),
        nudges=layer_nudges(release),
        snapshot=snapshot)


def snapshot_of(release: Release, scale: tuple[ScaleOption, ...]) -> dict[str, Any]:
    """Only what a digest shows: agree shares of released cells and counts per layer."""
    agree: dict[str, dict[str, float]] = {}
    for visible in release.statements:
        if visible.total is None:
            continue
        shares = {layer: cell.agree_share(scale) for layer, cell in visible.cells.items()}
        if len(shares) > 1:  # one layer shown: its total is that layer, not "all layers"
            shares[ALL_LAYERS] = visible.total.agree_share(scale)
        agree[visible.statement.key] = shares
    return {"version": 1, "agree": agree,
            "participants": dict(release.participants_by_layer),
            "positions": dict(release.positions_by_layer)}


async def save_snapshot(db: Database, *, campaign_id: str, period: str,
                        snapshot: dict[str, Any], now: datetime) -> None:
    """Once per period: a resumed digest run keeps the first snapshot."""
    async with db.transaction() as session:
        await session.execute(insert_for(db.dialect, DigestSnapshot).values(
            campaign_id=campaign_id, period=period, created_at=utc(now), data=snapshot)
            .on_conflict_do_nothing())


async def _stored_scale(db: Database, campaign_id: str) -> tuple[ScaleOption, ...]:
    async with db.sessions() as session:
        rows = await session.execute(select(ScaleOptionRow.key, ScaleOptionRow.value)
                                     .where(ScaleOptionRow.campaign_id == campaign_id)
                                     .order_by(ScaleOptionRow.position))
        return tuple(ScaleOption(key=key, value=value) for key, value in rows)


async def _snapshots(db: Database, campaign_id: str,
                     before: datetime) -> list[tuple[datetime, dict[str, Any]]]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(DigestSnapshot.created_at, DigestSnapshot.data)
            .where(DigestSnapshot.campaign_id == campaign_id,
                   DigestSnapshot.created_at < before)
            .order_by(DigestSnapshot.created_at))
        return [(utc(created), data) for created, data in rows]


def _campaign_statements(campaign_id: str) -> Any:
    return select(Statement.id).where(Statement.campaign_id == campaign_id).scalar_subquery()


async def _people_ever_changed(db: Database, campaign_id: str) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(
            select(func.count(distinct(Position.participant_id)))
            .where(Position.statement_id.in_(_campaign_statements(campaign_id)),
                   Position.changes > 0)) or 0)


async def _activity_since(db: Database, campaign_id: str,
                          since: datetime) -> tuple[dict[str, int], int]:
    """New positions per layer and people who changed one, since `since`.

    Only statements with events since then are read, each event with the one before it
    for the same person, so "first answer" and "changed from the answer before" are
    decided in SQL with window functions; a few numbers per layer come back.
    """
    e = PositionEvent
    # Statements with events since then, found on the (statement, time) index: closed
    # statements take no answers, so the history read stays near the recent activity.
    active = select(e.statement_id).distinct().where(
        e.statement_id.in_(_campaign_statements(campaign_id)), e.recorded_at > since)
    # One window ordering (event time, as record_position decides), so one sort.
    pair, order = (e.statement_id, e.participant_id), (e.event_time, e.id)
    history = (
        select(e.participant_id.label("pid"), e.option_key, e.recorded_at,
               func.lag(e.option_key).over(partition_by=pair, order_by=order).label("previous"),
               func.row_number().over(partition_by=pair, order_by=order).label("nth"))
        .where(e.statement_id.in_(active))
        .subquery())
    h = history.c
    changed = and_(h.previous.is_not(None), h.option_key.is_not(None),
                   h.option_key != h.previous)
    async with db.sessions() as session:
        rows = (await session.execute(
            select(Participant.layer, func.count(case((h.nth == 1, 1))),
                   func.count(distinct(case((changed, h.pid)))))
            .select_from(history).join(Participant, Participant.id == h.pid)
            .where(h.recorded_at > since)  # after the window: earlier events give context
            .group_by(Participant.layer))).all()
    # A person has one layer, so distinct people per layer add up to distinct people.
    return {layer: n for layer, n, _ in rows if n}, sum(people for _, _, people in rows)


def _participation(earlier: list[tuple[datetime, dict[str, Any]]],
                   snapshot: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """Participants per layer at each of the last digests and now, oldest first."""
    points = [data.get("participants", {}) for _, data in earlier] + [snapshot["participants"]]
    points = points[-TREND_POINTS:]
    layers = sorted({layer for point in points for layer in point})
    return {layer: tuple(int(point.get(layer, 0)) for point in points) for layer in layers}


def _moved_most(before: dict[str, Any], now: dict[str, Any],
                release: Release) -> AgreementMove | None:
    """The largest change in agree share among cells shown in both digests."""
    texts = {v.statement.key: v.statement.text for v in release.statements}
    best: AgreementMove | None = None
    for key, cells in now["agree"].items():
        for layer, after in cells.items():
            earlier = before.get("agree", {}).get(key, {}).get(layer)
            if earlier is None or after == earlier:
                continue
            move = AgreementMove(key, texts.get(key, key), layer, float(earlier), after)
            if best is None or abs(move.after - move.before) > abs(best.after - best.before):
                best = move
    return best


def _fewest_answers(release: Release) -> CallToAction | None:
    open_ones = [v for v in release.statements if v.statement.state == "open"]
    quietest = min(open_ones, key=lambda v: v.answers, default=None)
    if quietest is None:
        return None
    return CallToAction(quietest.statement.key, quietest.statement.text, quietest.answers)


__all__ = ["ALL_LAYERS", "AgreementMove", "CallToAction", "LayerComparison",
           "LayerNudge", "Momentum", "compute_momentum", "save_snapshot", "snapshot_of"]
