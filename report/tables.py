"""Tables and text alternatives for the report, as plain values for the template.

Every chart has a data table with the same numbers (the figures the release step lets out,
nothing else) and a one-paragraph text alternative. A layer not shown in full gets its row
with the reason: a count only for a small group, no number at all under the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import UNKNOWN_LAYER
from bot.insight.aggregation import Cell
from bot.insight.chart_data import layer_order
from bot.insight.digest_context import DigestContext
from bot.insight.participation import ParticipationWeek
from bot.insight.privacy import VisibleStatement, Withheld
from bot.insight.release import Release
from bot.labels import layer_label, option_label, percent, signed

DASH = "–"


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    headers: tuple[str, ...]  # the first one heads the row-header column
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # row header, data cells
    numeric: bool = True  # data cells right-aligned


def shown_rows(v: VisibleStatement, ctx: DigestContext) -> list[tuple[str, Cell]]:
    """(label, cell) per layer shown in full, then the layers shown together."""
    rows = [(f"{layer_label(layer, ctx.campaign, ctx.texts)} ({v.cells[layer].respondents})",
             v.cells[layer]) for layer in layer_order(ctx.campaign, set(v.cells))]
    if v.total is not None and len(v.cells) > 1:
        rows.append((f"{ctx.texts.gettext('Layers shown together')} ({v.total.respondents})",
                     v.total))
    return rows


def statement_table(v: VisibleStatement, ctx: DigestContext) -> Table:
    t, scale = ctx.texts, ctx.scale
    headers = (t.gettext("Layer"), t.gettext("Respondents"),
               *(option_label(o, t) for o in scale), t.gettext("Share agreeing"),
               t.gettext("Mean"))
    blanks = (DASH,) * (len(scale) + 2)
    rows: list[tuple[str, tuple[str, ...]]] = []
    for layer in layer_order(ctx.campaign, set(v.cells) | set(v.withheld)):
        label = layer_label(layer, ctx.campaign, t)
        if layer in v.cells:
            rows.append((label, _figures(v.cells[layer], ctx)))
        elif v.withheld[layer] in (Withheld.SMALL_GROUP, Withheld.UNTIL_CLOSED):
            rows.append((label, (str(v.coarse[layer]), *blanks)))  # a count of people only
        else:
            rows.append((label, (DASH, *blanks)))
    if v.total is not None and len(v.cells) > 1:
        rows.append((t.gettext("Layers shown together"), _figures(v.total, ctx)))
    return Table(caption=t.gettext("Answers per layer on “{text}”", text=v.statement.text),
                 headers=headers, rows=tuple(rows))


def _figures(cell: Cell, ctx: DigestContext) -> tuple[str, ...]:
    mean = cell.mean(ctx.scale)
    return (str(cell.respondents), *(str(cell.counts.get(o.key, 0)) for o in ctx.scale),
            percent(cell.agree_share(ctx.scale), ctx.texts),
            DASH if mean is None else signed(mean, ctx.texts))


def withheld_notes(v: VisibleStatement, ctx: DigestContext) -> list[str]:
    t, k = ctx.texts, ctx.campaign.privacy_threshold
    if v.answers < k:
        return [t.gettext("Fewer than {k} answers so far: not shown yet.", k=k)]
    notes = []
    if Withheld.UNTIL_CLOSED in v.withheld.values():  # campaign.results = "after_close"
        notes.append(t.ngettext("{n} answer so far; the results are shown once the statement "
                                "closes.", "{n} answers so far; the results are shown once the "
                                "statement closes.", v.answers))
    for reason, text in ((Withheld.BELOW_THRESHOLD,
                          t.gettext("Below the privacy threshold: {layers}")),
                         (Withheld.SMALL_GROUP,
                          t.gettext("Not broken down, to protect a small group: {layers}"))):
        layers = {layer for layer, why in v.withheld.items() if why == reason}
        if layers:
            names = ", ".join(layer_label(layer, ctx.campaign, t)
                              for layer in layer_order(ctx.campaign, layers))
            notes.append(text.format(layers=names))
    return notes


def statement_alt(v: VisibleStatement, rows: list[tuple[str, Cell]],
                  ctx: DigestContext) -> str:
    t, scale = ctx.texts, ctx.scale
    parts = []
    for label, cell in rows:
        n = cell.respondents
        disagree = sum(cell.counts.get(o.key, 0) for o in scale
                       if o.value is not None and o.value < 0)
        parts.append(t.gettext("{layer}: {agree} agree, {disagree} disagree", layer=label,
                               agree=percent(cell.agree_share(scale), t),
                               disagree=percent(disagree / n if n else 0.0, t)))
    return t.gettext("Bar chart of the answers per layer on “{text}”, from disagree (red, "
                     "left) to agree (blue, right) and “don't know” (grey). {parts}. The "
                     "table gives every number.", text=v.statement.text,
                     parts="; ".join(parts))


def layers_table(release: Release, ctx: DigestContext) -> Table:
    t = ctx.texts
    rows = []
    for layer in (*ctx.campaign.layer_keys, UNKNOWN_LAYER):
        people = release.participants_by_layer.get(layer, 0)
        if layer == UNKNOWN_LAYER and not people:
            continue
        rows.append((layer_label(layer, ctx.campaign, t),
                     (str(people), str(release.positions_by_layer.get(layer, 0)),
                      percent(release.response_rate(layer), t))))
    return Table(caption=t.gettext("Participants, positions and response rate per layer"),
                 headers=(t.gettext("Layer"), t.gettext("Participants"),
                          t.gettext("Positions"), t.gettext("Response rate")),
                 rows=tuple(rows))


def participation_layers(weeks: tuple[ParticipationWeek, ...], ctx: DigestContext) -> list[str]:
    present = {layer for w in weeks for layer in w.total}
    return [layer for layer in (*ctx.campaign.layer_keys, UNKNOWN_LAYER) if layer in present] + \
        sorted(present - {*ctx.campaign.layer_keys, UNKNOWN_LAYER})


def participation_table(weeks: tuple[ParticipationWeek, ...], week_labels: list[str],
                        ctx: DigestContext) -> Table:
    t = ctx.texts
    layers = participation_layers(weeks, ctx)
    return Table(caption=t.gettext("People who had taken part, per layer, by the end of each "
                                   "week"),
                 headers=(t.gettext("Week of"),
                          *(layer_label(x, ctx.campaign, t) for x in layers)),
                 rows=tuple((label, tuple(str(w.total.get(x, 0)) for x in layers))
                            for label, w in zip(week_labels, weeks, strict=True)))


def participation_alt(weeks: tuple[ParticipationWeek, ...], week_labels: list[str],
                      ctx: DigestContext) -> str:
    t = ctx.texts
    last = weeks[-1]
    parts = ", ".join(f"{layer_label(x, ctx.campaign, t)} {last.total.get(x, 0)}"
                      for x in participation_layers(weeks, ctx))
    return t.gettext("Line chart of the people who had taken part per layer, week by week, "
                     "from the week of {first} to the week of {last}. By then: {parts}. The "
                     "table gives every week.", first=week_labels[0], last=week_labels[-1],
                     parts=parts)
