"""The export's tables as typed values, the same for every format (CSV, XLSX).

One row per statement × layer (the campaign's layers, *onbekend*, and the "*" row over the
layers shown in full), from a `Release` only: a layer the release step does not show in
full has no counts, no mean and no share, and says why in the digest's words. Numbers stay
numbers here; each format writes them its own way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.insight.privacy import Withheld
from bot.insight.release import Release
from bot.labels import N_, layer_label, option_label
from bot.settings.config import CampaignSettings
from bot.texts import Texts

TOTAL_LAYER = "*"
Value = str | int | float | None

# Column headers (English msgids; Dutch in the catalogue), in the order written.
LEAD_HEADERS = (N_("theme"), N_("theme title"), N_("statement"), N_("statement text"),
                N_("state"), N_("layer"), N_("layer name"))
TAIL_HEADERS = (N_("respondents"), N_("mean"), N_("share agreeing"), N_("shown"),
                N_("reason"))
PARTICIPATION_HEADERS = (N_("layer"), N_("layer name"), N_("participants"),
                         N_("positions"), N_("response rate"))
_STATES = {"open": N_("open"), "closed": N_("closed")}
_REASONS = {
    Withheld.BELOW_THRESHOLD: N_("below the privacy threshold"),
    Withheld.SMALL_GROUP: N_("not broken down, to protect a small group"),
    Withheld.UNTIL_CLOSED: N_("held back until the statement closes"),
}


@dataclass(frozen=True, slots=True)
class ExportTable:
    """Headers and rows of one view; a row is text, whole numbers and fractions."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    # Column positions by kind, so a format can style them (XLSX number formats).
    count_columns: tuple[int, ...] = ()
    mean_columns: tuple[int, ...] = ()
    share_columns: tuple[int, ...] = ()
    shift_columns: tuple[int, ...] = ()  # a difference of shares: signed percentage points


def statement_table(release: Release, *, campaign: CampaignSettings,
                    scale: tuple[ScaleOption, ...], texts: Texts) -> ExportTable:
    """Statements × layers: counts per option, respondents, mean, share agreeing, shown."""
    t = texts
    options = [t.gettext("{option} (count)", option=option_label(o, t)) for o in scale]
    headers = (*(t.gettext(h) for h in LEAD_HEADERS), *options,
               *(t.gettext(h) for h in TAIL_HEADERS))
    yes, no = t.gettext("yes"), t.gettext("no")
    layers = (*campaign.layer_keys, UNKNOWN_LAYER, TOTAL_LAYER)
    names = {layer: layer_label(layer, campaign, t) for layer in layers[:-1]}
    names[TOTAL_LAYER] = t.gettext("layers shown together")
    blank: tuple[Value, ...] = (None,) * len(scale)
    rows: list[tuple[Value, ...]] = []
    for visible in release.statements:
        s = visible.statement
        state = t.gettext(_STATES[s.state]) if s.state in _STATES else s.state
        lead: tuple[Value, ...] = (s.theme_key, s.theme_title, s.key, s.text, state)
        for layer in layers:
            cell = visible.total if layer == TOTAL_LAYER else visible.cells.get(layer)
            head = (*lead, layer, names[layer])
            if cell is not None:
                rows.append((*head, *(cell.counts.get(o.key, 0) for o in scale),
                             cell.respondents, cell.mean(scale), cell.agree_share(scale),
                             yes, ""))
            elif layer in visible.withheld:
                why = visible.withheld[layer]
                rows.append((*head, *blank, visible.coarse.get(layer), None, None, no,
                             t.gettext(_REASONS[why])))
            elif layer == TOTAL_LAYER and visible.answers:
                rows.append((*head, *blank, None, None, None, no,
                             t.gettext("no layer is shown in full")))
            else:  # nobody of this layer answered: nothing to hide
                rows.append((*head, *(0,) * len(scale), 0, None, None, yes, ""))
    first_count = len(LEAD_HEADERS)
    after = first_count + len(scale)
    return ExportTable(headers=headers, rows=tuple(rows),
                       count_columns=(*range(first_count, after), after),
                       mean_columns=(after + 1,), share_columns=(after + 2,))


def participation_table(release: Release, *, campaign: CampaignSettings,
                        texts: Texts) -> ExportTable:
    """Who took part per layer: counts of people and positions (they say nothing about
    answers, so they are live, as in the digest's participation section)."""
    rows: list[tuple[Value, ...]] = []
    for layer in (*campaign.layer_keys, UNKNOWN_LAYER):
        people = release.participants_by_layer.get(layer, 0)
        if layer == UNKNOWN_LAYER and not people:
            continue
        rows.append((layer, layer_label(layer, campaign, texts), people,
                     release.positions_by_layer.get(layer, 0), release.response_rate(layer)))
    return ExportTable(headers=tuple(texts.gettext(h) for h in PARTICIPATION_HEADERS),
                       rows=tuple(rows), count_columns=(2, 3), share_columns=(4,))
