"""Storing a checked workshop file as the campaign's baseline, replacing any earlier one.

The delete of the old baseline and the insert of the new one run in one transaction: a
reader sees the old baseline or the new one, never a mix or none, and a failure leaves the
old one as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, select

from bot.clock import utc
from bot.insight.baseline_file import BaselineFile
from bot.store.baseline_models import Baseline, BaselineCell
from bot.store.db import Database
from bot.store.models import Statement


@dataclass(frozen=True, slots=True)
class BaselineReport:
    workshop_date: date
    statements: int
    answers: int  # people × statements they took a position on
    rows: int
    per_person: bool
    replaced: date | None  # the date of the baseline this import replaced

    def summary(self) -> str:
        shape = "one line per person" if self.per_person else "counts"
        replaced = ("" if self.replaced is None
                    else f"; replaced the baseline of {self.replaced.isoformat()}")
        return (f"workshop of {self.workshop_date.isoformat()}: {self.answers} position(s) on "
                f"{self.statements} statement(s) from {self.rows} line(s) ({shape}){replaced}")


async def statement_keys(db: Database, campaign_id: str) -> set[str]:
    """The catalogue's keys, which a baseline file must use."""
    async with db.sessions() as session:
        return set((await session.scalars(
            select(Statement.key).where(Statement.campaign_id == campaign_id))).all())


async def import_baseline(db: Database, campaign_id: str, baseline: BaselineFile, *,
                          now: datetime) -> BaselineReport:
    async with db.transaction() as session:
        replaced = await session.scalar(
            select(Baseline.workshop_date).where(Baseline.campaign_id == campaign_id))
        await session.execute(delete(BaselineCell).where(BaselineCell.campaign_id == campaign_id))
        await session.execute(delete(Baseline).where(Baseline.campaign_id == campaign_id))
        await session.execute(insert(Baseline).values(
            campaign_id=campaign_id, workshop_date=baseline.workshop_date,
            source=baseline.path.name[:300], rows=baseline.rows, imported_at=utc(now)))
        cells = [{"campaign_id": campaign_id, "statement_key": key, "layer": layer,
                  "option_key": option, "count": n}
                 for (key, layer, option), n in sorted(baseline.counts.items()) if n]
        if cells:
            await session.execute(insert(BaselineCell), cells)
    return BaselineReport(workshop_date=baseline.workshop_date,
                          statements=baseline.statements, answers=baseline.answers,
                          rows=baseline.rows, per_person=baseline.per_person, replaced=replaced)
