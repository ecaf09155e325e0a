"""CSV export of the aggregates per statement × layer, as the release step lets them out.

Each layer row says whether it is shown in full and, if not, why (`withheld`): below the
privacy threshold (nothing), or a small group shown as a count of respondents only. The
"*" row is over the layers shown in full, like every total positie publishes.
"""

from __future__ import annotations

import csv
import io

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.insight.release import Release


def aggregates_csv(release: Release, scale: tuple[ScaleOption, ...],
                   layers: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["statement", "theme", "state", "layer", "shown", "withheld",
                     "respondents", "agree_share", "mean", *(f"n_{o.key}" for o in scale)])
    blank = [""] * (2 + len(scale))
    for visible in release.statements:
        statement = visible.statement
        for layer in (*layers, UNKNOWN_LAYER, "*"):
            cell = visible.total if layer == "*" else visible.cells.get(layer)
            prefix = [statement.key, statement.theme_key, statement.state, layer]
            if cell is not None:
                mean = cell.mean(scale)
                writer.writerow([*prefix, "yes", "", cell.respondents,
                                 f"{cell.agree_share(scale):.4f}",
                                 "" if mean is None else f"{mean:.4f}",
                                 *(cell.counts.get(o.key, 0) for o in scale)])
            elif layer in visible.withheld:
                n = visible.coarse.get(layer, "")
                writer.writerow([*prefix, "no", visible.withheld[layer], n, *blank])
            elif layer == "*" and visible.answers:
                writer.writerow([*prefix, "no", "", "", *blank])
            else:  # nobody of this layer answered
                writer.writerow([*prefix, "yes", "", 0, "", "", *["0"] * len(scale)])
    return out.getvalue()
