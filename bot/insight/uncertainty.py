"""Where people are most unsure: the share of "weet niet" (options without a value).

Ranked by the pseudo-counted share (dont_know + 1) / (n + 2) over all respondents of a
statement whose total is shown, so three "weet niet" out of three do not outrank 40 out of
100; listed only when the shown share is at least UNSURE_LEVEL.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.insight.decisive import Counts
from bot.insight.pollstats import shrunk

UNSURE_LEVEL = 0.15


@dataclass(frozen=True, slots=True)
class Unsure:
    statement_key: str
    share: float  # shown share of "weet niet"
    respondents: int
    score: float  # shrunk share: what the ranking uses


def unsure(statement_key: str, total: Counts) -> Unsure | None:
    if total.respondents == 0 or total.dont_know / total.respondents < UNSURE_LEVEL:
        return None
    return Unsure(statement_key, total.dont_know / total.respondents, total.respondents,
                  shrunk(total.dont_know, total.respondents))


def most_unsure(candidates: list[Unsure], *, top: int) -> list[Unsure]:
    return sorted(candidates, key=lambda u: (-u.score, u.statement_key))[:top]
