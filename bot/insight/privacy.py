"""The privacy threshold k: which cells of a statement may be shown.

A layer × statement cell with fewer than k respondents is hidden. Because the statement's
total is shown too, the hidden cells together must not form a group of 1..k-1 people
(total minus the shown cells would reveal them), so further cells are hidden, smallest
first, until the hidden remainder is 0 or at least k. A total below k is hidden as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.insight.aggregation import Cell, StatementAggregate


@dataclass(frozen=True, slots=True)
class VisibleStatement:
    statement: StatementAggregate
    cells: dict[str, Cell]  # shown cells only
    hidden_layers: frozenset[str]
    total: Cell | None  # None when the statement has fewer than k respondents

    @property
    def respondents_shown(self) -> int | None:
        return None if self.total is None else self.total.respondents


def apply_threshold(statement: StatementAggregate, k: int) -> VisibleStatement:
    cells = {layer: c for layer, c in statement.cells.items() if c.respondents > 0}
    total = statement.total()
    if total.respondents < k:
        return VisibleStatement(statement, {}, frozenset(cells), None)
    hidden = {layer for layer, c in cells.items() if c.respondents < k}
    shown = sorted((c.respondents, layer) for layer, c in cells.items() if layer not in hidden)
    remainder = sum(cells[layer].respondents for layer in hidden)
    while 0 < remainder < k and shown:
        n, layer = shown.pop(0)  # the smallest shown cell protects the remainder best
        hidden.add(layer)
        remainder += n
    return VisibleStatement(
        statement=statement,
        cells={layer: c for layer, c in cells.items() if layer not in hidden},
        hidden_layers=frozenset(hidden),
        total=total,
    )


def tally_visible(counts: dict[str, int], k: int) -> dict[str, int] | None:
    """A live tally (counts per option, all layers) is shown only from k respondents on."""
    return counts if sum(counts.values()) >= k else None
