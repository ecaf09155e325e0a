"""The report page as values for the template: every text translated, every number formatted.

From a `ReportData` (one release, the digest's ranking) and the rendered conclusions; the
template only lays this out. Statement and theme keys become element ids (they are
`[a-z0-9_-]` by the catalogue's rules), so the table of contents links to each theme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from markupsafe import Markup

from bot.document import Block, Bullets, Paragraph
from bot.insight.chart_data import option_colours
from bot.insight.report_data import ReportData
from bot.labels import layer_label, option_label
from report.charts import bars_svg, lines_svg
from report.methods import methods_sections
from report.shift import shift_tables
from report.tables import (
    Table,
    layers_table,
    participation_alt,
    participation_layers,
    participation_table,
    shown_rows,
    statement_alt,
    statement_table,
    withheld_notes,
)


@dataclass(frozen=True, slots=True)
class Figure:
    svg: Markup  # matplotlib's SVG, inline
    alt: str


@dataclass(frozen=True, slots=True)
class StatementBlock:
    id: str
    heading: str
    figure: Figure | None
    table: Table | None
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThemeBlock:
    id: str
    title: str
    conclusions: Markup | None
    statements: tuple[StatementBlock, ...]


@dataclass(frozen=True, slots=True)
class TextSection:
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    language: str
    title: str
    generated: str
    labels: dict[str, str]
    summary: tuple[str, ...]
    layers: Table
    participation: Figure | None
    participation_table: Table | None
    insights: tuple[TextSection, ...]
    legend: tuple[tuple[str, str], ...]  # option label, colour
    themes: tuple[ThemeBlock, ...]
    methods: tuple[TextSection, ...]
    extra_sections: tuple[TextSection, ...] = field(default=())


def build_page(data: ReportData, conclusions: dict[str, Markup]) -> Page:
    ctx, t = data.ctx, data.ctx.texts
    campaign, release = ctx.campaign, data.release
    colours = option_colours(ctx.scale)
    axis = (t.gettext("0 %"), t.gettext("50 %"), t.gettext("100 %"))
    themes = []
    for theme in data.themes:
        blocks = []
        for v in theme.statements:
            rows = shown_rows(v, ctx)
            closed = t.gettext(" (closed)") if v.statement.state == "closed" else ""
            figure = (Figure(svg=Markup(bars_svg(
                f"chart-{v.statement.key}", rows, scale=ctx.scale, colours=colours,
                axis_labels=axis)), alt=statement_alt(v, rows, ctx)) if rows else None)
            shown = v.answers >= campaign.privacy_threshold
            blocks.append(StatementBlock(
                id=f"statement-{v.statement.key}", heading=f"“{v.statement.text}”{closed}",
                figure=figure, table=statement_table(v, ctx) if shown else None,
                notes=tuple(withheld_notes(v, ctx))))
        themes.append(ThemeBlock(id=f"theme-{theme.key}", title=theme.title,
                                 conclusions=conclusions.get(theme.key),
                                 statements=tuple(blocks)))
    people = sum(release.participants_by_layer.values())
    positions = sum(release.positions_by_layer.values())
    summary = (
        t.gettext("Campaign: {name}.", name=campaign.name),
        t.ngettext("{who} took {positions} on {statements}.",
                   "{who} took {positions} on {statements}.", people,
                   who=t.ngettext("{n} participant", "{n} participants", people),
                   positions=t.ngettext("{n} position", "{n} positions", positions),
                   statements=t.ngettext("{n} statement", "{n} statements",
                                         release.statements_asked)),
    )
    weeks = data.participation
    week_labels = [format_date(w.week, format="medium", locale=t.language) for w in weeks]
    participation = participation_tbl = None
    if weeks:
        series = [(layer_label(x, campaign, t), [w.total.get(x, 0) for w in weeks])
                  for x in participation_layers(weeks, ctx)]
        participation = Figure(svg=Markup(lines_svg(
            "chart-participation", week_labels, series)),
            alt=participation_alt(weeks, week_labels, ctx))
        participation_tbl = participation_table(weeks, week_labels, ctx)
    extra: tuple[TextSection, ...] = ()
    if data.shift is not None:
        intro, tables = shift_tables(data.shift, ctx)
        extra = (TextSection(t.gettext("Shift since the workshop"), paragraphs=(intro,),
                             tables=tables),)
    return Page(
        language=t.language,
        title=t.gettext("Report {campaign}", campaign=campaign.name),
        generated=t.gettext("Made on {moment}.", moment=format_datetime(
            ctx.now, format="long", tzinfo=ZoneInfo(campaign.timezone), locale=t.language)),
        labels=_labels(data),
        summary=summary,
        layers=layers_table(release, ctx),
        participation=participation,
        participation_table=participation_tbl,
        insights=tuple(_insight_section(s.title, s.blocks) for s in data.insight_sections),
        legend=tuple((option_label(o, t), colours[o.key]) for o in (
            *sorted((o for o in ctx.scale if o.value is not None), key=lambda o: o.value or 0),
            *(o for o in ctx.scale if o.value is None))),
        themes=tuple(themes),
        methods=tuple(TextSection(title, paragraphs=paragraphs)
                      for title, paragraphs in methods_sections(data)),
        extra_sections=extra,
    )


def _insight_section(title: str, blocks: tuple[Block, ...]) -> TextSection:
    paragraphs = tuple(b.text for b in blocks if isinstance(b, Paragraph))
    bullets = tuple(item for b in blocks if isinstance(b, Bullets) for item in b.items)
    return TextSection(title, paragraphs=paragraphs, bullets=bullets)


def _labels(data: ReportData) -> dict[str, str]:
    t = data.ctx.texts
    return {
        "contents": t.gettext("Contents"),
        "campaign": t.gettext("The campaign"),
        "participation": t.gettext("Participation over time"),
        "no_participation": t.gettext("Nobody has taken a position yet."),
        "insights": t.gettext("What the digest ranks"),
        "insights_intro": t.gettext(
            "The same ranked insights the digest posts, from the same released figures; a "
            "cell decides a ranking from {n} respondents on.", n=data.min_cell),
        "statements": t.gettext("Statements per theme"),
        "legend": t.gettext("Colours in the charts"),
        "conclusions": t.gettext("Conclusions of the core team"),
        "methods": t.gettext("Methods and privacy"),
        "no_statements": t.gettext("No statements have been opened yet."),
        "skip": t.gettext("Skip to the report"),
    }
