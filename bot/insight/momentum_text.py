"""Momentum as digest sections: what moved, each layer against the others, a call to act."""

from __future__ import annotations

from bot.document import AnswerButtons, Block, Bullets, Paragraph, Section
from bot.insight.digest_context import DigestContext
from bot.insight.momentum import ALL_LAYERS, Momentum
from bot.insight.momentum_layers import LayerComparison
from bot.labels import layer_label, option_label, percent

# Below this difference in agree share two layers count as agreeing "about as often".
SAME_SHARE = 0.05


def with_momentum(sections: tuple[Section, ...], momentum: Momentum,
                  ctx: DigestContext) -> tuple[Section, ...]:
    """What moved comes first (it is the news), the comparison after the participation
    section it extends, the call to action last."""
    moved = _movement_section(momentum, ctx)
    layers = _layers_section(momentum, ctx)
    action = _action_section(momentum, ctx)
    return (*(s for s in (moved,) if s), *sections, *(s for s in (layers, action) if s))


def _name(layer: str, ctx: DigestContext) -> str:
    return layer_label(layer, ctx.campaign, ctx.texts)


def _ordered(layers: list[str], ctx: DigestContext) -> list[str]:
    order = list(ctx.campaign.layer_keys)
    return sorted(layers, key=lambda layer: order.index(layer) if layer in order else 99)


def _movement_section(momentum: Momentum, ctx: DigestContext) -> Section | None:
    t = ctx.texts
    lines: list[str] = []
    new = {layer: n for layer, n in momentum.new_positions.items() if n > 0}
    if new:
        listing = ", ".join(f"{_name(layer, ctx)} +{new[layer]}"
                            for layer in _ordered(list(new), ctx))
        lines.append(t.gettext("New positions: {listing}.", listing=listing))
    if momentum.people_changed:
        lines.append(t.ngettext("{n} person changed their position.",
                                "{n} people changed their position.", momentum.people_changed))
    move = momentum.moved_most
    if move is not None:
        who = (t.gettext("all layers") if move.layer == ALL_LAYERS
               else _name(move.layer, ctx))
        lines.append(t.gettext("Agreement moved most on “{text}” ({who}): {before} → {after} "
                               "agree.", text=move.statement_text, who=who,
                               before=percent(move.before, t), after=percent(move.after, t)))
    trend = {layer: points for layer, points in momentum.participation.items()
             if len(points) > 1 and any(points)}
    if trend:
        lines.append(t.gettext("Participants per layer: {trends}.", trends=", ".join(
            f"{_name(layer, ctx)} {' → '.join(str(n) for n in trend[layer])}"
            for layer in _ordered(list(trend), ctx))))
    for nudge in momentum.nudges:
        if nudge.answers == 0:
            lines.append(t.gettext("No answers yet from {layer} on {theme}.",
                                   layer=_name(nudge.layer, ctx), theme=nudge.theme_title))
            continue
        lines.append(t.ngettext("From {layer} only {n} answer on {theme} so far.",
                                "From {layer} only {n} answers on {theme} so far.",
                                nudge.answers, layer=_name(nudge.layer, ctx),
                                theme=nudge.theme_title))
    if not lines:
        return None
    title = (t.gettext("Since the previous digest") if momentum.since is not None
             else t.gettext("So far"))
    return Section(title=title, blocks=(Bullets(tuple(lines)),))


def _layers_section(momentum: Momentum, ctx: DigestContext) -> Section | None:
    by_layer = {c.layer: c for c in momentum.comparisons}
    lines = [_comparison_line(by_layer[layer], ctx) for layer in _ordered(list(by_layer), ctx)]
    if not lines:
        return None
    return Section(title=ctx.texts.gettext("Each layer compared with the others"),
                   blocks=(Bullets(tuple(lines)),))


def _comparison_line(c: LayerComparison, ctx: DigestContext) -> str:
    t = ctx.texts
    values = {"layer": _name(c.layer, ctx)}
    if c.agree_share is None or c.others_agree_share is None:
        agreement = t.gettext("{layer}: too few answers yet to compare its agreement.",
                              **values)
    else:
        shares = {**values, "share": percent(c.agree_share, t),
                  "others": percent(c.others_agree_share, t)}
        difference = c.agree_share - c.others_agree_share
        if difference >= SAME_SHARE:
            agreement = t.gettext("{layer} agrees more often than the other layers "
                                  "({share} against {others}).", **shares)
        elif difference <= -SAME_SHARE:
            agreement = t.gettext("{layer} agrees less often than the other layers "
                                  "({share} against {others}).", **shares)
        else:
            agreement = t.gettext("{layer} agrees about as often as the other layers "
                                  "({share} against {others}).", **shares)
    response = t.gettext("Response rate {rate}, other layers {others}.",
                         rate=percent(c.response_rate, t),
                         others=percent(c.others_response_rate, t))
    return f"{agreement} {response}"


def _action_section(momentum: Momentum, ctx: DigestContext) -> Section | None:
    cta = momentum.fewest_answers
    if cta is None:
        return None
    t = ctx.texts
    blocks: list[Block] = [
        Paragraph(t.gettext("“{text}” has the fewest answers so far ({n}). Not answered "
                            "yet? Tap your position; only you see it.",
                            text=cta.statement_text, n=cta.answers)),
        AnswerButtons(statement_key=cta.statement_key,
                      options=tuple((o.key, option_label(o, t)) for o in ctx.scale)),
    ]
    return Section(title=t.gettext("Your position counts"), blocks=tuple(blocks))
