"""Where the layers agree most and where they part most, over the shown cells only."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

from bot.domain import ScaleOption
from bot.insight.privacy import VisibleStatement


@dataclass(frozen=True, slots=True)
class Consensus:
    statement_key: str
    score: float  # product over layers of (agree + 1) / (respondents + 2)
    agree_share: float  # over the shown layers together


@dataclass(frozen=True, slots=True)
class Divergence:
    statement_key: str
    high_layer: str
    high_share: float
    low_layer: str
    low_share: float

    @property
    def gap(self) -> float:
        return self.high_share - self.low_share


def consensus(visible: VisibleStatement, scale: tuple[ScaleOption, ...]) -> Consensus | None:
    """Group-informed consensus: high only when every layer leans towards agreeing."""
    cells = list(visible.cells.values())
    if len(cells) < 2:
        return None
    score = math.prod((c.agree(scale) + 1) / (c.respondents + 2) for c in cells)
    agree = sum(c.agree(scale) for c in cells)
    n = sum(c.respondents for c in cells)
    return Consensus(visible.statement.key, score, agree / n)


def divergence(visible: VisibleStatement, scale: tuple[ScaleOption, ...]) -> Divergence | None:
    cells = list(visible.cells.values())
    best: Divergence | None = None
    for a, b in combinations(cells, 2):
        high, low = (a, b) if a.agree_share(scale) >= b.agree_share(scale) else (b, a)
        candidate = Divergence(visible.statement.key, high.layer, high.agree_share(scale),
                               low.layer, low.agree_share(scale))
        if best is None or candidate.gap > best.gap:
            best = candidate
    return best


def most_consensus(statements: list[VisibleStatement],
                   scale: tuple[ScaleOption, ...]) -> Consensus | None:
    scored = [c for s in statements if (c := consensus(s, scale)) is not None]
    return max(scored, key=lambda c: c.score, default=None)


def most_divergence(statements: list[VisibleStatement],
                    scale: tuple[ScaleOption, ...]) -> Divergence | None:
    found = [d for s in statements if (d := divergence(s, scale)) is not None and d.gap > 0]
    return max(found, key=lambda d: d.gap, default=None)
