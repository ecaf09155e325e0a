"""CSV export of the aggregates per statement × layer, with the privacy threshold applied."""

from __future__ import annotations

import csv
import io

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.insight.aggregation import CampaignAggregate
from bot.insight.privacy import apply_threshold


def aggregates_csv(aggregate: CampaignAggregate, scale: tuple[ScaleOption, ...],
                   layers: tuple[str, ...], k: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["statement", "theme", "state", "layer", "shown", "respondents",
                     "agree_share", "mean", *(f"n_{o.key}" for o in scale)])
    for statement in aggregate.statements:
        visible = apply_threshold(statement, k)
        rows = [(layer, visible.cells.get(layer), layer in visible.hidden_layers)
                for layer in (*layers, UNKNOWN_LAYER)]
        rows.append(("*", visible.total, visible.total is None and statement.respondents > 0))
        for layer, cell, hidden in rows:
            prefix = [statement.key, statement.theme_key, statement.state, layer]
            if cell is None:
                # Hidden cells say only that they are hidden; empty layers say 0.
                blank = [""] * (3 + len(scale))
                writer.writerow([*prefix, "no" if hidden else "yes",
                                 *(blank if hidden else ["0", "", "", *["0"] * len(scale)])])
                continue
            mean = cell.mean(scale)
            writer.writerow([*prefix, "yes", cell.respondents,
                             f"{cell.agree_share(scale):.4f}",
                             "" if mean is None else f"{mean:.4f}",
                             *(cell.counts.get(o.key, 0) for o in scale)])
    return out.getvalue()
