"""Applying a checked roster in a handful of set-based statements, in one transaction.

The entries go into a temporary table in chunks; then one UPDATE sets the layer where the
roster may (a person's own choice ranks above it and is kept), one UPDATE moves the positions
of those whose layer changed, and one INSERT adds the people positie has not seen yet.
Counts come from those statements, so a rerun of the same file reports it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, MetaData, String, Table, bindparam, insert, text
from sqlalchemy.util import await_only

from bot.domain import LayerSource
from bot.people.roster_file import RosterEntry
from bot.store.db import Database
from bot.store.models import Participant

CHUNK = 5_000  # rows per INSERT into the staging table (well within SQLite's 32,766 variables)
# The sources a roster may replace, and the ones ranking above it (kept).
REPLACEABLE = tuple(s.value for s in LayerSource if s.rank <= LayerSource.ROSTER.rank)
ABOVE = tuple(s.value for s in LayerSource if s.rank > LayerSource.ROSTER.rank)

Progress = Callable[[int, int], None]  # (done, total)

_stage = Table("roster_stage", MetaData(),
               Column("platform", String(16), nullable=False),
               Column("workspace", String(64), nullable=False),
               Column("user_id", String(64), nullable=False),
               Column("layer", String(64), nullable=False),
               prefixes=["TEMPORARY"])


@dataclass(frozen=True, slots=True)
class RosterReport:
    people: int  # distinct people in the roster
    new: int  # not seen before: added with the roster's layer
    updated: int  # known people whose layer (or its source) the roster set
    unchanged: int  # already had this layer from the roster
    kept_declared: int  # chose their own layer, which the roster never overrides
    positions_moved: int  # positions that now count for the person's new layer

    @property
    def applied(self) -> int:
        return self.new + self.updated

    def summary(self) -> str:
        if not self.applied:
            return (f"{self.people} person(s) in the roster: unchanged ({self.unchanged} "
                    f"already so, {self.kept_declared} kept because the person chose their "
                    "own layer)")
        return (f"{self.people} person(s) in the roster: {self.applied} layer(s) set "
                f"({self.new} new, {self.updated} changed), {self.unchanged} unchanged, "
                f"{self.kept_declared} kept because the person chose their own layer; "
                f"{self.positions_moved} position(s) moved to the new layer")


def _same_person(alias: str) -> str:
    return " AND ".join(f"{alias}.{c} = s.{c}" for c in ("platform", "workspace", "user_id"))


def _listed(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # enum values, not input


_KEPT = text(f"SELECT count(*) FROM roster_stage s JOIN participants p ON {_same_person('p')} "
             f"WHERE p.layer_source IN ({_listed(ABOVE)})")
# After the layers are set: positions of the roster's people that do not count for their
# layer yet (their old layer: positions follow their participant's layer everywhere else).
_MOVE_POSITIONS = text(
    f"UPDATE positions SET layer = p.layer FROM participants p JOIN roster_stage s ON "
    f"{_same_person('p')} WHERE positions.participant_id = p.id "
    f"AND p.layer_source = '{LayerSource.ROSTER.value}' AND positions.layer <> p.layer")
_SET_LAYERS = text(
    f"UPDATE participants SET layer = s.layer, layer_source = '{LayerSource.ROSTER.value}' "
    f"FROM roster_stage s WHERE {_same_person('participants')} "
    f"AND participants.layer_source IN ({_listed(REPLACEABLE)}) "
    f"AND NOT (participants.layer_source = '{LayerSource.ROSTER.value}' "
    "AND participants.layer = s.layer)")
_ADD_NEW = text(
    "INSERT INTO participants (platform, workspace, user_id, layer, layer_source, "
    "reminders_opt_out, first_seen_at) "
    f"SELECT s.platform, s.workspace, s.user_id, s.layer, '{LayerSource.ROSTER.value}', "
    f":opt_out, :now FROM roster_stage s WHERE NOT EXISTS (SELECT 1 FROM participants p "
    f"WHERE {_same_person('p')}) "
    "ON CONFLICT (platform, workspace, user_id) DO NOTHING"
).bindparams(bindparam("now", type_=Participant.__table__.c.first_seen_at.type),
             bindparam("opt_out", type_=Participant.__table__.c.reminders_opt_out.type))


async def import_roster(db: Database, entries: Sequence[RosterEntry], *, now: datetime,
                        progress: Progress | None = None) -> RosterReport:
    """`entries`: one per person (as read_roster and the e-mail lookups give them)."""

    def work(connection: Connection) -> RosterReport:
        connection.execute(text("DROP TABLE IF EXISTS roster_stage"))
        _stage.create(connection)
        # Progress: loading the rows is the first half of the work, the statements the rest.
        rows = len(entries)

        def advance(done: int) -> None:
            if progress is not None:
                progress(done, 2 * rows)

        for start in range(0, rows, CHUNK):
            _load(connection, entries[start:start + CHUNK])
            advance(min(start + CHUNK, rows))
        if connection.dialect.name == "postgresql":
            # Temporary tables get no statistics by themselves; without them the planner
            # guesses a few rows and joins 100,000 by nested loops.
            connection.execute(text("ANALYZE roster_stage"))
        # Participants first, then their positions: the order set_layer takes its locks in
        # (so a person choosing a layer meanwhile cannot deadlock with the import on
        # PostgreSQL), and on SQLite the first statement is a write, which holds the write
        # lock for the rest of the unit.
        updated = rowcount(connection.execute(_SET_LAYERS))
        advance(rows + rows // 2)
        kept = int(connection.execute(_KEPT).scalar_one())
        positions = rowcount(connection.execute(_MOVE_POSITIONS))
        advance(rows + rows * 3 // 4)
        new = rowcount(connection.execute(_ADD_NEW, {"now": now, "opt_out": False}))
        connection.execute(text("DROP TABLE roster_stage"))
        advance(2 * rows)
        return RosterReport(people=rows, new=new, updated=updated,
                            unchanged=rows - new - updated - kept, kept_declared=kept,
                            positions_moved=positions)

    return await db.run_unit(work)


def _load(connection: Connection, entries: Sequence[RosterEntry]) -> None:
    rows = [(e.who.platform, e.who.workspace, e.who.user_id, e.layer) for e in entries]
    if connection.dialect.name == "postgresql":
        # COPY rather than executemany's INSERT per row (1.7 s for 100,000 rows).
        driver: Any = connection.connection.driver_connection  # asyncpg.Connection
        await_only(driver.copy_records_to_table(_stage.name, records=rows,
                                                columns=[c.name for c in _stage.columns]))
        return
    connection.execute(insert(_stage), [dict(zip(_COLUMNS, row, strict=True)) for row in rows])


_COLUMNS = tuple(c.name for c in _stage.columns)


def rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
