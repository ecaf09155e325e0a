"""The release step: the one place every published number goes through.

Digest, momentum, chart, export and the live tally all take their figures from a
`Release` (or, for one statement's tally, a `VisibleStatement`) built here. For each cell
it reads the versions published so far (table `released_cells`), adds a new version when
the rules in `bot.insight.privacy` allow it, and hands out the latest version, so every
output shows the same figures for a cell and they change only in steps that cannot be
pinned on fewer than k people.

Versions are numbered per cell under a unique constraint: when two processes release the
same cell at once, one insert wins, the other does nothing and both publish the winner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc
from bot.domain import ScaleOption
from bot.insight.aggregation import CampaignAggregate, StatementAggregate
from bot.insight.privacy import (
    Counts,
    VisibleStatement,
    answer_classes,
    apply_threshold,
    releasable,
    until_closed,
)
from bot.store.db import Database
from bot.store.models import ReleasedCell, Statement
from bot.store.upsert import insert_for

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


async def release_campaign(db: Database, aggregate: CampaignAggregate, *, campaign_id: str,
                           scale: Sequence[ScaleOption], k: int, now: datetime,
                           open_figures: bool = True) -> Release:
    """`open_figures` False (campaign.results after_vote or after_close): a statement not
    closed yet shows how many answered only, and gets no release version until it closes
    (a version nobody saw would only hold back the figures shown at the close)."""
    def held(s: StatementAggregate) -> bool:
        return not open_figures and s.state != "closed"

    shown = [s for s in aggregate.statements if not held(s)]
    latest = await _release(db, campaign_id, shown, scale=scale, k=k, now=now)
    return Release(
        statements=tuple(until_closed(s, k) if held(s) else
                         apply_threshold(s, k, scale=scale, released=latest.get(s.key, {}))
                         for s in aggregate.statements),
        participants_by_layer=dict(aggregate.participants_by_layer),
        positions_by_layer=dict(aggregate.positions_by_layer),
        statements_asked=aggregate.statements_asked, k=k)


async def release_statement(db: Database, statement: StatementAggregate, *, campaign_id: str,
                            scale: Sequence[ScaleOption], k: int,
                            now: datetime) -> VisibleStatement:
    """One statement (the live tally), through the same versions as the digest."""
    latest = await _release(db, campaign_id, (statement,), scale=scale, k=k, now=now)
    return apply_threshold(statement, k, scale=scale, released=latest.get(statement.key, {}))


async def _release(db: Database, campaign_id: str, statements: Sequence[StatementAggregate], *,
                   scale: Sequence[ScaleOption], k: int,
                   now: datetime) -> dict[str, dict[str, Counts]]:
    """Statement key -> layer -> the counts to publish (latest version, new ones added)."""
    if not statements:
        return {}
    async with db.sessions() as session:
        ids: dict[str, int] = {key: id_ for key, id_ in (await session.execute(
            select(Statement.key, Statement.id).where(
                Statement.campaign_id == campaign_id,
                Statement.key.in_([s.key for s in statements])))).all()}
        history = await _history(session, ids.values())
    classes = answer_classes(scale)
    new_rows: list[dict[str, Any]] = []
    for statement in statements:
        statement_id = ids.get(statement.key)
        if statement_id is None:
            continue
        for layer, cell in statement.cells.items():
            versions = history.get((statement_id, layer), [])
            current = {option: n for option, n in cell.counts.items() if n}
            if versions and versions[-1] == current:
                continue
            if releasable(current, versions, classes, k):
                new_rows.append({"statement_id": statement_id, "layer": layer,
                                 "version": len(versions) + 1, "counts": current,
                                 "released_at": utc(now)})
    if new_rows:
        async with db.transaction() as session:
            # One statement for any number of rows, so it is compiled once per process.
            won = {(statement_id, layer) for statement_id, layer in await session.execute(
                insert_for(db.dialect, ReleasedCell).on_conflict_do_nothing()
                .returning(ReleasedCell.statement_id, ReleasedCell.layer), new_rows)}
            for row in new_rows:
                if (row["statement_id"], row["layer"]) in won:
                    history.setdefault((row["statement_id"], row["layer"]), []).append(
                        row["counts"])
            lost = {row["statement_id"] for row in new_rows
                    if (row["statement_id"], row["layer"]) not in won}
            if lost:  # another process won those versions: read what stands now
                history = await _history(session, lost, into=history)
    keys = {id_: key for key, id_ in ids.items()}
    latest: dict[str, dict[str, Counts]] = defaultdict(dict)
    for (statement_id, layer), versions in history.items():
        latest[keys[statement_id]][layer] = versions[-1]
    return latest


async def _history(session: AsyncSession, statement_ids: Iterable[int], *,
                   into: History | None = None) -> History:
    """Every released version of the statements' cells, oldest first."""
    ids = list(statement_ids)
    history: History = {} if into is None else {
        cell: versions for cell, versions in into.items() if cell[0] not in ids}
    if not ids:
        return history
    rows = await session.execute(
        select(ReleasedCell.statement_id, ReleasedCell.layer, ReleasedCell.counts)
        .where(ReleasedCell.statement_id.in_(ids))
        .order_by(ReleasedCell.statement_id, ReleasedCell.layer, ReleasedCell.version))
    for statement_id, layer, counts in rows:
        history.setdefault((statement_id, layer), []).append(dict(counts))
    return history


def single_release(aggregate: CampaignAggregate, *, scale: Sequence[ScaleOption],
                   k: int) -> Release:
    """The campaign as one output on its own would show it, with no earlier releases and
    nothing stored: for previews in tests and benchmarks, never for what is posted."""
    return Release(
        statements=tuple(apply_threshold(s, k, scale=scale) for s in aggregate.statements),
        participants_by_layer=dict(aggregate.participants_by_layer),
        positions_by_layer=dict(aggregate.positions_by_layer),
        statements_asked=aggregate.statements_asked, k=k)
