"""What the digest chart shows, as plain values: the bars, labels and notes, no drawing.

Each bar is one layer's respondents on one statement, in percent, centred on neutral:
disagreeing options extend left of 0, agreeing options right, a neutral option (value 0)
is split half and half across 0. Options without a value ("weet niet") are on no side of
the scale, so they are not part of the diverging bar; they are reported apart (`apart`),
drawn by the chart in a narrow column on the same percent scale, with a note saying so.
Shares are of all the layer's respondents, so a bar plus its apart share is 100%.

Only the statements the digest's ranked insights name are drawn (`Insights.preview_keys`,
at most eight: about 2,000 px), in that order: the chart previews the digest, the full
table goes along as a file.

Privacy: only cells the release step shows in full become a row (`bot.insight.release`);
layers left out are named with the reason (as the text digest does).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace

from babel.dates import format_date
from matplotlib import colormaps
from matplotlib.colors import to_hex

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.insight.aggregation import Cell
from bot.insight.baseline_shift import BaselineShift, StatementShift
from bot.insight.privacy import VisibleStatement, Withheld, people_per_step
from bot.insight.ranking import rank_insights
from bot.insight.release import Release
from bot.labels import layer_label, option_label
from bot.settings.config import CampaignSettings
from bot.texts import Texts

TOTAL_ROW = "*"
TITLE_WIDTH = 92  # characters per line of a statement's title
NEUTRAL_COLOUR = "#bdbdbd"  # RdBu's own midpoint is near-white and vanishes on white
APART_COLOUR = "#737373"
# ColorBrewer RdBu (colour-blind safe): disagree on the red side, agree on the blue side.
_EXTREME, _MILD = 0.06, 0.36  # positions on the colormap, skipping the near-white centre


@dataclass(frozen=True, slots=True)
class Segment:
    option_key: str
    start: float  # left edge on the diverging axis, in percent
    width: float  # percent of the row's respondents


@dataclass(frozen=True, slots=True)
class BarRow:
    layer: str  # layer key, or TOTAL_ROW for all layers together
    label: str
    respondents: int
    segments: tuple[Segment, ...]
    disagree: float  # percent left of neutral (neutral not included)
    agree: float  # percent right of neutral
    apart: float  # percent for options without a value
    # Where the bar's agreeing end stood at the workshop (same axis), when both are shown.
    workshop: float | None = None


@dataclass(frozen=True, slots=True)
class Panel:
    statement_key: str
    title: str  # wrapped: lines joined with "\n"
    rows: tuple[BarRow, ...]
    notes: tuple[str, ...]  # below the bars: the hidden total, the layers left out


@dataclass(frozen=True, slots=True)
class LegendEntry:
    option_key: str
    label: str
    colour: str


@dataclass(frozen=True, slots=True)
class ChartData:
    title: str
    panels: tuple[Panel, ...]
    legend: tuple[LegendEntry, ...]  # diverging options, left to right, then apart options
    apart_title: str  # heading of the apart column; "" when the scale has none
    axis_label: str
    notes: tuple[str, ...]  # figure notes: apart options, layers left out, empty campaign
    workshop_label: str = ""  # legend entry of the workshop marks; "" without a baseline


def chart_rows(release: Release, *, campaign: CampaignSettings,
               scale: tuple[ScaleOption, ...], texts: Texts,
               shift: BaselineShift | None = None) -> ChartData:
    """`shift`: the baseline (bot.insight.baseline_shift); each layer shown in full both at
    the workshop and now gets a mark where its agreeing end stood at the workshop."""
    t, k = texts, campaign.privacy_threshold
    shifts = {} if shift is None else {s.key: s for s in shift.statements}
    every = list(release.statements)
    # A preview, not the catalogue: the statements the digest's ranked insights name.
    by_key = {v.statement.key: v for v in every}
    visible = [by_key[key] for key in rank_insights(every, campaign, scale).preview_keys()]
    legend = _legend(scale, t)
    apart = [o for o in scale if o.value is None]
    apart_names = ", ".join(option_label(o, t) for o in apart)
    notes: list[str] = []
    if not every:
        notes.append(t.gettext("No statements have been opened yet."))
    elif not visible:
        notes.append(t.gettext("No statement has enough answers to show yet."))
    elif apart:
        notes.append(t.gettext("“{options}” is not on the scale and is shown apart, on the "
                               "right.", options=apart_names))
    if any(Withheld.BELOW_THRESHOLD in v.withheld.values() for v in visible if v.answers >= k):
        notes.append(t.ngettext("Layers with fewer than {n} answer are left out.",
                                "Layers with fewer than {n} answers are left out.", k))
    if any(v.coarse for v in visible):
        notes.append(t.gettext("A small layer whose answers would say what nearly each of "
                               "its people answered is left out, to protect that group."))
    if visible:
        notes.append(t.gettext("Totals are over the layers shown; a layer's bars change "
                               "only once at least {k} of its answers are new or changed.",
                               k=people_per_step(k)))
    panels = tuple(_panel(v, campaign, scale, t, shifts.get(v.statement.key)) for v in visible)
    marked = shift is not None and any(r.workshop is not None for p in panels for r in p.rows)
    label = ""
    if shift is not None and marked:
        day = format_date(shift.workshop_date, format="long", locale=t.language)
        label = t.gettext("workshop {date}", date=day)
        notes.append(t.gettext("The black mark shows where a layer's agreeing end stood at "
                               "the workshop of {date} (layers with at least {k} people "
                               "then and now).", date=day, k=k))
    return ChartData(
        title=t.gettext("Positions per layer of government — {campaign}",
                        campaign=campaign.name),
        panels=panels,
        legend=legend,
        apart_title=apart_names,
        axis_label=t.gettext("← disagree · share of the layer's answers · agree →"),
        notes=tuple(notes),
        workshop_label=label,
    )


def layer_order(campaign: CampaignSettings, present: set[str]) -> list[str]:
    """The configured layers, then onbekend, then layers no longer configured."""
    known = (*campaign.layer_keys, UNKNOWN_LAYER)
    return [layer for layer in known if layer in present] + sorted(present - set(known))


def bar_row(cell: Cell, *, label: str, scale: tuple[ScaleOption, ...]) -> BarRow:
    n = cell.respondents
    share = {o.key: 100 * cell.counts.get(o.key, 0) / n if n else 0.0 for o in scale}
    valued = sorted((o for o in scale if o.value is not None), key=lambda o: o.value or 0.0)
    disagree = sum(share[o.key] for o in valued if (o.value or 0) < 0)
    neutral = sum(share[o.key] for o in valued if o.value == 0)
    start, segments = -(disagree + neutral / 2), []
    for option in valued:
        segments.append(Segment(option.key, start, share[option.key]))
        start += share[option.key]
    return BarRow(layer=cell.layer, label=label, respondents=n, segments=tuple(segments),
                  disagree=disagree, agree=sum(share[o.key] for o in valued if o.agrees),
                  apart=sum(share[o.key] for o in scale if o.value is None))


def _panel(v: VisibleStatement, campaign: CampaignSettings, scale: tuple[ScaleOption, ...],
           t: Texts, shift: StatementShift | None = None) -> Panel:
    closed = t.gettext(" (closed)") if v.statement.state == "closed" else ""
    title = textwrap.fill(f"“{v.statement.text}”{closed}", width=TITLE_WIDTH)
    if v.answers < campaign.privacy_threshold:
        note = t.gettext("Fewer than {k} answers so far: not shown yet.",
                         k=campaign.privacy_threshold)
        return Panel(v.statement.key, title, rows=(), notes=(note,))
    then = {} if shift is None else {s.layer: s.baseline.counts for s in shift.layers
                                     if s.baseline.counts is not None and s.current.shown}
    rows = [replace(bar_row(v.cells[layer], scale=scale,
                            label=_count_label(layer_label(layer, campaign, t), v.cells[layer])),
                    workshop=_agree_end(then.get(layer), scale))
            for layer in layer_order(campaign, set(v.cells))]
    if v.total is not None and len(v.cells) > 1:
        rows.append(bar_row(v.total, scale=scale,
                            label=_count_label(t.gettext("Layers shown together"), v.total)))
    notes = []
    for reason, text in ((Withheld.BELOW_THRESHOLD,
                          t.gettext("Below the privacy threshold: {layers}")),
                         (Withheld.SMALL_GROUP,
                          t.gettext("Not broken down, to protect a small group: {layers}"))):
        layers = {layer for layer, why in v.withheld.items() if why == reason}
        if layers:
            names = ", ".join(layer_label(layer, campaign, t)
                              for layer in layer_order(campaign, layers))
            notes.append(text.format(layers=names))
    return Panel(v.statement.key, title, rows=tuple(rows), notes=tuple(notes))


def _agree_end(counts: dict[str, int] | None, scale: tuple[ScaleOption, ...]) -> float | None:
    """The right end of a bar drawn from these counts: half of neutral plus agreeing."""
    if not counts:
        return None
    row = bar_row(Cell(layer="", counts=counts), label="", scale=scale)
    return row.segments[-1].start + row.segments[-1].width if row.segments else None


def _count_label(name: str, cell: Cell) -> str:
    return f"{name} ({cell.respondents})"


def _legend(scale: tuple[ScaleOption, ...], t: Texts) -> tuple[LegendEntry, ...]:
    colours = option_colours(scale)
    valued = sorted((o for o in scale if o.value is not None), key=lambda o: o.value or 0.0)
    ordered = [*valued, *(o for o in scale if o.value is None)]
    return tuple(LegendEntry(o.key, option_label(o, t), colours[o.key]) for o in ordered)


def option_colours(scale: tuple[ScaleOption, ...]) -> dict[str, str]:
    """Darkest at the extremes, lighter towards neutral; each side spread over its options."""
    cmap = colormaps["RdBu"]
    negative = sorted((o for o in scale if o.value is not None and o.value < 0),
                      key=lambda o: o.value or 0.0)  # most negative first
    positive = sorted((o for o in scale if o.agrees), key=lambda o: -(o.value or 0.0))
    colours = {o.key: NEUTRAL_COLOUR if o.value == 0 else APART_COLOUR for o in scale}
    for side, flip in ((negative, False), (positive, True)):
        for i, option in enumerate(side):
            p = _EXTREME + (_MILD - _EXTREME) * (i / (len(side) - 1) if len(side) > 1 else 0.5)
            colours[option.key] = to_hex(cmap(1 - p if flip else p))
    return colours
