"""Charts as inline SVG: per statement a 100 % bar per shown layer, and participation per week.

Drawn with matplotlib's object API on an SVG canvas (no pyplot, nothing left alive). Text
stays text (`svg.fonttype = none`: smaller, selectable, sharp in the PDF) and each chart's
ids are salted with its own name, so many charts share one page without clashing ids.
Figures are few artists on purpose: a report draws one per statement, hundreds at scale.
Each chart is decoration for sighted readers only: the page gives its text alternative and
a data table with the same numbers (`report.view`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from io import StringIO

from matplotlib import rc_context, rcParams
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from bot.domain import ScaleOption
from bot.insight.aggregation import Cell

TEXT, MUTED, GRID = "#1a1a1a", "#505050", "#d9d9d9"
WIDTH_IN, ROW_IN, LABEL_IN = 7.0, 0.32, 1.9
# Okabe & Ito's colour-blind-safe palette, for the lines of participation per layer.
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_ID = re.compile(r'\bid="([^"]+)"')


@contextmanager
def svg_drawing() -> Iterator[None]:
    """Text as text, and room to salt each chart's ids: one rc_context for a whole page
    (entering one per chart cost more than drawing the chart)."""
    with rc_context({"svg.fonttype": "none"}):
        yield


def _svg(figure: Figure, name: str) -> str:
    buffer = StringIO()
    rcParams["svg.hashsalt"] = name  # inside svg_drawing(): restored when it ends
    rcParams["svg.id"] = name
    # No creation date: the same figures give the same page (and nothing to diff but them).
    figure.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None})
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)  # no XML declaration or DOCTYPE
    return _own_ids(svg, name)


def _own_ids(svg: str, name: str) -> str:
    """Prefix every id (and each reference to it) with the chart's name: matplotlib numbers
    its groups per figure (`text_1`, `patch_1`), which would repeat on a page of charts."""
    for old in sorted(set(_ID.findall(svg)) - {name}, key=len, reverse=True):
        new = f"{name}-{old}"
        svg = (svg.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})")
               .replace(f'href="#{old}"', f'href="#{new}"'))
    return svg


def bars_svg(name: str, rows: Sequence[tuple[str, Cell]], *, scale: tuple[ScaleOption, ...],
             colours: dict[str, str], axis_labels: tuple[str, str, str]) -> str:
    """One 100 % bar per (label, cell), options from disagree to agree, then "weet niet".

    Drawn on the figure itself in inches, without Axes: creating and clearing an Axes (its
    ticks) cost three times the drawing, and a report draws hundreds of these."""
    order = [*sorted((o for o in scale if o.value is not None), key=lambda o: o.value or 0.0),
             *(o for o in scale if o.value is None)]
    height = ROW_IN * len(rows) + 0.45
    figure = Figure(figsize=(WIDTH_IN, height))
    FigureCanvasSVG(figure)
    inches = figure.dpi_scale_trans
    bar_in = WIDTH_IN - LABEL_IN - 0.2

    def x(percent: float) -> float:
        return LABEL_IN + bar_in * percent / 100

    boxes, faces = [], []
    for i, (label, cell) in enumerate(rows):
        top = height - 0.08 - i * ROW_IN
        low, high = top - ROW_IN * 0.85, top - ROW_IN * 0.15
        n, start = cell.respondents or 1, 0.0
        for option in order:
            width = 100 * cell.counts.get(option.key, 0) / n
            if width:
                boxes.append([(x(start), low), (x(start + width), low),
                              (x(start + width), high), (x(start), high)])
                faces.append(colours[option.key])
            start += width
        figure.text(LABEL_IN - 0.08, (low + high) / 2, label, transform=inches, ha="right",
                    va="center", fontsize=9, color=TEXT)
    bottom = height - 0.08 - len(rows) * ROW_IN
    for percent in (0, 50, 100):  # gridlines, behind the bars
        boxes.insert(0, [(x(percent) - 0.004, bottom), (x(percent) + 0.004, bottom),
                         (x(percent) + 0.004, height - 0.04), (x(percent) - 0.004, height - 0.04)])
        faces.insert(0, GRID)
    figure.add_artist(PolyCollection(boxes, facecolors=faces, edgecolors="white",
                                     linewidths=0.6, transform=inches))
    for percent, text, align in zip((0, 50, 100), axis_labels, ("left", "center", "right"),
                                    strict=True):
        figure.text(x(percent), bottom - 0.06, text, transform=inches, ha=align, va="top",
                    fontsize=8, color=MUTED)
    return _svg(figure, name)


def lines_svg(name: str, weeks: Sequence[str], series: Sequence[tuple[str, list[int]]]) -> str:
    """Cumulative people per layer (one line each), by week."""
    figure = Figure(figsize=(WIDTH_IN, 3.0))
    FigureCanvasSVG(figure)
    ax = figure.add_axes((0.08, 0.18, 0.62, 0.75))
    xs = list(range(len(weeks)))
    for (label, values), colour in zip(series, LINE_COLOURS * 4, strict=False):
        ax.plot(xs, values, color=colour, linewidth=1.8, marker="o", markersize=3,
                label=label)
    step = max(1, len(weeks) // 8)
    ax.set_xticks(xs[::step], labels=list(weeks)[::step], fontsize=8, color=MUTED)
    ax.tick_params(axis="y", labelsize=8, labelcolor=MUTED)
    ax.set_ylim(bottom=0)
    ax.grid(True, axis="y", color=GRID, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False, fontsize=8.5,
              labelcolor=TEXT)
    return _svg(figure, name)
