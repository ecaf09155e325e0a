"""The release step: the one place every published number goes through.

Digest, momentum, chart, export and the live tally all take their figures from a
`Release` (or, for one statement's tally, a `VisibleStatement`) built here. For each cell
it reads the versions published so far (table `released_cells`), adds a new version when
the rules in `bot.insight.privacy` allow it, and hands out the latest version, so every
output shows the same figures for a cell and they change only in steps that cannot be
pinned on fewer than k people.

Besides the net counts, a release is judged on the people behind the change: each one's
answer as of the cell's last release is kept (table `released_answers`, written by
database triggers on the first change after a release, see `bot.insight.release_people`),
so joins, leaves and changes of mind are counted per person, not netted out.

The release runs under a lock that holds off writes to positions and other releases
(both databases) and reads the counts itself after taking it, so counts, per-person rows
and versions are of one moment; versions are numbered per cell under a unique constraint
as well.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc
from bot.domain import ScaleOption
from bot.insight.aggregation import (
    CampaignAggregate,
    StatementAggregate,
    aggregate_campaign,
    aggregate_statement,
)
from bot.insight.privacy import (
    Counts,
    VisibleStatement,
    answer_classes,
    apply_threshold,
    people_releasable,
    releasable,
    until_closed,
)
from bot.insight.release_people import (
    drop_departed,
    hold_writes,
    tracked,
    transitions,
)
from bot.store.db import Database
from bot.store.models import ReleasedCell, Statement

History = dict[tuple[int, str], list[dict[str, int]]]  # (statement id, layer) -> versions


@dataclass(frozen=True, slots=True)
class Release:
    """A campaign as it may be published: per statement what may be shown, and who took
    part (counts of people and positions per layer, which say nothing about answers)."""

    statements: tuple[VisibleStatement, ...]
    participants_by_layer: dict[str, int]
    positions_by_layer: dict[str, int]
    statements_asked: int
    k: int

    def response_rate(self, layer: str) -> float:
        """Positions given / (participants of the layer × statements asked)."""
        possible = self.participants_by_layer.get(layer, 0) * self.statements_asked
        return self.positions_by_layer.get(layer, 0) / possible if possible else 0.0


async def release_campaign(db: Database, *, campaign_id: str, scale: Sequence[ScaleOption],
                           k: int, now: datetime, open_figures: bool = True) -> Release:
    """The campaign's counts, read under the release lock, through the release step."""
    async with release_lock(db) as session:
        aggregate = await aggregate_campaign(db, campaign_id, session=session)
        return await release_aggregate(session, db.dialect, aggregate,
                                       campaign_id=campaign_id, scale=scale, k=k, now=now,
                                       open_figures=open_figures)


@asynccontextmanager
async def release_lock(db: Database) -> AsyncIterator[AsyncSession]:
    """A transaction that holds off every write to positions and every other release."""
    async with db.transaction() as session:
        await hold_writes(session, db.dialect)
        yield session


async def release_aggregate(session: AsyncSession, dialect: str, aggregate: CampaignAggregate,
                            *, campaign_id: str, scale: Sequence[ScaleOption], k: int,
                            now: datetime, open_figures: bool = True) -> Release:
    """The release of counts read in `session` under `release_lock`.

    `open_figures` False (campaign.results after_vote or after_close): a statement not
    closed yet shows how many answered only, and gets no release version until it closes
    (a version nobody saw would only hold back the figures shown at the close)."""
    def held(s: StatementAggregate) -> bool:
        return not open_figures and s.state != "closed"

    latest = await _release(session, dialect, campaign_id,
                            [s for s in aggregate.statements if not held(s)],
                            scale=scale, k=k, now=now)
    return Release(
        statements=tuple(until_closed(s, k) if held(s) else
                         apply_threshold(s, k, scale=scale, released=latest.get(s.key, {}))
                         for s in aggregate.statements),
        participants_by_layer=dict(aggregate.participants_by_layer),
        positions_by_layer=dict(aggregate.positions_by_layer),
        statements_asked=aggregate.statements_asked, k=k)


async def release_statement(db: Database, *, campaign_id: str, key: str, state: str,
                            scale: Sequence[ScaleOption], k: int,
                            now: datetime) -> VisibleStatement:
    """One statement (the live tally), read under the lock, through the same versions as
    the digest."""
    async with release_lock(db) as session:
        statement = await aggregate_statement(session, campaign_id, key, state=state)
        latest = await _release(session, db.dialect, campaign_id, (statement,), scale=scale,
                                k=k, now=now)
    return apply_threshold(statement, k, scale=scale, released=latest.get(key, {}))


async def _release(session: AsyncSession, dialect: str, campaign_id: str,
                   statements: Sequence[StatementAggregate], *,
                   scale: Sequence[ScaleOption], k: int,
                   now: datetime) -> dict[str, dict[str, Counts]]:
    """Statement key -> layer -> the counts to publish (latest version, new ones added).

    Runs in the caller's transaction, which holds off every write to `positions` (and
    every other release) and read the statements' counts after taking that lock: the
    counts, the per-person changes read here, the versions written and the released
    answers removed are all of one moment.
    """
    if not statements:
        return {}
    ids, history, untracked = await _released(session, campaign_id,
                                              [s.key for s in statements])
    cells = {(ids[s.key], layer): {o: n for o, n in cell.counts.items() if n}
             for s in statements if s.key in ids for layer, cell in s.cells.items()}
    classes = answer_classes(scale)
    # Only a cell whose counts differ from its latest version and pass the rules on net
    # counts can get a new version; only those need their per-person changes read.
    candidates = {cell: current for cell, current in cells.items()
                  if history.get(cell, [None])[-1] != current
                  and releasable(current, history.get(cell, []), classes, k)}
    moved = await transitions(session, dialect, {
        cell: len(history[cell]) for cell in candidates if history.get(cell)})
    new_rows: list[dict[str, Any]] = []
    for cell, current in candidates.items():
        versions = history.get(cell, [])
        # The stored changes must add up to the counts (they always should: the triggers
        # write them with every change); if not, the cell keeps its figures. A version
        # from before migration 0008 had its changes since not kept per person: judged
        # on net counts alone, once.
        if versions and cell not in untracked and (
                tracked(versions[-1], moved.get(cell, {})) != current
                or not people_releasable(moved.get(cell, {}), classes, k)):
            continue
        new_rows.append({"statement_id": cell[0], "layer": cell[1],
                         "version": len(versions) + 1, "counts": current,
                         "released_at": utc(now)})
    if new_rows:
        # On the table, not the ORM class, which would add its bulk-persistence pass. No
        # conflict is possible: releases take turns on the lock (the unique constraint on
        # the version stays as the guard).
        await session.execute(insert(cast(Table, ReleasedCell.__table__)), new_rows)
        for row in new_rows:
            history.setdefault((row["statement_id"], row["layer"]), []).append(row["counts"])
        await drop_departed(session, [(row["statement_id"], row["layer"]) for row in new_rows
                                      if (row["statement_id"], row["layer"]) in moved])
    keys = {id_: key for key, id_ in ids.items()}
    latest: dict[str, dict[str, Counts]] = defaultdict(dict)
    for (statement_id, layer), versions in history.items():
        latest[keys[statement_id]][layer] = versions[-1]
    return latest


async def _released(session: AsyncSession, campaign_id: str, keys: Sequence[str]
                    ) -> tuple[dict[str, int], History, set[tuple[int, str]]]:
    """The statements' ids, every released version of their cells (oldest first) and the
    cells whose latest version is from before migration 0008 (not followed per person):
    one read, statements joined to their versions."""
    ids: dict[str, int] = {}
    history: History = {}
    untracked: set[tuple[int, str]] = set()
    rows = await session.execute(
        select(Statement.key, Statement.id, ReleasedCell.layer, ReleasedCell.counts,
               ReleasedCell.tracked)
        .outerjoin(ReleasedCell, ReleasedCell.statement_id == Statement.id)
        .where(Statement.campaign_id == campaign_id, Statement.key.in_(keys))
        .order_by(Statement.id, ReleasedCell.layer, ReleasedCell.version))
    for key, statement_id, layer, counts, is_tracked in rows:
        ids[key] = statement_id
        if layer is None:
            continue  # no version yet
        cell = (statement_id, layer)
        history.setdefault(cell, []).append(dict(counts))
        if is_tracked:  # rows come oldest first: the last one decides
            untracked.discard(cell)
        else:
            untracked.add(cell)
    return ids, history, untracked


def single_release(aggregate: CampaignAggregate, *, scale: Sequence[ScaleOption],
                   k: int) -> Release:
    """The campaign as one output on its own would show it, with no earlier releases and
    nothing stored: for previews in tests and benchmarks, never for what is posted."""
    return Release(
        statements=tuple(apply_threshold(s, k, scale=scale) for s in aggregate.statements),
        participants_by_layer=dict(aggregate.participants_by_layer),
        positions_by_layer=dict(aggregate.positions_by_layer),
        statements_asked=aggregate.statements_asked, k=k)
