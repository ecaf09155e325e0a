"""Record positions: one current position per participant per statement.

The latest event time wins and a redelivered request (same delivery id) changes nothing, also
when two processes receive it at once: both rules live in database constraints. Votes are
applied in batches with set-based SQL (a handful of statements per batch, not per vote), so
concurrent clicks share one transaction; see bot.positions.writer for the group commit.

The functions take a synchronous Connection: on SQLite the whole batch runs in one thread hop
(a dedicated connection in a worker thread), on PostgreSQL through AsyncSession.run_sync.
Per-statement hops to aiosqlite's thread were the ingest bottleneck (each waits for the GIL
while the event loop is busy parsing requests).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, update

from bot.domain import (
    UNKNOWN_LAYER,
    Identity,
    LayerSource,
    Outcome,
    PositionResult,
    RefusalReason,
    StatementState,
)
from bot.positions.sql import position_sql
from bot.store.models import Participant, Position


@dataclass(frozen=True, slots=True)
class Vote:
    who: Identity
    statement_key: str
    option_key: str | None  # None withdraws the position (a retracted poll vote)
    event_time: float  # seconds since the epoch, from the platform where it has one
    delivery_id: str  # unique per platform delivery; a retry carries the same id
    channel_id: str | None = None  # where it was cast, for the channel's default layer


@dataclass(slots=True)
class _Current:
    option: str | None  # None: no position (never given, or withdrawn)
    event_time: float
    changes: int = 0
    dirty: bool = False


ChannelDefaults = Mapping[tuple[str, str], str]  # (platform, channel id) -> layer


def apply_votes(session: Connection, dialect: str, *, campaign_id: str,
                votes: Sequence[Vote], option_keys: frozenset[str],
                channel_defaults: ChannelDefaults, now: datetime) -> list[PositionResult]:
    """Apply `votes` in order inside the caller's transaction; one result per vote."""
    results: list[PositionResult | None] = [None] * len(votes)
    statements = _statements(session, dialect, campaign_id, {v.statement_key for v in votes})
    accepted: list[int] = []
    seen_deliveries: set[str] = set()
    for i, vote in enumerate(votes):
        statement = statements.get(vote.statement_key)
        reason = (RefusalReason.UNKNOWN_OPTION
                  if vote.option_key is not None and vote.option_key not in option_keys
                  else RefusalReason.UNKNOWN_STATEMENT if statement is None
                  else RefusalReason.NOT_OPEN if statement.state != StatementState.OPEN
                  else None)
        if reason is not None:
            results[i] = PositionResult(Outcome.REFUSED, vote.statement_key, vote.option_key,
                                        reason=reason)
        elif vote.delivery_id in seen_deliveries:
            results[i] = PositionResult(Outcome.DUPLICATE, vote.statement_key, vote.option_key)
        else:
            seen_deliveries.add(vote.delivery_id)
            accepted.append(i)
    if not accepted:
        return [r for r in results if r is not None]
    people, current = _participants(
        session, dialect, [votes[i] for i in accepted], channel_defaults, now,
        statement_ids=[statements[votes[i].statement_key].id for i in accepted])
    fresh = _insert_events(session, dialect, [votes[i] for i in accepted], statements,
                           people, now)
    for i in accepted:
        vote = votes[i]
        statement = statements[vote.statement_key]
        participant_id, layer = people[vote.who]
        if vote.delivery_id not in fresh:
            results[i] = _result(Outcome.DUPLICATE, vote, vote.option_key, layer, statement)
            continue
        pair = (statement.id, participant_id)
        state = current.setdefault(pair, _Current(option=None, event_time=float("-inf")))
        results[i] = _result(_apply(state, vote), vote, state.option, layer, statement)
    _write(session, dialect, current, {pid: layer for pid, layer in people.values()}, now)
    return [r for r in results if r is not None]


def _apply(state: _Current, vote: Vote) -> Outcome:
    """Advance one pair's state by one vote; last event time wins."""
    if state.event_time >= vote.event_time:
        return Outcome.UNCHANGED
    before = state.option
    state.event_time, state.option, state.dirty = vote.event_time, vote.option_key, True
    if vote.option_key is None:
        return Outcome.WITHDRAWN
    if before is None:
        return Outcome.RECORDED
    if before == vote.option_key:
        return Outcome.UNCHANGED
    state.changes += 1
    return Outcome.CHANGED


def _result(outcome: Outcome, vote: Vote, option: str | None, layer: str,
            statement: _StatementRow) -> PositionResult:
    return PositionResult(outcome, vote.statement_key, option, layer=layer,
                          needs_layer=layer == UNKNOWN_LAYER, statement_text=statement.text)


@dataclass(frozen=True, slots=True)
class _StatementRow:
    id: int
    state: str
    text_version: int
    text: str


def _statements(session: Connection, dialect: str, campaign_id: str,
                keys: set[str]) -> dict[str, _StatementRow]:
    rows = session.execute(position_sql(dialect).statements,
                           {"campaign_id": campaign_id, "keys": list(keys)})
    return {r.key: _StatementRow(r.id, r.state, r.text_version, r.text) for r in rows}


def _participants(
    session: Connection, dialect: str, votes: list[Vote], channel_defaults: ChannelDefaults,
    now: datetime, *, statement_ids: list[int],
) -> tuple[dict[Identity, tuple[int, str]], dict[tuple[int, int], _Current]]:
    """(id, layer) per identity, and their current positions on the batch's statements, in
    one query (every statement costs a round trip to SQLite's thread). New people are
    created, with the channel's default layer."""
    wanted = {v.who: channel_defaults.get((v.who.platform, v.channel_id or "")) for v in votes}
    sql = position_sql(dialect)
    found: dict[Identity, tuple[int, str]] = {}
    current: dict[tuple[int, int], _Current] = {}

    def take(rows: Iterable[Any]) -> None:
        for row in rows:
            who = Identity(row.platform, row.workspace, row.user_id)
            if who not in wanted:
                continue  # matched per column, not as a tuple: a neighbour's combination
            found[who] = (row.id, row.layer)
            if row.statement_id is not None:
                current[(row.statement_id, row.id)] = _Current(row.option_key, row.event_time)

    take(session.execute(sql.people, _identities(wanted, statement_ids)))
    missing = [w for w in wanted if w not in found]
    if missing:
        take(session.execute(sql.insert_people, [
            {"platform": w.platform, "workspace": w.workspace, "user_id": w.user_id,
             "layer": wanted[w] or UNKNOWN_LAYER,
             "layer_source": LayerSource.CHANNEL if wanted[w] else LayerSource.UNKNOWN,
             "reminders_opt_out": False, "first_seen_at": now} for w in missing]))
        if any(w not in found for w in missing):  # created meanwhile by another process
            take(session.execute(sql.people, _identities(
                [w for w in missing if w not in found], statement_ids)))
    people: dict[Identity, tuple[int, str]] = {}
    for who, default in wanted.items():
        participant_id, layer = found[who]
        if layer == UNKNOWN_LAYER and default:
            # Someone known before, voting for the first time in a channel with a default.
            session.execute(update(Participant).where(
                Participant.id == participant_id,
                Participant.layer_source == LayerSource.UNKNOWN)
                .values(layer=default, layer_source=LayerSource.CHANNEL))
            session.execute(update(Position)
                                  .where(Position.participant_id == participant_id)
                                  .values(layer=default))
            layer = default
        people[who] = (participant_id, layer)
    return people, current


def _identities(people: Iterable[Identity], statement_ids: Iterable[int]) -> dict[str, Any]:
    """Parameters of the `people` query: the identities as three aligned lists."""
    people = list(people)
    return {"statement_ids": list(set(statement_ids)),
            "platforms": [p.platform for p in people],
            "workspaces": [p.workspace for p in people],
            "user_ids": [p.user_id for p in people]}


def _insert_events(session: Connection, dialect: str, votes: list[Vote],
                   statements: Mapping[str, _StatementRow],
                   people: Mapping[Identity, tuple[int, str]], now: datetime) -> set[str]:
    """Insert one event per delivery; returns the delivery ids that were new."""
    inserted = session.execute(
        position_sql(dialect).insert_events,
        [{"delivery_id": v.delivery_id, "statement_id": statements[v.statement_key].id,
          "participant_id": people[v.who][0], "option_key": v.option_key,
          "text_version": statements[v.statement_key].text_version,
          "event_time": v.event_time, "recorded_at": now} for v in votes])
    return set(inserted.scalars())


def _write(session: Connection, dialect: str, current: dict[tuple[int, int], _Current],
           layers: Mapping[int, str], now: datetime) -> None:
    changed = [(pair, s) for pair, s in current.items() if s.dirty]
    upserts = [(pair, s) for pair, s in changed if s.option is not None]
    withdrawals = [(pair, s) for pair, s in changed if s.option is None]
    if upserts:
        session.execute(
            position_sql(dialect).upsert_positions,
            [{"statement_id": sid, "participant_id": pid, "layer": layers[pid],
              "option_key": s.option, "event_time": s.event_time, "changes": s.changes,
              "updated_at": now} for (sid, pid), s in upserts])
    if withdrawals:
        session.execute(delete(Position).where(or_(*(
            and_(Position.statement_id == sid, Position.participant_id == pid,
                 Position.event_time < s.event_time) for (sid, pid), s in withdrawals))))

