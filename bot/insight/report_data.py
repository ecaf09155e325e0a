"""What the report shows, assembled from one release: the use case behind `positie report`.

The report is another output of the release step (`bot.insight.release`): its per-layer
figures are the cells' released versions, its ranked insights are `rank_insights` over those
(worded as the digest words them), so it never shows a number the digest would not publish.
Rendering (HTML, charts, PDF) lives outside bot/, in the `report` package.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.document import Section
from bot.insight.baseline_shift import BaselineShift
from bot.insight.digest_context import DigestContext
from bot.insight.insight_text import insight_sections
from bot.insight.participation import ParticipationWeek
from bot.insight.privacy import VisibleStatement
from bot.insight.ranking import Insights, min_cell_size, rank_insights
from bot.insight.release import Release


@dataclass(frozen=True, slots=True)
class ThemeReport:
    key: str
    title: str
    statements: tuple[VisibleStatement, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    ctx: DigestContext  # campaign, scale, texts, the moment it was built
    release: Release
    insights: Insights
    insight_sections: tuple[Section, ...]  # the digest's wording of the ranked insights
    themes: tuple[ThemeReport, ...]  # catalogue order, opened and closed statements only
    participation: tuple[ParticipationWeek, ...]
    min_cell: int  # a cell decides a ranking from this many respondents on
    shift: BaselineShift | None = None  # since the workshop; None without a baseline

    @property
    def generated_at(self) -> datetime:
        return self.ctx.now


def assemble_report(release: Release, ctx: DigestContext,
                    participation: tuple[ParticipationWeek, ...],
                    shift: BaselineShift | None = None) -> ReportData:
    visible = list(release.statements)
    insights = rank_insights(visible, ctx.campaign, ctx.scale)
    themes: list[ThemeReport] = []
    for v in visible:  # the aggregation returns them in theme order, then statement order
        if not themes or themes[-1].key != v.statement.theme_key:
            themes.append(ThemeReport(v.statement.theme_key, v.statement.theme_title, ()))
        last = themes[-1]
        themes[-1] = ThemeReport(last.key, last.title, (*last.statements, v))
    return ReportData(ctx=ctx, release=release, insights=insights,
                      insight_sections=tuple(insight_sections(insights, ctx)),
                      themes=tuple(themes), participation=participation,
                      min_cell=min_cell_size(ctx.campaign), shift=shift)
