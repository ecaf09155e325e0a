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
from collections.abc import Sequence
from io import StringIO

from matplotlib import rc_context
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


def _svg(figure: Figure, name: str) -> str:
    buffer = StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": name, "svg.id": name}):
        figure.savefig(buffer, format="svg", facecolor="white")
    figure.clear()
    return _PROLOGUE.sub("", buffer.getvalue(), count=1)  # no XML declaration or DOCTYPE


def bars_svg(name: str, rows: Sequence[tuple[str, Cell]], *, scale: tuple[ScaleOption, ...],
             colours: dict[str, str], axis_labels: tuple[str, str, str]) -> str:
    """One 100 % bar per (label, cell), options from disagree to agree, then "weet niet"."""
    order = [*sorted((o for o in scale if o.value is not None), key=lambda o: o.value or 0.0),
             *(o for o in scale if o.value is None)]
    height = ROW_IN * len(rows) + 0.55
    figure = Figure(figsize=(WIDTH_IN, height))
    FigureCanvasSVG(figure)
    left = LABEL_IN / WIDTH_IN
    ax = figure.add_axes((left, 0.4 / height, 1 - left - 0.2 / WIDTH_IN, 1 - 0.5 / height))
    ax.set_xlim(0, 100)
    ax.set_ylim(len(rows), 0)
    ax.set_axis_off()
    boxes, faces = [], []
    for i, (label, cell) in enumerate(rows):
        n, start = cell.respondents or 1, 0.0
        for option in order:
            width = 100 * cell.counts.get(option.key, 0) / n
            if width:
                boxes.append([(start, i + 0.15), (start + width, i + 0.15),
                              (start + width, i + 0.85), (start, i + 0.85)])
                faces.append(colours[option.key])
            start += width
        ax.text(-1.5, i + 0.5, label, ha="right", va="center", fontsize=9, color=TEXT)
    ax.add_collection(PolyCollection(boxes, facecolors=faces, edgecolors="white",
                                     linewidths=0.6))
    for x in (0, 50, 100):
        ax.axvline(x, color=GRID, linewidth=0.6, zorder=0)
    for x, text, align in zip((0, 50, 100), axis_labels, ("left", "center", "right"),
                              strict=True):
        ax.text(x, len(rows) + 0.15, text, ha=align, va="top", fontsize=8, color=MUTED)
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
