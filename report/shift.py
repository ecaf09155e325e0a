"""The shift since the workshop as tables: per statement with a baseline, per layer the
workshop's figures, today's and the difference (from `bot.insight.baseline_shift`, which
already applied the privacy rules to both sides). A side not shown says why, in words."""

from __future__ import annotations

from babel.dates import format_date

from bot.insight.baseline_shift import BaselineShift, Figures, Hidden, LayerShift
from bot.insight.digest_context import DigestContext
from bot.labels import layer_label, percent, signed
from bot.texts import Texts
from report.tables import DASH, Table


def shift_tables(shift: BaselineShift, ctx: DigestContext) -> tuple[str, tuple[Table, ...]]:
    """An introduction and one table per statement that has a baseline."""
    t = ctx.texts
    intro = t.gettext(
        "The workshop of {date} ({source}) against the figures published now. A shift is "
        "given only where a layer is shown in full on both sides; the workshop's cells follow "
        "the same privacy rules (fewer than {k} people show nothing).",
        date=format_date(shift.workshop_date, format="long", locale=t.language),
        source=shift.source, k=shift.k)
    headers = (t.gettext("Layer"), t.gettext("Workshop: respondents"),
               t.gettext("Workshop: share agreeing"), t.gettext("Now: respondents"),
               t.gettext("Now: share agreeing"), t.gettext("Shift in agreement"),
               t.gettext("Shift in mean"))
    tables = []
    for statement in shift.statements:
        rows = [(layer_label(x.layer, ctx.campaign, t), _row(x, t)) for x in statement.layers]
        if statement.total is not None:
            rows.append((t.gettext("Layers shown on both sides"), _row(statement.total, t)))
        tables.append(Table(
            caption=t.gettext("Since the workshop: “{text}”", text=statement.text),
            headers=headers, rows=tuple(rows)))
    return intro, tuple(tables)


def _row(x: LayerShift, t: Texts) -> tuple[str, ...]:
    return (*_side(x.baseline, t), *_side(x.current, t),
            DASH if x.agree_shift is None else t.gettext(
                "{points} points", points=f"{round(100 * x.agree_shift):+d}".replace("-", "−")),
            DASH if x.mean_shift is None else signed(x.mean_shift, t))


def _side(side: Figures, t: Texts) -> tuple[str, str]:
    n = DASH if side.respondents is None else str(side.respondents)
    if side.agree_share is not None:
        return n, percent(side.agree_share, t)
    return n, _reason(side.hidden, t)


def _reason(hidden: Hidden | None, t: Texts) -> str:
    return {
        Hidden.BELOW_THRESHOLD: t.gettext("below the privacy threshold"),
        Hidden.SMALL_GROUP: t.gettext("not broken down, to protect a small group"),
        Hidden.UNTIL_CLOSED: t.gettext("shown once the statement closes"),
        Hidden.NO_ANSWERS: t.gettext("no answers"),
        Hidden.NOT_ASKED: t.gettext("not asked yet"),
    }.get(hidden, DASH) if hidden is not None else DASH
