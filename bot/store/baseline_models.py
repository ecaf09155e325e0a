"""The workshop baseline's tables: counts per statement × layer × option, never a person."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class Baseline(Base):
    """The workshop a campaign follows up: when it was and which file its figures came from.
    One per campaign; a re-import replaces it and its cells in one transaction."""

    __tablename__ = "baselines"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    workshop_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))  # the file's name, for the report
    rows: Mapped[int] = mapped_column(Integer)  # data lines read from the file
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BaselineCell(Base):
    """How many people at the workshop took one option, per statement and layer: counts
    only, never a person (a per-person file is aggregated when it is imported). Linked to
    the catalogue by statement key, so a statement re-asked under the same key, or a
    re-imported catalogue, finds its baseline."""

    __tablename__ = "baseline_cells"
    __table_args__ = (UniqueConstraint("campaign_id", "statement_key", "layer", "option_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("baselines.campaign_id"))
    statement_key: Mapped[str] = mapped_column(String(64))
    layer: Mapped[str] = mapped_column(String(64))
    option_key: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
