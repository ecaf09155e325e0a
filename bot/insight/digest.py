"""Build the digest document from the release: ranked insights and participation in chat,
the full table per statement and layer as an attachment."""

from __future__ import annotations

from babel.dates import format_date

from bot.document import Attachment, Bullets, Document, Paragraph, Section
from bot.domain import UNKNOWN_LAYER
from bot.insight.aggregation import StatementAggregate
from bot.insight.baseline_shift import BaselineShift, StatementShift
from bot.insight.digest_context import DigestContext
from bot.insight.insight_text import chart_alt_text, insight_sections
from bot.insight.momentum import Momentum
from bot.insight.momentum_text import with_momentum
from bot.insight.privacy import VisibleStatement, Withheld, people_per_step
from bot.insight.ranking import rank_insights
from bot.insight.release import Release
from bot.insight.render_text import render_text
from bot.insight.shift_text import shift_section, statement_shift_lines
from bot.labels import layer_label, percent, signed
from bot.texts import Texts

TABLE_FILE = "positie-stellingen.txt"


def build_digest(release: Release, ctx: DigestContext, momentum: Momentum | None = None,
                 shift: BaselineShift | None = None) -> Document:
    """In chat: the ranked insights, what moved, the shift since the workshop (with a
    baseline) and who takes part, from what the release step lets through (and nothing
    else). The full table per statement and layer goes along as a file (and is in
    `positie export`)."""
    t = ctx.texts
    visible = list(release.statements)
    insights = rank_insights(visible, ctx.campaign, ctx.scale)
    people = sum(release.participants_by_layer.values())
    positions = sum(release.positions_by_layer.values())
    intro = t.ngettext(
        "{who} took {positions} on {statements}.", "{who} took {positions} on {statements}.",
        people,
        who=t.ngettext("{n} participant", "{n} participants", people),
        positions=t.ngettext("{n} position", "{n} positions", positions),
        statements=t.ngettext("{n} statement", "{n} statements", len(visible)))
    title = t.gettext("Digest {campaign} — {date}", campaign=ctx.campaign.name,
                      date=format_date(ctx.local_date(), format="long", locale=t.language))
    footer = _footer(ctx)
    since = () if shift is None else (shift_section(shift, ctx),)
    sections = (*insight_sections(insights, ctx), *since, _participation_section(release, ctx))
    shifts = {} if shift is None else {s.key: s for s in shift.statements}
    table = Document(title=t.gettext("All statements per layer — {title}", title=title),
                     intro=intro, sections=tuple(_theme_sections(visible, ctx, shifts)),
                     footer=footer)
    return Document(
        title=title,
        intro=intro,
        sections=sections if momentum is None else with_momentum(sections, momentum, ctx),
        footer=" ".join((footer, t.gettext("Every statement per layer is in the attached "
                                           "file {name}.", name=TABLE_FILE))),
        attachments=(Attachment(filename=TABLE_FILE, title=table.title,
                                text=render_text(table) + "\n"),),
        chart_alt=chart_alt_text(insights, ctx) + _shift_alt(shift, ctx),
    )


def _shift_alt(shift: BaselineShift | None, ctx: DigestContext) -> str:
    """The chart's workshop marks, for screen readers (the figures are in the text)."""
    if shift is None or not any(layer.agree_shift is not None for s in shift.statements
                                for layer in s.layers):
        return ""
    return " " + ctx.texts.gettext("Black marks: where each layer's agreement stood at the "
                                   "workshop.")


def _footer(ctx: DigestContext) -> str:
    t, k = ctx.texts, ctx.campaign.privacy_threshold
    parts = [t.gettext("Positions of fewer than {k} people per layer are not shown. "
                       "Nobody's individual position is shared.", k=k),
             t.gettext("A layer's figures change only once at least {k} of its answers are "
                       "new or changed since they were last shown; until then the previous "
                       "figures stand.", k=people_per_step(k))]
    if ctx.campaign.low_threshold:
        parts.append(t.gettext("Note: the privacy threshold is set to {k}, below the advised "
                               "3 (allow_low_threshold).", k=k))
    return " ".join(parts)


def _theme_sections(visible: list[VisibleStatement], ctx: DigestContext,
                    shifts: dict[str, StatementShift]) -> list[Section]:
    sections: list[Section] = []
    current: str | None = None
    title = ""
    blocks: list[Paragraph | Bullets] = []
    for v in visible:
        if v.statement.theme_key != current:
            if current is not None:
                sections.append(Section(title=title, blocks=tuple(blocks)))
            current, title, blocks = v.statement.theme_key, v.statement.theme_title, []
        blocks.append(Paragraph(_statement_heading(v.statement, ctx)))
        blocks.append(Bullets(tuple(_layer_lines(v, ctx))))
        since = shifts.get(v.statement.key)
        if since is not None and since.layers:
            blocks.append(Paragraph(ctx.texts.gettext("Since the workshop:")))
            blocks.append(Bullets(tuple(statement_shift_lines(since, ctx))))
    if current is not None:
        sections.append(Section(title=title, blocks=tuple(blocks)))
    return sections


def _statement_heading(statement: StatementAggregate, ctx: DigestContext) -> str:
    closed = ctx.texts.gettext(" (closed)") if statement.state == "closed" else ""
    return f"“{statement.text}”{closed}"


def _layer_lines(v: VisibleStatement, ctx: DigestContext) -> list[str]:
    t, k = ctx.texts, ctx.campaign.privacy_threshold
    if v.answers < k:
        return [t.gettext("Fewer than {k} answers so far: not shown yet.", k=k)]
    if Withheld.UNTIL_CLOSED in v.withheld.values():
        return [t.ngettext("{n} answer so far; the results are shown once the statement "
                           "closes.", "{n} answers so far; the results are shown once the "
                           "statement closes.", v.answers)]
    lines = []
    for layer in (*ctx.campaign.layer_keys, UNKNOWN_LAYER):
        label = layer_label(layer, ctx.campaign, t)
        cell = v.cells.get(layer)
        if cell is not None:
            lines.append(t.gettext("{layer} ({n}): {share} agree, mean {mean}",
                                   layer=label, n=cell.respondents,
                                   share=percent(cell.agree_share(ctx.scale), t),
                                   mean=_mean(cell.mean(ctx.scale), t)))
        elif layer in v.coarse:
            lines.append(t.gettext("{layer} ({n}): not broken down, to protect a small group",
                                   layer=label, n=v.coarse[layer]))
        elif layer in v.withheld:
            lines.append(t.gettext("{layer}: below the privacy threshold", layer=label))
    total = v.total
    if total is not None and len(v.cells) > 1:
        lines.append(t.gettext("Layers shown together ({n}): {share} agree, mean {mean}",
                               n=total.respondents,
                               share=percent(total.agree_share(ctx.scale), t),
                               mean=_mean(total.mean(ctx.scale), t)))
    return lines


def _mean(value: float | None, t: Texts) -> str:
    return "–" if value is None else signed(value, t)


def _participation_section(release: Release, ctx: DigestContext) -> Section:
    t = ctx.texts
    lines = []
    for layer in (*ctx.campaign.layer_keys, UNKNOWN_LAYER):
        people = release.participants_by_layer.get(layer, 0)
        if layer == UNKNOWN_LAYER and not people:
            continue
        lines.append(t.ngettext(
            "{layer}: {n} participant, response rate {rate}",
            "{layer}: {n} participants, response rate {rate}", people,
            layer=layer_label(layer, ctx.campaign, t),
            rate=percent(release.response_rate(layer), t)))
    return Section(title=t.gettext("Who is taking part"), blocks=(Bullets(tuple(lines)),))
