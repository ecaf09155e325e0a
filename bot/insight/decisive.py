"""Which cells may decide a ranked insight: only what the privacy layer shows, and only cells
large enough that one or two people cannot swing them.

Every number the insights rank comes from `apply_threshold` (bot.insight.privacy): a hidden
cell is never a side, never a factor, never a rest. A shown cell still decides nothing when
it has fewer than the campaign's `insight_min_cell` respondents (and never fewer than k):
it counts as uncertain, exactly like a layer without answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import ScaleOption
from bot.insight.aggregation import Cell
from bot.insight.privacy import VisibleStatement


@dataclass(frozen=True, slots=True)
class Counts:
    """One decisive cell (or a rest of cells) as the formulas need it."""

    agree: int
    disagree: int
    dont_know: int
    respondents: int  # everyone with a position, "weet niet" included (Pol.is's "seen")

    @property
    def agree_share(self) -> float:
        return self.agree / self.respondents if self.respondents else 0.0

    @property
    def disagree_share(self) -> float:
        return self.disagree / self.respondents if self.respondents else 0.0

    def minus(self, other: Counts) -> Counts:
        return Counts(self.agree - other.agree, self.disagree - other.disagree,
                      self.dont_know - other.dont_know, self.respondents - other.respondents)


def counts(cell: Cell, scale: tuple[ScaleOption, ...]) -> Counts:
    n = {o.key: cell.counts.get(o.key, 0) for o in scale}
    return Counts(agree=sum(n[o.key] for o in scale if o.agrees),
                  disagree=sum(n[o.key] for o in scale if o.value is not None and o.value < 0),
                  dont_know=sum(n[o.key] for o in scale if o.value is None),
                  respondents=cell.respondents)


def decisive_cells(visible: VisibleStatement, layers: tuple[str, ...], *, min_cell: int,
                   scale: tuple[ScaleOption, ...]) -> dict[str, Counts]:
    """The named layers' shown cells that may decide a ranking (onbekend is never one).

    When the privacy layer marks cells as not decisive (small unanimous cells), those are
    left out here as well; until then the minimum cell size is the rule.
    """
    return {layer: counts(cell, scale) for layer in layers
            if (cell := visible.cells.get(layer)) is not None and cell.respondents >= min_cell}
