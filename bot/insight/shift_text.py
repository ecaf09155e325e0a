"""The shift since the workshop as digest text: in chat, per layer the statement it moved
most on; in the attached table, per statement every layer's workshop → now.

Only `bot.insight.baseline_shift` figures are used, so a workshop cell under k (or a small
group answering alike) is named with its reason and never given a share.
"""

from __future__ import annotations

from babel.dates import format_date

from bot.document import Bullets, Section
from bot.insight.baseline_shift import BaselineShift, Figures, Hidden, LayerShift, StatementShift
from bot.insight.digest_context import DigestContext
from bot.labels import layer_label, percent

TEXT_ROOM = 90  # characters of a statement quoted in chat; the table has them whole


def shift_title(shift: BaselineShift, ctx: DigestContext) -> str:
    return ctx.texts.gettext("Since the workshop of {date}", date=format_date(
        shift.workshop_date, format="long", locale=ctx.texts.language))


def shift_section(shift: BaselineShift, ctx: DigestContext) -> Section:
    """Per layer the statement whose agreement moved most since the workshop."""
    t = ctx.texts
    best: dict[str, tuple[LayerShift, StatementShift]] = {}
    for statement in shift.statements:
        for layer in statement.layers:
            if layer.agree_shift is None:
                continue
            held = best.get(layer.layer)
            if held is None or abs(layer.agree_shift) > abs(held[0].agree_shift or 0.0):
                best[layer.layer] = (layer, statement)
    lines = []
    for key in (*ctx.campaign.layer_keys, "onbekend"):
        if key in best:
            layer, statement = best[key]
            lines.append(t.gettext(
                "{layer}: most on {text}: {before} → {now} agree ({points}).",
                layer=layer_label(key, ctx.campaign, t), text=_quoted(statement.text),
                before=percent(layer.baseline.agree_share or 0.0, t),
                now=percent(layer.current.agree_share or 0.0, t),
                points=_points(layer.agree_shift or 0.0, ctx)))
    if not lines:
        lines.append(t.gettext("No layer can be set against the workshop yet: that needs "
                               "at least {k} people of the layer on both occasions.",
                               k=shift.k))
    return Section(title=shift_title(shift, ctx), blocks=(Bullets(tuple(lines)),))


def statement_shift_lines(statement: StatementShift, ctx: DigestContext) -> list[str]:
    """Every layer of one statement, workshop → now, for the full table."""
    t = ctx.texts
    lines = []
    for layer in statement.layers:
        name = layer_label(layer.layer, ctx.campaign, t)
        if layer.agree_shift is not None:
            lines.append(t.gettext("{layer}: {before} → {now} agree ({points})", layer=name,
                                   before=percent(layer.baseline.agree_share or 0.0, t),
                                   now=percent(layer.current.agree_share or 0.0, t),
                                   points=_points(layer.agree_shift, ctx)))
        else:
            lines.append(t.gettext("{layer}: at the workshop {before}; now {now}", layer=name,
                                   before=_side(layer.baseline, ctx),
                                   now=_side(layer.current, ctx)))
    return lines


def _side(side: Figures, ctx: DigestContext) -> str:
    t = ctx.texts
    if side.shown:
        return t.gettext("{share} agree", share=percent(side.agree_share or 0.0, t))
    reason = side.hidden
    if reason is Hidden.BELOW_THRESHOLD:
        return t.gettext("below the privacy threshold")
    if reason is Hidden.SMALL_GROUP:
        return t.gettext("not broken down, to protect a small group")
    if reason is Hidden.UNTIL_CLOSED:
        return t.gettext("shown once the statement closes")
    if reason is Hidden.NOT_ASKED:
        return t.gettext("not asked yet")
    return t.gettext("no answers")


def _points(shift: float, ctx: DigestContext) -> str:
    points = round(shift * 100)
    sign = "+" if points > 0 else "−" if points < 0 else "±"
    return ctx.texts.ngettext("{sign}{n} point", "{sign}{n} points", abs(points),
                              sign=sign)


def _quoted(text: str) -> str:
    short = text if len(text) <= TEXT_ROOM else text[:TEXT_ROOM - 1].rstrip() + "…"
    return f"“{short}”"
