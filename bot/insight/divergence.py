"""Where the layers part: the widest gap between two named layers' shrunk agree shares.

Each side is a decisive cell of a named layer (onbekend is never a side; a cell under the
minimum size never is one), its share shrunk to (agree + 1) / (n + 2) as Pol.is does, so a
handful of people at 100 % is pulled towards ½. The statement's gap is the highest minus the
lowest of those shares; it counts as parting only when the gap is at least PART_GAP and
Pol.is's two-proportion test of the high against the low layer is significant at 90 %
(z > 1.2816). A statement in the agree list is never in this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.insight.decisive import Counts
from bot.insight.pollstats import Z_90, shrunk, two_prop_test

PART_GAP = 0.2  # at least 20 percentage points between the shrunk shares


@dataclass(frozen=True, slots=True)
class Parting:
    statement_key: str
    high_layer: str
    high_share: float  # shown (raw) agree share of the layer
    low_layer: str
    low_share: float
    gap: float  # between the shrunk shares: what the ranking uses
    z: float


def parting(statement_key: str, cells: dict[str, Counts]) -> Parting | None:
    if len(cells) < 2:
        return None
    ranked = sorted(cells.items(), key=lambda item: (shrunk(item[1].agree,
                                                            item[1].respondents), item[0]))
    (low_layer, low), (high_layer, high) = ranked[0], ranked[-1]
    gap = shrunk(high.agree, high.respondents) - shrunk(low.agree, low.respondents)
    z = two_prop_test(high.agree, low.agree, high.respondents, low.respondents)
    if gap < PART_GAP or z <= Z_90:
        return None
    return Parting(statement_key, high_layer, high.agree_share, low_layer, low.agree_share,
                   gap, z)


def most_parted(candidates: list[Parting], *, exclude: set[str], top: int) -> list[Parting]:
    kept = [p for p in candidates if p.statement_key not in exclude]
    kept.sort(key=lambda p: (-p.gap, -p.z, p.statement_key))
    return kept[:top]
