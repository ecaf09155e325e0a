"""Where the layers agree: Pol.is's group-informed consensus over every named layer.

For a statement, each named layer g of the campaign contributes (agree_g + 1) / (n_g + 2),
with n_g everyone in the layer who took a position ("weet niet" included); the score is the
product over the layers (polis conversation.clj, :group-aware-consensus). A layer without a
decisive cell (hidden, too small, no answers) contributes (0 + 1) / (0 + 2) = ½: uncertain,
not absent, so a statement cannot win by missing a layer. The score is high only when every
layer leans towards agreeing.

Its geometric mean, score^(1/L) over the L named layers, reads as the agreement of a typical
layer; a statement is called agreed across layers only when that level reaches the
campaign's `agreement_level` (default 60 %) and at least two layers decide it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.insight.decisive import Counts
from bot.insight.pollstats import shrunk


@dataclass(frozen=True, slots=True)
class Agreement:
    statement_key: str
    score: float  # product over the named layers
    level: float  # geometric mean of the layers' factors
    shares: tuple[tuple[str, float], ...]  # decisive layers: their shown agree share
    uncertain: tuple[str, ...]  # named layers that counted as ½


def agreement(statement_key: str, cells: dict[str, Counts],
              layers: tuple[str, ...]) -> Agreement | None:
    if not layers:
        return None
    factors = [shrunk(c.agree, c.respondents) if (c := cells.get(layer)) else 0.5
               for layer in layers]
    score = math.prod(factors)
    return Agreement(
        statement_key=statement_key, score=score, level=score ** (1 / len(layers)),
        shares=tuple((layer, cells[layer].agree_share) for layer in layers if layer in cells),
        uncertain=tuple(layer for layer in layers if layer not in cells))


def most_agreed(candidates: list[tuple[Agreement, int]], *, level: float,
                top: int) -> list[Agreement]:
    """The top statements above the level; ties go to the statement more people answered."""
    agreed = [(a, n) for a, n in candidates if a.level >= level and len(a.shares) >= 2]
    agreed.sort(key=lambda pair: (-pair[0].score, -pair[1], pair[0].statement_key))
    return [a for a, _ in agreed[:top]]
