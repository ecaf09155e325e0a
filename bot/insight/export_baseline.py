"""The export's "shift since the workshop" view, from `bot.insight.baseline_shift`.

One row per statement × layer that has people on either side (and the "*" row over the
layers shown in full on both sides, as `baseline_shift` defines it): the workshop's
figures, today's released figures and the shift, each side shown only as far as the
privacy rules allow and saying why not otherwise.
"""

from __future__ import annotations

from typing import Any

from bot.insight.baseline_shift import BaselineShift, Figures, Hidden, LayerShift
from bot.insight.export_table import TOTAL_LAYER, ExportTable, Value
from bot.labels import N_, layer_label
from bot.settings.config import CampaignSettings
from bot.texts import Texts

HEADERS = (N_("theme"), N_("theme title"), N_("statement"), N_("statement text"),
           N_("state"), N_("layer"), N_("layer name"),
           N_("workshop: respondents"), N_("workshop: share agreeing"), N_("workshop: mean"),
           N_("now: respondents"), N_("now: share agreeing"), N_("now: mean"),
           N_("shift in share agreeing"), N_("shift in mean"),
           N_("workshop: not shown because"), N_("now: not shown because"))
_HIDDEN = {
    Hidden.BELOW_THRESHOLD: N_("below the privacy threshold"),
    Hidden.SMALL_GROUP: N_("not broken down, to protect a small group"),
    Hidden.UNTIL_CLOSED: N_("held back until the statement closes"),
    Hidden.NO_ANSWERS: N_("no answers"),
    Hidden.NOT_ASKED: N_("not asked in the campaign yet"),
}
_STATES = {"open": N_("open"), "closed": N_("closed")}


def baseline_table(shift: BaselineShift, *, campaign: CampaignSettings,
                   texts: Texts) -> ExportTable:
    t = texts
    rows: list[tuple[Value, ...]] = []
    for statement in shift.statements:
        state = t.gettext(_STATES[statement.state]) if statement.state in _STATES else \
            statement.state
        lead: tuple[Value, ...] = (statement.theme_key, statement.theme_title, statement.key,
                                   statement.text, state)
        layers = [*statement.layers, *([statement.total] if statement.total else [])]
        for layer in layers:
            name = t.gettext("layers shown together") if layer.layer == TOTAL_LAYER else \
                layer_label(layer.layer, campaign, t)
            rows.append((*lead, layer.layer, name, *_row(layer, t)))
    return ExportTable(headers=tuple(t.gettext(h) for h in HEADERS), rows=tuple(rows),
                       count_columns=(7, 10), share_columns=(8, 11), mean_columns=(9, 12, 14),
                       shift_columns=(13,))


def baseline_about(shift: BaselineShift, texts: Texts) -> list[tuple[str, str]]:
    t = texts
    return [(t.gettext("Workshop"), t.gettext(
        "{date}, from {source}. The shift is now minus the workshop, per layer where both "
        "sides are shown in full; a workshop cell follows the same privacy rules as every "
        "other cell.", date=shift.workshop_date.isoformat(), source=shift.source))]


def _row(layer: LayerShift, t: Texts) -> tuple[Value, ...]:
    return (*_side(layer.baseline), *_side(layer.current), layer.agree_shift, layer.mean_shift,
            _why(layer.baseline, t), _why(layer.current, t))


def _side(side: Figures) -> tuple[Value, ...]:
    return side.respondents, side.agree_share, side.mean


def _why(side: Figures, t: Texts) -> str:
    return t.gettext(_HIDDEN[side.hidden]) if side.hidden is not None else ""


def baseline_sheet(shift: BaselineShift | None, campaign: CampaignSettings,
                   texts: Texts) -> dict[str, Any]:
    """The ExportContext fields for the workbook's shift sheet; empty without a baseline."""
    if shift is None:
        return {}
    return {"extra_sheets": ((texts.gettext("Shift since the workshop"),
                              baseline_table(shift, campaign=campaign, texts=texts)),),
            "extra_about": tuple(baseline_about(shift, texts))}
