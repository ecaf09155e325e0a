"""The ranked insights of a digest, from the privacy layer's view of each statement.

One pass over the statements gives, per statement, its decisive cells (bot.insight.decisive);
the four rankings (consensus, divergence, repness, uncertainty) each take what they need.
The chart previews the statements these name, in this order (`preview_keys`).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

from bot.domain import ScaleOption
from bot.insight.consensus import Agreement, agreement, most_agreed
from bot.insight.decisive import counts, decisive_cells
from bot.insight.divergence import Parting, most_parted, parting
from bot.insight.privacy import VisibleStatement
from bot.insight.repness import Distinctive, distinctive, most_distinctive
from bot.insight.uncertainty import Unsure, most_unsure, unsure
from bot.settings.config import CampaignSettings

PREVIEW_MAX = 8  # statements in the chart
PREVIEW_ROWS = 80.0  # bar rows of 21 px: with the chart's header and legend, ≤ 2,000 px


@dataclass(frozen=True, slots=True)
class Insights:
    agree: tuple[Agreement, ...]
    part: tuple[Parting, ...]
    distinctive: dict[str, tuple[Distinctive, ...]]  # per named layer, in campaign order
    unsure: tuple[Unsure, ...]
    min_cell: int
    level: float
    statements: dict[str, VisibleStatement] = field(repr=False)

    def preview_keys(self) -> tuple[str, ...]:
        """The statements the chart shows: those the digest names, most telling first, each
        once; when it names none yet, the most answered statements that may be shown."""
        keys = [*(a.statement_key for a in self.agree), *(p.statement_key for p in self.part),
                *(u.statement_key for u in self.unsure),
                *(d.statement_key for ds in self.distinctive.values() for d in ds)]
        if not keys:
            shown = [v for v in self.statements.values() if v.total is not None]
            shown.sort(key=lambda v: -v.statement.respondents)  # stable: catalogue order
            keys = [v.statement.key for v in shown]
        chosen: list[str] = []
        rows = 0.0
        for key in dict.fromkeys(keys):
            rows += _chart_rows(self.statements[key])
            if len(chosen) == PREVIEW_MAX or (chosen and rows > PREVIEW_ROWS):
                break
            chosen.append(key)
        return tuple(chosen)


def _chart_rows(v: VisibleStatement) -> float:
    """The height of a statement's panel in the chart, in bar rows (bot.insight.chart's
    layout: gap, title lines, a row per shown layer and the total, a note if any hidden)."""
    title_lines = len(textwrap.wrap(f"“{v.statement.text}” (closed)", width=92)) or 1
    return 0.8 + 0.9 * title_lines + 0.2 + len(v.cells) + 1 + (1 if v.hidden_layers else 0)


def min_cell_size(campaign: CampaignSettings) -> int:
    return max(campaign.insight_min_cell, campaign.privacy_threshold)


def rank_insights(visible: list[VisibleStatement], campaign: CampaignSettings,
                  scale: tuple[ScaleOption, ...]) -> Insights:
    layers, top = campaign.layer_keys, campaign.digest_top_n
    min_cell = min_cell_size(campaign)
    agreements: list[tuple[Agreement, int]] = []
    partings: list[Parting] = []
    per_layer: dict[str, list[Distinctive]] = defaultdict(list)
    unsures: list[Unsure] = []
    for v in visible:
        if v.total is None:
            continue
        key, total = v.statement.key, counts(v.total, scale)
        cells = decisive_cells(v, layers, min_cell=min_cell, scale=scale)
        if (a := agreement(key, cells, layers)) is not None:
            agreements.append((a, total.respondents))
        if (p := parting(key, cells)) is not None:
            partings.append(p)
        for layer, cell in cells.items():
            rest = total.minus(cell)
            if rest.respondents >= min_cell and (d := distinctive(layer, key, cell, rest)):
                per_layer[layer].append(d)
        if (u := unsure(key, total)) is not None:
            unsures.append(u)
    agree = most_agreed(agreements, level=campaign.agreement_level, top=top)
    return Insights(
        agree=tuple(agree),
        part=tuple(most_parted(partings, exclude={a.statement_key for a in agree}, top=top)),
        distinctive={layer: tuple(most_distinctive(per_layer[layer], top=top))
                     for layer in layers if per_layer.get(layer)},
        unsure=tuple(most_unsure(unsures, top=top)),
        min_cell=min_cell, level=campaign.agreement_level,
        statements={v.statement.key: v for v in visible})
