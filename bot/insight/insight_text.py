"""The ranked insights as digest sections: a few lines each, readable in half a minute."""

from __future__ import annotations

from bot.document import Bullets, Section
from bot.insight.digest_context import DigestContext
from bot.insight.ranking import Insights
from bot.labels import layer_label, percent

ALT_TEXT_MAX = 1000  # Slack's alt_txt; a Telegram caption holds 1,024


def insight_sections(insights: Insights, ctx: DigestContext) -> list[Section]:
    t = ctx.texts
    sections = [
        Section(title=t.gettext("Where the layers agree"),
                blocks=(Bullets(tuple(_agree_lines(insights, ctx))),)),
        Section(title=t.gettext("Where the layers part"),
                blocks=(Bullets(tuple(_part_lines(insights, ctx))),)),
    ]
    apart = _distinctive_lines(insights, ctx)
    if apart:
        sections.append(Section(title=t.gettext("What sets each layer apart"),
                                blocks=(Bullets(tuple(apart)),)))
    if insights.unsure:
        sections.append(Section(title=t.gettext("Where people are most unsure"),
                                blocks=(Bullets(tuple(_unsure_lines(insights, ctx))),)))
    return sections


def _name(layer: str, ctx: DigestContext) -> str:
    return layer_label(layer, ctx.campaign, ctx.texts)


def _text(insights: Insights, key: str) -> str:
    return f"“{insights.statements[key].statement.text}”"


def _agree_lines(insights: Insights, ctx: DigestContext) -> list[str]:
    t = ctx.texts
    if not insights.agree:
        return [t.gettext("No statement has agreement across the layers yet (a typical layer "
                          "agreeing {level} or more).", level=percent(insights.level, t))]
    lines = []
    for a in insights.agree:
        shares = ", ".join(f"{_name(layer, ctx)} {percent(share, t)}"
                           for layer, share in a.shares)
        line = t.gettext("{text}: {shares} agree.", text=_text(insights, a.statement_key),
                         shares=shares)
        if a.uncertain:
            line += " " + t.gettext("Too few answers yet from {layers}.", layers=", ".join(
                _name(layer, ctx) for layer in a.uncertain))
        lines.append(line)
    return lines


def _part_lines(insights: Insights, ctx: DigestContext) -> list[str]:
    t = ctx.texts
    if not insights.part:
        return [t.gettext("No statement where the layers clearly part yet.")]
    return [t.gettext("{text}: {high} {high_share} agree, {low} {low_share}.",
                      text=_text(insights, p.statement_key), high=_name(p.high_layer, ctx),
                      high_share=percent(p.high_share, t), low=_name(p.low_layer, ctx),
                      low_share=percent(p.low_share, t))
            for p in insights.part]


def _distinctive_lines(insights: Insights, ctx: DigestContext) -> list[str]:
    t, lines = ctx.texts, []
    for layer, found in insights.distinctive.items():
        for d in found:
            values = {"layer": _name(layer, ctx), "text": _text(insights, d.statement_key),
                      "share": percent(d.share, t), "others": percent(d.others_share, t)}
            lines.append(
                t.gettext("{layer} agrees more than the others with {text} ({share} against "
                          "{others}).", **values) if d.agrees else
                t.gettext("{layer} disagrees more than the others with {text} ({share} "
                          "against {others}).", **values))
    return lines


def _unsure_lines(insights: Insights, ctx: DigestContext) -> list[str]:
    t = ctx.texts
    return [t.gettext("{text}: {share} don't know ({n} answers).",
                      text=_text(insights, u.statement_key), share=percent(u.share, t),
                      n=u.respondents)
            for u in insights.unsure]


def chart_alt_text(insights: Insights, ctx: DigestContext) -> str:
    """What the chart shows, for screen readers (Slack alt_txt, Telegram caption)."""
    t = ctx.texts
    keys = insights.preview_keys()
    if not keys:
        return t.gettext("Chart: no statement has enough answers to show yet.")
    head = t.ngettext(
        "Chart: for {n} statement of this digest, each layer's answers from disagree "
        "(red, left) to agree (blue, right).",
        "Chart: for {n} statements of this digest, each layer's answers from disagree "
        "(red, left) to agree (blue, right).", len(keys))
    room = max(30, (ALT_TEXT_MAX - len(head)) // len(keys) - 22)
    parts = []
    for i, key in enumerate(keys, 1):
        total = insights.statements[key].total
        share = total.agree_share(ctx.scale) if total is not None else 0.0
        text = insights.statements[key].statement.text
        short = text if len(text) <= room else text[:room - 1].rstrip() + "…"
        parts.append(t.gettext("{i}. “{text}”: {share} agree", i=i, text=short,
                               share=percent(share, t)))
    return f"{head} {'; '.join(parts)}."
