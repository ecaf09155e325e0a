"""Aggregates per statement × layer, computed by the database with GROUP BY.

Only the grouped counts (statements × layers × options, a few hundred rows) reach Python;
means and shares are derived from those counts and the scale's values.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import ScaleOption
from bot.store.db import Database
from bot.store.models import Participant, Position, Statement, Theme


@dataclass(frozen=True, slots=True)
class Cell:
    """The answers of one layer on one statement."""

    layer: str
    counts: dict[str, int]  # option key -> respondents

    @property
    def respondents(self) -> int:
        return sum(self.counts.values())

    def agree(self, scale: tuple[ScaleOption, ...]) -> int:
        return sum(self.counts.get(o.key, 0) for o in scale if o.agrees)

    def agree_share(self, scale: tuple[ScaleOption, ...]) -> float:
        n = self.respondents
        return self.agree(scale) / n if n else 0.0

    def mean(self, scale: tuple[ScaleOption, ...]) -> float | None:
        """Mean on the scale's values; options without a value ("weet niet") are left out."""
        valued = [(o.value, self.counts.get(o.key, 0)) for o in scale if o.value is not None]
        n = sum(c for _, c in valued)
        return sum(v * c for v, c in valued) / n if n else None


@dataclass(frozen=True, slots=True)
class StatementAggregate:
    key: str
    text: str
    theme_key: str
    theme_title: str
    state: str
    cells: dict[str, Cell]  # layer -> cell

    @property
    def respondents(self) -> int:
        return sum(c.respondents for c in self.cells.values())

    def total(self) -> Cell:
        counts: dict[str, int] = defaultdict(int)
        for cell in self.cells.values():
            for option, n in cell.counts.items():
                counts[option] += n
        return Cell(layer="*", counts=dict(counts))


@dataclass(frozen=True, slots=True)
class CampaignAggregate:
    statements: tuple[StatementAggregate, ...]
    participants_by_layer: dict[str, int]
    positions_by_layer: dict[str, int]
    statements_asked: int  # opened or closed: those people could answer

    def response_rate(self, layer: str) -> float:
        """Positions given / (participants of the layer × statements asked)."""
        possible = self.participants_by_layer.get(layer, 0) * self.statements_asked
        return self.positions_by_layer.get(layer, 0) / possible if possible else 0.0


async def aggregate_campaign(db: Database, campaign_id: str, *,
                             session: AsyncSession | None = None) -> CampaignAggregate:
    """The campaign's counts now. With `session` the statements and their cells are read
    on it (the release step's transaction, which holds off writes: the counts are that
    moment's); the people per layer say nothing about answers and may be read beside it."""
    async def read(query: Select[*tuple[Any, ...]]) -> Sequence[Row[*tuple[Any, ...]]]:
        if session is None:
            return await _rows(db, query)
        return (await session.execute(query)).all()

    statements = await read(_statements(campaign_id))
    ids = [s.id for s in statements]
    tally = (select(Position.statement_id, Position.layer, Position.option_key,
                    func.count().label("n"))
             .where(Position.statement_id.in_(ids))
             .group_by(Position.statement_id, Position.layer, Position.option_key))
    if db.dialect == "sqlite":  # one connection: nothing to gain from overlapping
        grouped, people = await read(tally), await read(_participants_by_layer(ids))
    else:
        # Two connections, so the people count runs beside the GROUP BY, not after it.
        grouped, people = await asyncio.gather(read(tally),
                                               _rows(db, _participants_by_layer(ids)))
    counts: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    positions_by_layer: dict[str, int] = defaultdict(int)
    for statement_id, layer, option, n in grouped:
        counts[statement_id][layer][option] = n
        positions_by_layer[layer] += n
    return CampaignAggregate(
        statements=tuple(
            StatementAggregate(
                key=s.key, text=s.text, theme_key=s.theme_key, theme_title=s.theme_title,
                state=s.state,
                cells={layer: Cell(layer=layer, counts=dict(c))
                       for layer, c in counts[s.id].items()})
            for s in statements),
        participants_by_layer={layer: n for layer, n in people},
        positions_by_layer=dict(positions_by_layer),
        statements_asked=len(statements),
    )


async def aggregate_statement(session: AsyncSession, campaign_id: str, key: str, *,
                              state: str) -> StatementAggregate:
    """One statement's cells (for its live tally), read on the given session."""
    rows = await session.execute(
        select(Position.layer, Position.option_key, func.count())
        .join(Statement, Statement.id == Position.statement_id)
        .where(Statement.campaign_id == campaign_id, Statement.key == key)
        .group_by(Position.layer, Position.option_key))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for layer, option, n in rows:
        counts[layer][option] = n
    return StatementAggregate(
        key=key, text="", theme_key="", theme_title="", state=state,
        cells={layer: Cell(layer=layer, counts=c) for layer, c in counts.items()})


def _statements(campaign_id: str) -> Select[*tuple[Any, ...]]:
    """The statements people could answer (opened or closed), in catalogue order."""
    return (select(Statement.id, Statement.key, Statement.text, Statement.state,
                   Theme.key.label("theme_key"), Theme.title.label("theme_title"))
            .join(Theme, Theme.id == Statement.theme_id)
            .where(Statement.campaign_id == campaign_id,
                   Statement.state.in_(("open", "closed")))
            .order_by(Theme.position, Statement.position))


async def _rows(db: Database, query: Select[*tuple[Any, ...]]) -> Sequence[Row[*tuple[Any, ...]]]:
    async with db.sessions() as session:
        return (await session.execute(query)).all()


def _participants_by_layer(statement_ids: list[int]) -> Select[str, int]:
    """People with a position on any of the statements, per layer.

    COUNT(DISTINCT participant_id) over the positions would sort or hash every position
    (a million rows: about a second on either database); this probes the primary key
    (statement_id, participant_id) once or a few times per participant instead. It is a
    scalar subquery with LIMIT 1 rather than EXISTS because PostgreSQL turns an EXISTS
    into a hash semi-join over all positions, which is slower. A participant's layer is
    the same on all their positions (apply_layer moves them together), so the layer is
    read from the participant.
    """
    answered = (select(literal(1))
                .where(Position.participant_id == Participant.id,
                       Position.statement_id.in_(statement_ids))
                .limit(1).correlate(Participant).scalar_subquery())
    return (select(Participant.layer, func.count())
            .where(answered.is_not(None))
            .group_by(Participant.layer))
