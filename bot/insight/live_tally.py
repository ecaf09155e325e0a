"""One statement's tally for its post or for the person who just answered, through the
release step and `campaign.results`.

How many answered is always shown (it says who took part, not what anyone answered). The
counts per option are shown: always with results = "live"; once the statement closed; and,
with "after_vote", to a person right after they answered it (privately: a Slack ephemeral
reply, a Telegram button's answer), never in the channel while it is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.domain import ScaleOption, StatementState
from bot.insight.aggregation import aggregate_statement
from bot.insight.privacy import people_per_step
from bot.insight.release import release_statement
from bot.positions.tally import TallyView
from bot.store.db import Database
from bot.store.models import Statement


def results_shown(results: str, state: str, *, answered: bool = False) -> bool:
    """Whether a statement's distribution may be shown under campaign.results."""
    return (results == "live" or state == StatementState.CLOSED
            or (results == "after_vote" and answered))


async def statement_tally(db: Database, campaign_id: str, key: str, *,
                          scale: Sequence[ScaleOption], k: int, now: datetime, results: str,
                          answered: bool = False) -> TallyView:
    async with db.sessions() as session:
        state = await session.scalar(select(Statement.state).where(
            Statement.campaign_id == campaign_id, Statement.key == key)) or ""
        if not results_shown(results, state, answered=answered):
            # Not released either: a version nobody saw would hold back the figures at
            # the close.
            statement = await aggregate_statement(session, campaign_id, key, state=state)
            return TallyView(answers=statement.respondents, counts=None)
    visible = await release_statement(db, campaign_id=campaign_id, key=key, state=state,
                                      scale=scale, k=k, now=now)
    return TallyView(answers=visible.answers,
                     counts=None if visible.total is None else visible.total.counts,
                     step=people_per_step(k))
