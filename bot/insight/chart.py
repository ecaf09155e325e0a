"""The digest chart as PNG bytes: per statement a diverging stacked bar per layer.

What is shown (bars, labels, notes, privacy) is decided in `bot.insight.chart_data`; this module
only draws it, with matplotlib's object API on an Agg canvas and never pyplot: no global
figure registry, no display, and nothing left alive once the bytes are returned. The one
global it touches is the text-hinting rcParam, inside an rc_context while it draws.

Text is what costs time in matplotlib (3.11 renders glyph by glyph), so the figure holds
few artists: all statements share one pair of axes (the diverging bars, and on the right a
narrow column for "weet niet" on the same percent scale), all bars are one collection, and
the bars carry no numbers of their own: the digest text posted with the chart gives each
layer's count, share in agreement and mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from io import BytesIO

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from bot.domain import ScaleOption
from bot.insight.baseline_shift import BaselineShift
from bot.insight.chart_data import APART_COLOUR, ChartData, chart_rows
from bot.insight.release import Release
from bot.labels import percent
from bot.settings.config import CampaignSettings
from bot.texts import Texts

DPI = 100
WIDTH_IN = 10.0
ROW_IN = 0.21  # one bar row; the vertical layout below is counted in rows
BAR = 0.72  # bar thickness, in rows
TITLE_LINE, PANEL_GAP, NOTE_ROW = 0.9, 0.8, 1.0
LEFT_IN, RIGHT_IN, GAP_IN = 2.3, 0.15, 0.3  # layer names | bars | gap | apart column
TOP_IN, BOTTOM_IN, NOTE_IN = 0.95, 0.7, 0.18
EDGE = 3.0  # percent units of room beyond the axis' last tick
TEXT, MUTED = "#252525", "#525252"
MARK = "#000000"  # the workshop's mark: black reads on every RdBu colour and on white
LABEL_PT = 8.5


def render_chart(release: Release, *, campaign: CampaignSettings,
                 scale: tuple[ScaleOption, ...], texts: Texts,
                 shift: BaselineShift | None = None) -> bytes:
    data = chart_rows(release, campaign=campaign, scale=scale, texts=texts, shift=shift)
    return draw_chart(data, texts)


@dataclass
class _Layout:
    """Vertical positions in rows from the top (the y axis is inverted)."""

    height: float = 0.0
    titles: list[float] = field(default_factory=list)  # top of each panel's title
    first_rows: list[float] = field(default_factory=list)  # top of each panel's first row
    notes: list[tuple[float, str]] = field(default_factory=list)  # centre, text


def _layout(data: ChartData) -> _Layout:
    out = _Layout()
    for panel in data.panels:
        out.height += PANEL_GAP
        out.titles.append(out.height)
        out.height += TITLE_LINE * (panel.title.count("\n") + 1) + 0.2
        out.first_rows.append(out.height)
        out.height += len(panel.rows)
        for note in panel.notes:
            out.notes.append((out.height + NOTE_ROW / 2, note))
            out.height += NOTE_ROW
    out.height += 0.2
    return out


def draw_chart(data: ChartData, texts: Texts) -> bytes:
    # Text is most of the drawing time and FreeType's autohinter a third of that;
    # unhinted text reads as well at this size.
    with rc_context({"text.hinting": "no_hinting"}):
        return _draw(data, texts)


def _draw(data: ChartData, texts: Texts) -> bytes:
    layout = _layout(data)
    plot_in = layout.height * ROW_IN if data.panels else 0.0
    height_in = TOP_IN + NOTE_IN * (len(data.notes) + 1)
    height_in += plot_in + BOTTOM_IN if data.panels else 0.0
    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)  # attaches itself: savefig draws with Agg, no pyplot
    try:
        _header(figure, data, height_in)
        if data.panels:
            _plot(figure, data, layout, texts, plot_in, height_in)
        notes_top = NOTE_IN * (len(data.notes) + 0.5) if data.panels else height_in - TOP_IN
        figure.text(0.02, notes_top / height_in, "\n".join(data.notes), ha="left", va="top",
                    fontsize=8, color=MUTED, linespacing=1.4)
        buffer = BytesIO()
        # zlib level 3: half the encoding time of the default for 5% more bytes.
        figure.savefig(buffer, format="png", dpi=DPI, facecolor="white",
                       pil_kwargs={"compress_level": 3})
        return buffer.getvalue()
    finally:
        figure.clear()


def _header(figure: Figure, data: ChartData, height_in: float) -> None:
    figure.text(0.02, 1 - 0.15 / height_in, data.title, ha="left", va="top",
                fontsize=12.5, fontweight="bold", color=TEXT)
    handles: list[Artist] = [Patch(facecolor=e.colour, edgecolor="none", label=e.label)
                             for e in data.legend]
    if data.workshop_label:
        handles.append(Line2D([], [], color=MARK, marker="|", markersize=9,
                              markeredgewidth=2.2, linestyle="none",
                              label=data.workshop_label))
    figure.legend(handles=handles, loc="upper left", ncol=len(handles), frameon=False,
                  fontsize=8.5, bbox_to_anchor=(0.015, 1 - 0.5 / height_in),
                  handlelength=1.2, columnspacing=1.2)


def _plot(figure: Figure, data: ChartData, layout: _Layout, texts: Texts, plot_in: float,
          height_in: float) -> None:
    apart_max = max((row.apart for p in data.panels for row in p.rows), default=0.0)
    reach = _reach(data)
    span = reach + EDGE
    apart_span = _apart_span(apart_max) if data.apart_title else 0
    available = WIDTH_IN - LEFT_IN - RIGHT_IN - (GAP_IN if apart_span else 0)
    bars_in = available * 2 * span / (2 * span + apart_span)  # the same inches per percent
    bottom = (BOTTOM_IN + NOTE_IN * (len(data.notes) + 1)) / height_in
    rect = (LEFT_IN / WIDTH_IN, bottom, bars_in / WIDTH_IN, plot_in / height_in)
    bars = figure.add_axes(rect)
    _style_bars(bars, layout.height, reach, texts)
    names = blended_transform_factory(figure.transFigure, bars.transData)
    names_x = (LEFT_IN - 0.1) / WIDTH_IN
    colours = {e.option_key: e.colour for e in data.legend}
    boxes: list[list[tuple[float, float]]] = []
    faces: list[str] = []
    apart_boxes: list[list[tuple[float, float]]] = []
    marks: list[tuple[float, float]] = []
    for panel, title_top, top in zip(data.panels, layout.titles, layout.first_rows,
                                     strict=True):
        bars.text(0.02, title_top, panel.title, transform=names, ha="left", va="top",
                  fontsize=9.5, fontweight="bold", color=TEXT, linespacing=1.25)
        for i, row in enumerate(panel.rows):
            y = top + i + 0.5
            for segment in row.segments:
                boxes.append(_box(segment.start, segment.width, y))
                faces.append(colours[segment.option_key])
            apart_boxes.append(_box(0, row.apart, y))
            if row.workshop is not None:
                marks.append((row.workshop, y))
            # The last row is all layers together: in bold, under the layers.
            bars.text(names_x, y, row.label, transform=names, ha="right", va="center",
                      fontsize=LABEL_PT, color=TEXT,
                      fontweight="bold" if row is panel.rows[-1] else "normal")
    bars.add_collection(PolyCollection(boxes, facecolors=faces, edgecolors="white",
                                       linewidths=0.4))
    if marks:  # one artist for all: where each layer's agreeing end was at the workshop
        bars.plot([x for x, _ in marks], [y for _, y in marks], linestyle="none", marker="|",
                  markersize=BAR * ROW_IN * 72 * 1.3, markeredgewidth=2.2,  # points
                  color=MARK)
    if apart_span:
        apart = figure.add_axes(((LEFT_IN + bars_in + GAP_IN) / WIDTH_IN, bottom,
                                 (available - bars_in) / WIDTH_IN, plot_in / height_in),
                                sharey=bars)
        _style_apart(apart, data.apart_title, apart_span, texts)
        apart.add_collection(PolyCollection(apart_boxes, facecolors=APART_COLOUR,
                                            edgecolors="none"))
    for y, note in layout.notes:
        bars.text(0, y, note, ha="center", va="center", fontsize=8, style="italic",
                  color=MUTED)
    figure.text(rect[0] + rect[2] / 2, bottom - 0.42 / height_in, data.axis_label,
                ha="center", va="top", fontsize=8.5, color=MUTED)


def _apart_span(largest: float) -> int:
    """The apart column's axis: the largest share rounded up to 10%, at least 20%."""
    return max(20, 10 * math.ceil(largest / 10 + 1e-9))


def _box(left: float, width: float, y: float) -> list[tuple[float, float]]:
    top, bottom = y - BAR / 2, y + BAR / 2
    return [(left, top), (left + width, top), (left + width, bottom), (left, bottom)]


def _reach(data: ChartData) -> int:
    """How far the axis runs each way from 0: the longest bar end, up to a multiple of 25."""
    ends = [max(-r.segments[0].start, r.segments[-1].start + r.segments[-1].width)
            for p in data.panels for r in p.rows if r.segments]
    return min(100, max(50, 25 * math.ceil(max(ends, default=0.0) / 25 - 1e-9)))


def _style_bars(ax: Axes, height: float, reach: int, texts: Texts) -> None:
    ax.set_ylim(height, 0)
    ax.set_xlim(-reach - EDGE, reach + EDGE)
    ticks = list(range(-reach, reach + 1, 25))
    ax.set_xticks(ticks, labels=[percent(abs(x) / 100, texts) for x in ticks], fontsize=7.5,
                  color=MUTED)
    ax.tick_params(axis="x", labeltop=True, top=False, bottom=False, length=0)
    ax.set_yticks([])
    ax.xaxis.grid(True, color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.axvline(0, color=MUTED, linewidth=0.8)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _style_apart(ax: Axes, title: str, span: int, texts: Texts) -> None:
    ax.set_xlim(0, span + EDGE)
    ticks = list(range(0, span + 1, 10 if span <= 20 else 20 if span <= 60 else 25))
    ax.set_xticks(ticks, labels=[percent(x / 100, texts) if x else "" for x in ticks],
                  fontsize=7.5, color=MUTED)
    ax.tick_params(axis="x", labeltop=True, top=False, bottom=False, length=0)
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.xaxis.grid(True, color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(title, fontsize=8.5, color=TEXT, pad=16)
    for name, spine in ax.spines.items():
        spine.set_visible(name == "left")
        spine.set_color("#bdbdbd")
