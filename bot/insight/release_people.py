"""Per-person changes since a cell's last release, for the release step.

`released_answers` (migration 0008) holds, for each person whose answer in a released cell
changed since its latest release, their answer then and now (NULL: not in the cell).
Database triggers on `positions` write it, so every write path (an answer, a withdrawal, a
move to another layer, `forget`, `purge`) is covered. Grouped in SQL it gives each cell's
transitions (answer then, answer now) -> people: a few rows per cell reach Python, however
many people changed. A release writes nothing here: it makes the cell's rows stale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import cast

from sqlalchemy import Table, TextClause, bindparam, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.insight.privacy import Counts, Transition
from bot.store.models import ReleasedAnswer

CellKey = tuple[int, str]  # (statement id, layer)
CELLS_PER_QUERY = 300  # three parameters each: well under SQLite's limit


async def hold_writes(session: AsyncSession, dialect: str) -> None:
    """Hold off writes to positions (and other releases) until the transaction ends.

    PostgreSQL: SHARE ROW EXCLUSIVE conflicts with the row locks every INSERT, UPDATE and
    DELETE takes, and with itself; reads go on. SQLite: a write as the first statement
    takes the database's one write lock (its readers go on too, in WAL mode).
    """
    if dialect == "postgresql":
        await session.execute(text("LOCK TABLE positions IN SHARE ROW EXCLUSIVE MODE"))
    else:
        await session.execute(delete(ReleasedAnswer).where(ReleasedAnswer.id < 0))


async def transitions(session: AsyncSession, dialect: str,
                      latest: Mapping[CellKey, int]) -> dict[CellKey, dict[Transition, int]]:
    """Cell -> (answer at its latest release, answer now) -> people who changed since.

    `latest` is each released cell's latest version; rows of earlier versions are stale
    and left out. One small grouped SELECT per cell, UNION ALL'd, each reading its range
    of the index (statement_id, layer, version, option_key, current_option) in order: no
    sort, no join.
    """
    cells = list(latest.items())
    out: dict[CellKey, dict[Transition, int]] = {}
    if cells and dialect == "postgresql":
        # One query: the cells as arrays, joined to the index (PostgreSQL plans a long
        # UNION ALL slowly, and would plan it again for every number of cells).
        rows = await session.execute(text(_CHANGES_BY_ARRAYS), {
            "s": [c[0][0] for c in cells], "l": [c[0][1] for c in cells],
            "v": [c[1] for c in cells]})
        for statement_id, layer, then, current, people in rows:
            out.setdefault((statement_id, layer), {})[(then, current)] = people
        return out
    for start in range(0, len(cells), CELLS_PER_QUERY):
        chunk = cells[start:start + CELLS_PER_QUERY]
        params: dict[str, object] = {}
        for n, ((statement_id, layer), version) in enumerate(chunk):
            params.update({f"s{n}": statement_id, f"l{n}": layer, f"v{n}": version})
        for statement_id, layer, then, current, people in await session.execute(
                _union_of(len(chunk)), params):
            out.setdefault((statement_id, layer), {})[(then, current)] = people
    return out


# Per cell, a grouped read of its index range (already in (option_key, current_option)
# order: no sort), the cells given as arrays.
_CHANGES_BY_ARRAYS = (
    "SELECT c.statement_id, c.layer, g.option_key, g.current_option, g.n"
    " FROM unnest(CAST(:s AS integer[]), CAST(:l AS varchar[]), CAST(:v AS integer[]))"
    " AS c(statement_id, layer, version)"
    " CROSS JOIN LATERAL (SELECT b.option_key, b.current_option, count(*) AS n"
    " FROM released_answers b WHERE b.statement_id = c.statement_id"
    " AND b.layer = c.layer AND b.version = c.version"
    " GROUP BY b.option_key, b.current_option) AS g")


@lru_cache(maxsize=8)
def _union_of(cells: int) -> TextClause:
    """Plain SQL, built once per number of cells: building and compiling hundreds of SELECT
    constructs each digest would cost more than running them (and so would parsing the
    text's parameters again)."""
    return text(" UNION ALL ".join(_CELL_CHANGES.format(n=n) for n in range(cells)))


# The cell's key comes back as given, so SQLite groups on the two answers alone.
_CELL_CHANGES = ("SELECT :s{n}, :l{n}, option_key, current_option, count(*)"
                 " FROM released_answers"
                 " WHERE statement_id = :s{n} AND layer = :l{n} AND version = :v{n}"
                 " GROUP BY option_key, current_option")


def tracked(released: Counts, moved: Mapping[Transition, int]) -> dict[str, int]:
    """The cell's counts now as the released answers tell them: last release plus each change."""
    counts: Counter[str] = Counter(released)
    for (then, current), n in moved.items():
        if then is not None:
            counts[then] -= n
        if current is not None:
            counts[current] += n
    return {option: n for option, n in counts.items() if n}


async def drop_departed(session: AsyncSession, cells: Sequence[CellKey]) -> None:
    """The cells are released: the unlinked rows of people forgotten since are done with
    (the other rows went stale with the new version; a person's next change reuses them).
    One indexed read finds the few cells that have such rows; only those are deleted."""
    if not cells:
        return
    table = cast(Table, ReleasedAnswer.__table__)
    released = set(cells)
    found = await session.execute(
        select(table.c.statement_id, table.c.layer).distinct()
        .where(table.c.statement_id.in_({s for s, _ in released}),
               table.c.participant_id.is_(None)))
    departed = [(s, layer) for s, layer in found if (s, layer) in released]
    if departed:
        await session.execute(
            table.delete().where(table.c.statement_id == bindparam("s"),
                                 table.c.layer == bindparam("l"),
                                 table.c.participant_id.is_(None)),
            [{"s": s, "l": layer} for s, layer in departed])
