"""`positie export`: the formats, and what each one's files are, from one release.

Every format reads the same `Release` (the release step's figures), so a CSV, a workbook and
a Pol.is directory made from one release show the same numbers, and none shows what the
digest would not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.domain import ScaleOption
from bot.insight.baseline_shift import baseline_shift
from bot.insight.export import DIALECTS, STANDARD, CsvDialect, table_csv
from bot.insight.export_baseline import baseline_sheet
from bot.insight.export_polis import polis_files
from bot.insight.export_table import ExportTable, participation_table, statement_table
from bot.insight.export_xlsx import Sheet, workbook_bytes
from bot.insight.release import Release
from bot.settings.config import CampaignSettings
from bot.store.db import Database
from bot.store.models import Statement
from bot.texts import Texts

FORMATS = ("csv", "xlsx", "polis")


class ExportRefused(ValueError):
    """An export asked for in a way that cannot be made: the message says what to change."""


@dataclass(frozen=True, slots=True)
class ExportRequest:
    format: str = "csv"
    dialect: str | None = None  # csv only; None: standard

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ExportRefused(f"--format {self.format!r} is not known; use one of "
                                f"{', '.join(FORMATS)}")
        if self.dialect is not None and self.format != "csv":
            raise ExportRefused(f"--dialect applies to --format csv only (not "
                                f"{self.format}); leave it out")
        if self.dialect is not None and self.dialect not in DIALECTS:
            raise ExportRefused(f"--dialect {self.dialect!r} is not known; use one of "
                                f"{', '.join(DIALECTS)}")

    @property
    def csv_dialect(self) -> CsvDialect:
        return DIALECTS[self.dialect] if self.dialect else STANDARD


@dataclass(frozen=True, slots=True)
class ExportContext:
    campaign: CampaignSettings
    scale: tuple[ScaleOption, ...]
    texts: Texts
    now: datetime
    opened_at: Mapping[str, datetime | None]  # statement key -> when it was first opened
    extra_sheets: tuple[tuple[str, ExportTable], ...] = ()  # e.g. the baseline shift
    extra_about: tuple[tuple[str, str], ...] = ()


def build_export(release: Release, request: ExportRequest, ctx: ExportContext) -> dict[str, bytes]:
    """File name -> contents. One file for csv and xlsx; a directory's files for polis."""
    statements = statement_table(release, campaign=ctx.campaign, scale=ctx.scale,
                                 texts=ctx.texts)
    if request.format == "csv":
        text = table_csv(statements, request.csv_dialect)
        return {"positie-export.csv": text.encode("utf-8")}
    if request.format == "xlsx":
        t = ctx.texts
        sheets = [Sheet(t.gettext("Statements"), statements),
                  Sheet(t.gettext("Participation"),
                        participation_table(release, campaign=ctx.campaign, texts=t)),
                  *(Sheet(title, table) for title, table in ctx.extra_sheets)]
        return {"positie-export.xlsx": workbook_bytes(
            sheets, about_title=t.gettext("About"), about=about_lines(release, ctx))}
    files = polis_files(release, campaign=ctx.campaign, scale=ctx.scale, texts=ctx.texts,
                        opened_at=ctx.opened_at)
    return {name: text.encode("utf-8") for name, text in files.items()}


async def export_campaign(db: Database, release: Release, request: ExportRequest, *,
                          campaign: CampaignSettings, scale: tuple[ScaleOption, ...],
                          texts: Texts, now: datetime) -> dict[str, bytes]:
    """The export of `release`, with what only some formats read from the database: the
    workbook's shift since the workshop, the Pol.is comments' opening times."""
    shift = None
    if request.format == "xlsx":
        shift = await baseline_shift(db, release, campaign_id=campaign.id, scale=scale,
                                     layers=campaign.layer_keys)
    ctx = ExportContext(campaign=campaign, scale=scale, texts=texts, now=now,
                        opened_at=await opened_at(db, campaign.id)
                        if request.format == "polis" else {},
                        **baseline_sheet(shift, campaign, texts))
    return build_export(release, request, ctx)


async def opened_at(db: Database, campaign_id: str) -> dict[str, datetime | None]:
    """Statement key -> when it was opened (the Pol.is comment's timestamp)."""
    async with db.sessions() as session:
        rows = await session.execute(select(Statement.key, Statement.opened_at)
                                     .where(Statement.campaign_id == campaign_id))
        return {key: when for key, when in rows}


def about_lines(release: Release, ctx: ExportContext) -> list[tuple[str, str]]:
    """The about sheet: what the numbers mean and the privacy rule, in the reader's words."""
    t, k = ctx.texts, release.k
    return [
        (t.gettext("Campaign"), ctx.campaign.name),
        (t.gettext("Exported at"), ctx.now.strftime("%Y-%m-%d %H:%M UTC")),
        (t.gettext("Privacy threshold"), str(k)),
        (t.gettext("Cell"), t.gettext("One layer of government × one statement.")),
        (t.gettext("respondents"), t.gettext(
            "People with a current position in the cell, \"don't know\" included.")),
        (t.gettext("share agreeing"), t.gettext(
            "(strongly agree + agree) / respondents.")),
        (t.gettext("mean"), t.gettext(
            "Mean of the scale's values (+2 … −2) over the respondents with a value; "
            "\"don't know\" counts for participation, not for the mean.")),
        (t.gettext("response rate"), t.gettext(
            "Positions given by a layer / (its participants × statements asked so far).")),
        (t.gettext("layers shown together"), t.gettext(
            "The sum of the layers shown in full only: there is nothing to subtract a "
            "hidden layer from.")),
        (t.gettext("Privacy"), t.gettext(
            "Every figure is the one positie's release step publishes, the same as in the "
            "digest. A cell with fewer than {k} respondents shows nothing (below the "
            "privacy threshold). A small cell in which fewer than {k} people answered "
            "differently from the rest shows only how many answered (not broken down, to "
            "protect a small group). Figures change only in steps that need at least {k} "
            "people to explain, so that comparing exports does not give one person's "
            "answer away. No person's answer is in this file.", k=k)),
        *ctx.extra_about,
    ]
